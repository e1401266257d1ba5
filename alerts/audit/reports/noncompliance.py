"""The non-compliance register: every refusal and every failure, and the six-monthly report.

Missions once reported refusals only, and sent no consolidated report when
nothing happened [002:280-288, 002:320]. This register holds both kinds, and
its half-year report names every mission, with an explicit nil where there
was nothing to report.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.audit.domain.history.missions import canonical_mission
from alerts.audit.models import HistoricalIncident
from alerts.audit.reports.model import (
    HistoricalTally,
    MissionTally,
    NoncomplianceReport,
    NoncomplianceRow,
    ReportRequest,
)
from alerts.correlation.models import Incident
from alerts.dispatch.models import NonCompliance
from alerts.registry.models import Mission, OperatingBase, Unit
from alerts.timeline.domain.kinds import EventKind
from alerts.timeline.models import Event, LogLeaf

CATEGORIES = ("refusal", "failure")


def _known_missions(session: Session) -> set[str]:
    names = set(session.scalars(select(Mission.name)))
    names |= set(session.scalars(select(OperatingBase.mission).distinct()))
    return {canonical_mission(n) for n in names if n}


def _evidence(session: Session, ids: list[int]) -> dict[int, int | None]:
    """The log leaf of each row's `noncompliance.recorded` event, by the row's id (None:
    the event exists and awaits sealing)."""
    if not ids:
        return {}
    found: dict[int, int | None] = {}
    for leaf_index, subject_id in session.execute(
        select(LogLeaf.leaf_index, Event.subject_id)
        .outerjoin(LogLeaf, LogLeaf.event_id == Event.id)
        .where(
            Event.kind == EventKind.NONCOMPLIANCE_RECORDED, Event.subject_type == "noncompliance"
        )
        .order_by(Event.id)
    ):
        if subject_id is not None:
            found.setdefault(subject_id, leaf_index)
    return found


def historical_tallies(session: Session, mission: str | None) -> list[HistoricalTally]:
    tally: dict[tuple[str, str], list[int]] = {}
    for name, kind, first in session.execute(
        select(
            HistoricalIncident.mission, HistoricalIncident.kind, HistoricalIncident.date_first
        ).where(HistoricalIncident.kind.in_(CATEGORIES))
    ):
        if mission is not None and name != mission:
            continue
        counts = tally.setdefault((name, kind), [0, 0])
        counts[0 if first is not None else 1] += 1
    return [HistoricalTally(m, k, *c) for (m, k), c in sorted(tally.items())]


def build_noncompliance(
    session: Session, request: ReportRequest, now: datetime
) -> NoncomplianceReport:
    period = request.period
    query = (
        select(NonCompliance, Unit.callsign, Incident.ref, Incident.mission, Incident.sector)
        .join(Unit, Unit.id == NonCompliance.unit_id)
        .join(Incident, Incident.id == NonCompliance.incident_id)
        .where(NonCompliance.occurred_at >= period.start, NonCompliance.occurred_at < period.end)
        .order_by(NonCompliance.occurred_at, NonCompliance.id)
    )
    bases = {b.id: b for b in session.scalars(select(OperatingBase))}
    found = session.execute(query).all()
    evidence = _evidence(session, [r[0].id for r in found])
    full = request.detail == "full"
    rows: list[NoncomplianceRow] = []
    for record, callsign, ref, incident_mission, incident_sector in found:
        base = bases.get(record.base_id) if record.base_id is not None else None
        mission_name = incident_mission or (base.mission if base else None)
        mission = canonical_mission(mission_name) if mission_name else None
        sector = incident_sector or (base.sector if base else None)
        if request.mission is not None and mission != request.mission:
            continue
        if request.sector is not None and sector != request.sector:
            continue
        rows.append(
            NoncomplianceRow(
                id=record.id,
                occurred_at=record.occurred_at,
                recorded_at=record.recorded_at,
                category=record.category,
                trigger=record.trigger,
                reason_code=record.reason_code,
                mission=mission,
                sector=sector,
                base=base.name if base else None,
                unit=callsign,
                country=record.country,
                incident_ref=ref,
                tasking_id=record.tasking_id,
                attested=record.id in evidence,
                evidence_leaf=evidence.get(record.id),
                reason_text=record.reason_text if full else None,
            )
        )
    missions = {request.mission} if request.mission else _known_missions(session)
    missions |= {r.mission for r in rows if r.mission}
    tallies = [
        MissionTally(
            m,
            sum(1 for r in rows if r.mission == m and r.category == "refusal"),
            sum(1 for r in rows if r.mission == m and r.category == "failure"),
        )
        for m in sorted(missions)
    ]
    if any(r.mission is None for r in rows):
        tallies.append(
            MissionTally(
                "(unknown)",
                sum(1 for r in rows if r.mission is None and r.category == "refusal"),
                sum(1 for r in rows if r.mission is None and r.category == "failure"),
            )
        )
    by_reason: dict[str, dict[str, int]] = {}
    by_trigger: dict[str, int] = {}
    for row in rows:
        reason = by_reason.setdefault(row.reason_code, dict.fromkeys(CATEGORIES, 0))
        reason[row.category] = reason.get(row.category, 0) + 1
        by_trigger[row.trigger] = by_trigger.get(row.trigger, 0) + 1
    return NoncomplianceReport(
        request=request,
        generated_at=now,
        rows=rows,
        missions=tallies,
        by_reason=dict(sorted(by_reason.items())),
        by_trigger=dict(sorted(by_trigger.items())),
        unattested=sum(1 for r in rows if not r.attested),
        history=historical_tallies(session, request.mission),
    )
