"""Which incident a located report belongs to, decided under a lock per grid cell.

The pure rules live in `alerts.domain.correlation`; this module feeds them
the nearby incidents from the database (cells + last-seen time, so the cost
per report does not grow with history) and applies their decision.

Two workers handling reports of one attack at the same moment must end with
one incident: each takes PostgreSQL advisory locks on every cell its report
could match in, in sorted order, before reading candidates. The second waits,
then sees the first one's incident. SQLite serialises writers anyway.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select, text
from sqlalchemy.orm import Session

from alerts.core.domain.geo import Point
from alerts.correlation.domain.cells import cell_of, cells_near
from alerts.correlation.domain.decide import Decision, decide
from alerts.correlation.domain.incident import absorb
from alerts.correlation.domain.model import (
    COARSE_METHODS,
    TRACK_LENGTH,
    IncidentView,
    ReportFacts,
    TrackPoint,
)
from alerts.correlation.domain.rules import CorrelationRules
from alerts.correlation.domain.similarity import fold_text
from alerts.correlation.models import Incident, IncidentCell, Report
from alerts.intake.models import InboundMessage

RECENT_TEXTS = 5


def report_facts(report: Report) -> ReportFacts:
    point = None if report.lat is None or report.lon is None else Point(report.lat, report.lon)
    return ReportFacts(
        id=report.id,
        sender_id=report.sender_id,
        received_at=report.received_at,
        point=point,
        radius_m=report.radius_m,
        method=report.location_method,
        threat=report.threat,
        severity=report.severity,
        text=report.text,
    )


def _advisory_key(name: str) -> int:
    # A signed 64-bit key from the lock's name, the same in every process.
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


# A report's reach covers a few dozen cells; a point the text placed absurdly
# (near a pole, say) could cover thousands and exhaust PostgreSQL's lock table.
MAX_LOCKED_CELLS = 400
# Held shared by every correlation and exclusively by one too wide to lock cell by cell.
WIDE_AREA_KEY = 7_215_003


def lock_keys(session: Session, names: Iterable[str]) -> None:
    """Serialise correlation per sender and per area, before any event is recorded.

    Keys are taken in sorted key order, the same in every process, and always
    before the dispatch lock, so no two writers can wait on each other in a cycle.
    One statement for all of them: a coarse report's reach covers dozens of
    cells, and a round trip per lock was most of the cost of correlating it.
    """
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite already serialises every writer
    keys = sorted({_advisory_key(name) for name in names})
    if len(keys) > MAX_LOCKED_CELLS:
        # Too wide to be a real place: exclude every other correlation at once.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WIDE_AREA_KEY})
        return
    # Shared: reports of ordinary places pass each other here, but not a wide one.
    session.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": WIDE_AREA_KEY})
    # Taken row by row in the array's (sorted) order: WITH ORDINALITY numbers the
    # rows and PostgreSQL evaluates a volatile output column after the ORDER BY.
    session.execute(
        text(
            "SELECT pg_advisory_xact_lock(key) FROM unnest(CAST(:keys AS bigint[]))"
            " WITH ORDINALITY AS held(key, position) ORDER BY position"
        ),
        {"keys": keys},
    )


def cells_for(facts: ReportFacts) -> tuple[str, ...]:
    if facts.point is None or facts.radius_m is None:
        return ()
    return cells_near(facts.point, facts.radius_m)


def candidates(session: Session, facts: ReportFacts, rules: CorrelationRules) -> list[IncidentView]:
    """Incidents with a track point in the report's cells, seen recently enough to match."""
    cells = cells_for(facts)
    if not cells:
        return []
    since = facts.received_at - rules.max_window
    closed_since = facts.received_at - max(rules.max_window, rules.reopen_window)
    incident_ids = session.scalars(
        select(Incident.id)
        .join(IncidentCell, IncidentCell.incident_id == Incident.id)
        .where(
            IncidentCell.cell.in_(cells),
            Incident.merged_into_id.is_(None),
            or_(
                and_(Incident.closed_at.is_(None), Incident.last_report_at >= since),
                Incident.closed_at >= closed_since,
            ),
        )
        .distinct()
    ).all()
    return incident_views(session, sorted(incident_ids))


def incident_view(session: Session, incident_id: int) -> IncidentView:
    """What correlation needs of one incident (see `incident_views`)."""
    (view,) = incident_views(session, [incident_id])
    return view


