"""The response-time report: per incident, grouped, immediate response, open problems."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.audit.domain.access import rounded
from alerts.audit.domain.history.missions import canonical_mission
from alerts.audit.domain.metrics.aggregate import (
    Dimension,
    Durations,
    durations,
    group_by,
    summarise_group,
    verdicts,
)
from alerts.audit.domain.metrics.response import Verdict, answered, count_immediate, stuck
from alerts.audit.domain.metrics.stages import STAGES, IncidentTimes
from alerts.audit.domain.periods import month_key
from alerts.audit.models import HistoricalIncident
from alerts.audit.reports.model import (
    HistoricalRate,
    IncidentRow,
    LatencyReport,
    ReportRequest,
    StuckRow,
)
from alerts.audit.reports.timeline import all_incident_times
from alerts.correlation.models import Incident, Report
from alerts.registry.models import OperatingBase, Sender, Unit

CHUNK = 900  # ids per IN (...): under SQLite's old 999-parameter limit


@dataclass(frozen=True)
class _Facts:
    ref: str
    mission: str | None
    sector: str | None
    threat: str
    lat: float | None
    lon: float | None
    place: str | None


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _incident_facts(session: Session, ids: Sequence[int]) -> dict[int, _Facts]:
    """One range scan rather than thousands of lookups: a period's incidents are
    numbered close together, since ids grow with time."""
    if not ids:
        return {}
    wanted = set(ids)
    query = select(
        Incident.id,
        Incident.ref,
        Incident.mission,
        Incident.sector,
        Incident.threat,
        Incident.lat,
        Incident.lon,
        Incident.place_name,
    ).where(Incident.id.between(min(wanted), max(wanted)))
    return {
        row[0]: _Facts(*row[1:]) for row in session.connection().execute(query) if row[0] in wanted
    }


def _informants(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for chunk in _chunks(ids):
        for incident_id, pseudonym in session.execute(
            select(Report.incident_id, Sender.pseudonym)
            .join(Sender, Sender.id == Report.sender_id)
            .where(Report.incident_id.in_(chunk))
            .order_by(Report.received_at)
        ):
            if incident_id is None:
                continue
            names = found.setdefault(incident_id, [])
            if pseudonym not in names:
                names.append(pseudonym)
    return found


def historical_rates(session: Session, mission: str | None) -> list[HistoricalRate]:
    """Imported past attacks by mission, for comparison beside this period's rate."""
    tally: dict[str, list[int]] = {}
    for name, during in session.execute(
        select(HistoricalIncident.mission, HistoricalIncident.response_during).where(
            HistoricalIncident.kind == "attack"
        )
    ):
        if mission is not None and name != mission:
            continue
        counts = tally.setdefault(name, [0, 0, 0])
        counts[0] += 1
        counts[1] += during is not None
        counts[2] += during is True
    return [HistoricalRate(m, *c) for m, c in sorted(tally.items())]


def build_latency(session: Session, request: ReportRequest, now: datetime) -> LatencyReport:
    period = request.period
    everything = all_incident_times(session, since=period.start)
    in_period = [t for t in everything.values() if period.contains(t.first_report_at)]
    facts = _incident_facts(session, [t.incident_id for t in in_period])
    bases = {b.id: (b.name, b.mission, b.sector) for b in session.scalars(select(OperatingBase))}
    units = {u.id: u.callsign for u in session.execute(select(Unit.id, Unit.callsign))}

    dims: dict[int, dict[Dimension, str | None]] = {}
    kept: list[IncidentTimes] = []
    false_alarms = 0
    for times in sorted(in_period, key=lambda t: (t.first_report_at, t.incident_id)):
        fact = facts.get(times.incident_id)
        if fact is None:
            continue  # events about an incident the table does not hold: not ours to report
        base = bases.get(times.base_id) if times.base_id is not None else None
        mission = fact.mission or (base[1] if base else None)
        mission = canonical_mission(mission) if mission else None
        sector = fact.sector or (base[2] if base else None)
        if request.mission is not None and mission != request.mission:
            continue
        if request.sector is not None and sector != request.sector:
            continue
        if times.false_alarm:
            false_alarms += 1
            continue
        dims[times.incident_id] = {
            "mission": mission,
            "sector": sector,
            "base": base[0] if base else None,
            "unit": units.get(times.unit_id) if times.unit_id is not None else None,
            "threat": fact.threat,
            "month": month_key(times.first_report_at),
        }
        kept.append(times)

    table, judged = durations(kept), verdicts(kept)
    rows = _incident_rows(session, request, kept, facts, dims, table, judged)
    stuck_rows = []
    for times in kept:
        found = stuck(times, now, request.stuck_after)
        if found is not None:
            stuck_rows.append(
                StuckRow(rows[times.incident_id], found.stage, found.since, found.waiting_s)
            )
    return LatencyReport(
        request=request,
        generated_at=now,
        incidents=list(rows.values()),
        overall=summarise_group("all", "all", kept, table, judged),
        groups=group_by(kept, lambda t, d: dims[t.incident_id][d], table=table, judged=judged),
        immediate=count_immediate(kept, judged),
        unanswered=[rows[t.incident_id] for t in kept if not rows[t.incident_id].answered],
        stuck=sorted(stuck_rows, key=lambda s: -s.waiting_s),
        false_alarms=false_alarms,
        history=historical_rates(session, request.mission),
    )


def _incident_rows(
    session: Session,
    request: ReportRequest,
    kept: Sequence[IncidentTimes],
    facts: Mapping[int, _Facts],
    dims: Mapping[int, Mapping[Dimension, str | None]],
    table: Durations,
    judged: Mapping[int, Verdict],
) -> dict[int, IncidentRow]:
    """One row per incident, by id; only the full detail names its place and informants."""
    full = request.detail == "full"
    informants = _informants(session, [t.incident_id for t in kept]) if full else {}
    rows: dict[int, IncidentRow] = {}
    for times in kept:
        fact, dim, v = facts[times.incident_id], dims[times.incident_id], judged[times.incident_id]
        rows[times.incident_id] = IncidentRow(
            incident_id=times.incident_id,
            ref=fact.ref,
            mission=dim["mission"],
            sector=dim["sector"],
            base=dim["base"],
            unit=dim["unit"],
            threat=fact.threat,
            month=dim["month"] or "",
            first_report_at=times.first_report_at,
            first_report_source=times.first_report_source,
            reports=times.reports,
            seconds=dict(zip(STAGES, table[times.incident_id], strict=True)),
            attack_ended_at=times.attack_ended_at,
            end_known=v.end_known,
            immediate=v.immediate,
            immediate_by=v.by,
            answered=answered(times),
            lat=rounded(fact.lat, request.detail),
            lon=rounded(fact.lon, request.detail),
            place=fact.place if full else None,
            informants=tuple(informants.get(times.incident_id, ())) if full else None,
        )
    return rows
