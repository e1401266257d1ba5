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
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Insert, and_, bindparam, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from alerts.core.domain.geo import Point
from alerts.correlation.domain.cells import cell_of, cells_near
from alerts.correlation.domain.decide import Decision, decide
from alerts.correlation.domain.incident import absorb
from alerts.correlation.domain.model import IncidentView, ReportFacts
from alerts.correlation.domain.rules import CorrelationRules
from alerts.correlation.domain.similarity import fold_text
from alerts.correlation.models import Incident, IncidentCell, Report
from alerts.correlation.views import incident_view, incident_views, views_of
from alerts.intake.models import InboundMessage

# Read here by callers that knew them as this module's.
__all__ = ["incident_view", "incident_views"]


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

    Keys are taken in sorted key order, the same in every process, and before any
    incident row, so no two writers can wait on each other in a cycle. One
    statement for all of them: a coarse report's reach covers dozens of cells, and
    a round trip per lock was most of the cost of correlating it.
    """
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite already serialises every writer
    keys = sorted({_advisory_key(name) for name in names})
    if len(keys) > MAX_LOCKED_CELLS:
        # Too wide to be a real place: exclude every other correlation at once.
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WIDE_AREA_KEY})
        return
    # The wide-area key first and shared: reports of ordinary places pass each other
    # there, but not a wide one. Then each key, row by row in the array's order: WITH
    # ORDINALITY numbers the rows, and PostgreSQL evaluates a volatile output column
    # after the ORDER BY.
    session.execute(_LOCK_AREA_THEN_KEYS, {"keys": [WIDE_AREA_KEY, *keys]})


_LOCK_AREA_THEN_KEYS = text(
    "SELECT CASE WHEN held.position = 1 THEN pg_advisory_xact_lock_shared(held.key)"
    " ELSE pg_advisory_xact_lock(held.key) END"
    " FROM unnest(CAST(:keys AS bigint[])) WITH ORDINALITY AS held(key, position)"
    " ORDER BY held.position"
)


def cells_for(facts: ReportFacts) -> tuple[str, ...]:
    if facts.point is None or facts.radius_m is None:
        return ()
    return cells_near(facts.point, facts.radius_m)


# One statement for the incidents and the cells they were found by. Either index
# serves it: the cells' (cell, incident) one, or the incidents' last report and
# closing times (migration 0009), whichever PostgreSQL expects to read less of.
_CANDIDATES = (
    select(Incident, IncidentCell.cell)
    .join(IncidentCell, IncidentCell.incident_id == Incident.id)
    .where(
        IncidentCell.cell.in_(bindparam("cells", expanding=True)),
        Incident.merged_into_id.is_(None),
        or_(
            and_(Incident.closed_at.is_(None), Incident.last_report_at >= bindparam("since")),
            Incident.closed_at >= bindparam("closed_since"),
        ),
    )
)


def candidates(session: Session, facts: ReportFacts, rules: CorrelationRules) -> list[IncidentView]:
    """Incidents with a track point in the report's cells, seen recently enough to
    match, by id: two statements, the incidents and their reports."""
    cells = cells_for(facts)
    if not cells:
        return []
    seen = _seen(session)
    found: dict[int, Incident] = {}
    window = {
        "cells": list(cells),
        "since": facts.received_at - rules.max_window,
        "closed_since": facts.received_at - max(rules.max_window, rules.reopen_window),
    }
    for incident, cell in session.execute(_CANDIDATES, window):
        found[incident.id] = incident
        seen.cells.setdefault(incident.id, set()).add(cell)
    # Held, so the caller's `session.get` of the one it joins finds it without a query.
    seen.incidents.update(found)
    return views_of(session, [found[i] for i in sorted(found)])


def choose(session: Session, report: Report, rules: CorrelationRules) -> Decision:
    facts = report_facts(report)
    return decide(facts, candidates(session, facts, rules), rules)


def apply_join(
    session: Session, incident: Incident, report: Report, rules: CorrelationRules
) -> IncidentView:
    """Attach `report` and bring the incident's summary up to date; returns the old view.

    The view is read again, not taken from `choose`: whatever the caller did since
    (reopened it, locked the row and so waited for another writer) must count.
    """
    (before,) = views_of(session, [incident])
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
    """Record the cells of the incident's located reports, once each.

    A cell `candidates` found the incident by in this transaction is known without
    asking (cells are never removed, so what it saw still holds); any other is
    inserted unless already there, in one statement.
    """
    known = _seen(session).cells.setdefault(incident_id, set())
    cells = {
        cell_of(Point(report.lat, report.lon))
        for report in reports
        if report.lat is not None and report.lon is not None
    } - known
    if cells:
        rows = [{"cell": cell, "incident_id": incident_id} for cell in sorted(cells)]
        session.execute(_insert_new(session), rows)
        known.update(cells)
    session.flush()


def _insert_new(session: Session) -> Insert:
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(IncidentCell).on_conflict_do_nothing()
    return sqlite.insert(IncidentCell).on_conflict_do_nothing()


@dataclass
class _Seen:
    """What this transaction read: each candidate incident's cells among the
    report's, and the incident rows (the session itself keeps them only while
    something refers to them)."""

    cells: dict[int, set[str]] = field(default_factory=dict)
    incidents: dict[int, Incident] = field(default_factory=dict)


def _seen(session: Session) -> _Seen:
    """This transaction's `_Seen`; a new transaction starts afresh."""
    transaction = session.get_transaction()
    held = session.info.get(_SEEN)
    if held is None or held[0] is not transaction:
        held = (transaction, _Seen())
        session.info[_SEEN] = held
    seen: _Seen = held[1]
    return seen


_SEEN = "alerts_correlation_seen"


def recent_duplicate(
    session: Session, message: InboundMessage, sender_id: int, window: timedelta
) -> Report | None:
    """The sender's own report with the same words within the window, either side.

    Either side: with several workers, the later message can be processed first.
    """
    folded = fold(message.body)
    around = {
        "sender_id": sender_id,
        "message_id": message.id,
        "since": message.received_at - window,
        "until": message.received_at + window,
    }
    for report in session.scalars(_SENDERS_RECENT, around):
        if fold(report.text) == folded:
            return report
    return None


_SENDERS_RECENT = (
    select(Report)
    .where(
        Report.sender_id == bindparam("sender_id"),
        Report.message_id != bindparam("message_id"),
        Report.received_at >= bindparam("since"),
        Report.received_at <= bindparam("until"),
    )
    .order_by(Report.received_at, Report.id)
)


def fold(body: str) -> str:
    """Text compared for exact duplicates: case, accents, spacing and punctuation don't count."""
    return fold_text(body)