def incident_views(session: Session, incident_ids: Sequence[int]) -> list[IncidentView]:
    """What correlation needs of these incidents, in the order given.

    Three queries however many incidents (a coarse report meets a dozen in a
    burst), each bounded by the incidents' own reports, never by history: the
    incident rows; each one's last TRACK_LENGTH located reports and last
    RECENT_TEXTS texts, numbered per incident by a window function; and its
    threats and senders.
    """
    if not incident_ids:
        return []
    rows = {
        incident.id: incident
        for incident in session.scalars(select(Incident).where(Incident.id.in_(incident_ids)))
    }
    # Keyed as the rows say: Report.incident_id is nullable, though none of these is.
    tracks: dict[int | None, list[TrackPoint]] = {i: [] for i in incident_ids}
    texts: dict[int | None, list[str]] = {i: [] for i in incident_ids}
    for row in session.execute(_recent_reports(incident_ids)):
        if row.located and row.nth_located <= TRACK_LENGTH:
            tracks[row.incident_id].append(
                TrackPoint(
                    point=Point(row.lat, row.lon),
                    radius_m=float(row.radius_m),
                    at=row.received_at,
                    precise=row.location_method not in COARSE_METHODS,
                )
            )
        if row.nth <= RECENT_TEXTS:
            texts[row.incident_id].append(row.text)
    threats: dict[int | None, set[str]] = {i: set() for i in incident_ids}
    informants: dict[int | None, set[int]] = {i: set() for i in incident_ids}
    for incident_id, threat, sender_id in session.execute(
        select(Report.incident_id, Report.threat, Report.sender_id)
        .where(Report.incident_id.in_(incident_ids))
        .distinct()
    ):
        threats[incident_id].add(threat)
        informants[incident_id].add(sender_id)
    return [_view(rows[i], tracks[i], texts[i], threats[i], informants[i]) for i in incident_ids]


def _recent_reports(incident_ids: Sequence[int]) -> Select[Any]:
    """The incidents' reports, latest first, numbered among all of the incident's
    reports (`nth`) and among its located or unlocated ones (`nth_located`)."""
    located = and_(Report.lat.is_not(None), Report.lon.is_not(None), Report.radius_m.is_not(None))
    latest_first = (Report.received_at.desc(), Report.id.desc())
    numbered = (
        select(
            Report.incident_id,
            Report.lat,
            Report.lon,
            Report.radius_m,
            Report.location_method,
            Report.received_at,
            Report.text,
            Report.id,
            located.label("located"),
            func.row_number()
            .over(partition_by=Report.incident_id, order_by=latest_first)
            .label("nth"),
            func.row_number()
            .over(partition_by=(Report.incident_id, located), order_by=latest_first)
            .label("nth_located"),
        )
        .where(Report.incident_id.in_(incident_ids))
        .subquery()
    )
    return (
        select(numbered)
        .where(
            or_(
                numbered.c.nth <= RECENT_TEXTS,
                and_(numbered.c.located, numbered.c.nth_located <= TRACK_LENGTH),
            )
        )
        # Oldest first within each incident, as the views keep them.
        .order_by(numbered.c.incident_id, numbered.c.received_at, numbered.c.id)
    )


def _view(
    incident: Incident,
    track: list[TrackPoint],
    texts: list[str],
    threats: set[str],
    informants: set[int],
) -> IncidentView:
    point = (
        None if incident.lat is None or incident.lon is None else Point(incident.lat, incident.lon)
    )
    return IncidentView(
        id=incident.id,
        closed_at=incident.closed_at,
        first_report_at=incident.first_report_at,
        last_report_at=incident.last_report_at,
        point=point,
        radius_m=incident.radius_m,
        track=tuple(track),
        threats=frozenset(threats),
        informants=frozenset(informants),
        texts=tuple(texts),
        severity=incident.severity,
        threat=incident.threat,
    )


def choose(session: Session, report: Report, rules: CorrelationRules) -> Decision:
    facts = report_facts(report)
    return decide(facts, candidates(session, facts, rules), rules)


def apply_join(
    session: Session, incident: Incident, report: Report, rules: CorrelationRules
) -> IncidentView:
    """Attach `report` and bring the incident's summary up to date; returns the old view."""
    before = incident_view(session, incident.id)
    after = absorb(before, report_facts(report), rules)
    report.incident_id = incident.id
    incident.last_report_at = after.last_report_at
    incident.informants = len(after.informants)
    incident.severity, incident.threat = after.severity, after.threat
    if after.point is not None:
        incident.lat, incident.lon = after.point.lat, after.point.lon
        incident.radius_m = after.radius_m
    index_cells(session, incident.id, [report])
    return before


def index_cells(session: Session, incident_id: int, reports: Iterable[Report]) -> None:
    """Record the cells of the incident's located reports, once each."""
    known = set(
        session.scalars(select(IncidentCell.cell).where(IncidentCell.incident_id == incident_id))
    )
    for report in reports:
        if report.lat is None or report.lon is None:
            continue
        cell = cell_of(Point(report.lat, report.lon))
        if cell not in known:
            session.add(IncidentCell(cell=cell, incident_id=incident_id))
            known.add(cell)
    session.flush()


def recent_duplicate(
    session: Session, message: InboundMessage, sender_id: int, window: timedelta
) -> Report | None:
    """The sender's own report with the same words within the window, either side.

    Either side: with several workers, the later message can be processed first.
    """
    folded = fold(message.body)
    for report in session.scalars(
        select(Report)
        .where(
            Report.sender_id == sender_id,
            Report.message_id != message.id,
            Report.received_at >= message.received_at - window,
            Report.received_at <= message.received_at + window,
        )
        .order_by(Report.received_at, Report.id)
    ):
        if fold(report.text) == folded:
            return report
    return None


def fold(body: str) -> str:
    """Text compared for exact duplicates: case, accents, spacing and punctuation don't count."""
    return fold_text(body)
