"""Operators merge and split incidents. Nothing is deleted or rewritten: reports
move, a merged incident keeps its row, and every operation is an event that
names its actor and reason and can itself be undone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.references import unused_ref
from alerts.correlation.assign import index_cells, report_facts
from alerts.correlation.domain.events import (
    IncidentMerged,
    IncidentSplit,
    MergeUndone,
    SplitUndone,
)
from alerts.correlation.domain.incident import absorb, new_incident_view
from alerts.correlation.domain.rules import CorrelationRules
from alerts.correlation.domain.status import IncidentStatus, Standing, TriageReason
from alerts.correlation.holding import hold_incidents
from alerts.correlation.models import Incident, Report
from alerts.timeline import ledger
from alerts.timeline.domain.kinds import EventKind
from alerts.timeline.ledger import Subject
from alerts.timeline.models import Event


class OperationRefused(ValueError):
    """The operation makes no sense as asked; the message says why."""


def _incident(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise OperationRefused(f"no incident {incident_id}")
    if incident.merged_into_id is not None:
        raise OperationRefused(
            f"incident {incident.ref} was merged into incident {incident.merged_into_id}"
        )
    return incident


def _require_reason(reason: str) -> str:
    if len(reason.strip()) < 3:
        raise OperationRefused("give a reason: it goes into the timeline")
    return reason.strip()


def _reports(session: Session, incident_id: int) -> list[Report]:
    return list(
        session.scalars(
            select(Report)
            .where(Report.incident_id == incident_id)
            .order_by(Report.received_at, Report.id)
        )
    )


def recompute(session: Session, incident: Incident, rules: CorrelationRules) -> None:
    """Rebuild an incident's summary from the reports it holds now."""
    reports = _reports(session, incident.id)
    if not reports:
        return
    view = new_incident_view(incident.id, report_facts(reports[0]))
    for report in reports[1:]:
        view = absorb(view, report_facts(report), rules)
    incident.first_report_at, incident.last_report_at = view.first_report_at, view.last_report_at
    incident.informants = len(view.informants)
    incident.severity, incident.threat = view.severity, view.threat
    incident.lat = view.point.lat if view.point else None
    incident.lon = view.point.lon if view.point else None
    incident.radius_m = view.radius_m
    index_cells(session, incident.id, reports)


def _standing(reports: list[Report], incident: Incident) -> Standing:
    """A split-off incident waits in triage, as a new one would, when no report
    places it, or only ambiguously: routing it would send a unit to a guess."""
    if incident.lat is None or incident.lon is None:
        return Standing(IncidentStatus.TRIAGE, TriageReason.UNLOCATED)
    if all(r.ambiguous for r in reports if r.lat is not None):
        return Standing(IncidentStatus.TRIAGE, TriageReason.AMBIGUOUS)
    return Standing(IncidentStatus.OPEN, None)


def merge(
    session: Session,
    now: datetime,
    rules: CorrelationRules,
    *,
    survivor_id: int,
    absorbed_id: int,
    actor: str,
    reason: str,
) -> Event:
    """Move every report of `absorbed` into `survivor`; `absorbed` stays, marked merged."""
    reason = _require_reason(reason)
    if survivor_id == absorbed_id:
        raise OperationRefused("an incident cannot be merged into itself")
    hold_incidents(session, [survivor_id, absorbed_id])
    survivor, absorbed = _incident(session, survivor_id), _incident(session, absorbed_id)
    moved = [r.id for r in _reports(session, absorbed.id)]
    for report in _reports(session, absorbed.id):
        report.incident_id = survivor.id
    previous_status = absorbed.status
    absorbed.status, absorbed.merged_into_id = IncidentStatus.MERGED, survivor.id
    session.flush()
    recompute(session, survivor, rules)
    return ledger.record(
        session,
        now,
        IncidentMerged(
            into=survivor.id,
            absorbed=absorbed.id,
            moved_reports=moved,
            absorbed_status=previous_status,
            reason=reason,
        ),
        Subject("incident", absorbed.id),
        actor=actor,
        incident_id=survivor.id,
    )


def split(
    session: Session,
    now: datetime,
    rules: CorrelationRules,
    *,
    incident_id: int,
    report_ids: list[int],
    actor: str,
    reason: str,
) -> Incident:
    """Move some reports out into a new incident, which is linked to the original."""
    reason = _require_reason(reason)
    hold_incidents(session, [incident_id])
    original = _incident(session, incident_id)
    held = {r.id: r for r in _reports(session, original.id)}
    wanted = set(report_ids)
    if not wanted or not wanted <= set(held):
        raise OperationRefused(f"reports {sorted(wanted - set(held))} are not in this incident")
    if wanted == set(held):
        raise OperationRefused("a split must leave at least one report behind")
    first = min((held[i] for i in wanted), key=lambda r: r.received_at)
    created = Incident(
        ref=unused_ref(session, Incident.ref),
        status=IncidentStatus.OPEN,
        threat=first.threat,
        severity=first.severity,
        lat=first.lat,
        lon=first.lon,
        radius_m=first.radius_m,
        place_name=first.place_name,
        first_report_at=first.received_at,
        last_report_at=first.received_at,
        opened_at=now,
        informants=1,
        # Its parent's scope until routing gives it its own: without one it would be
        # nobody's, and vanish from every sector officer's queue.
        mission=original.mission,
        sector=original.sector,
        base_id=original.base_id,
    )
    session.add(created)
    session.flush()
    for report_id in sorted(wanted):
        held[report_id].incident_id = created.id
    session.flush()
    recompute(session, created, rules)
    recompute(session, original, rules)
    created.status, created.triage_reason = _standing([held[i] for i in wanted], created)
    ledger.record(
        session,
        now,
        IncidentSplit(
            from_=original.id,
            new=created.id,
            new_ref=created.ref,
            moved_reports=sorted(wanted),
            reason=reason,
        ),
        Subject("incident", original.id),
        actor=actor,
        incident_id=original.id,
    )
    return created


def undo(
    session: Session,
    now: datetime,
    rules: CorrelationRules,
    *,
    event_id: int,
    actor: str,
    reason: str,
) -> Event:
    """Reverse a merge or a split, as a new event; the original event stays."""
    reason = _require_reason(reason)
    event = session.get(Event, event_id)
    if event is None or event.kind not in {EventKind.INCIDENT_MERGED, EventKind.INCIDENT_SPLIT}:
        raise OperationRefused(f"event {event_id} is not a merge or a split")
    # Both incidents, before checking that it was not undone already: two officers
    # undoing the same merge at once must not both succeed.
    data = event.data
    hold_incidents(
        session,
        [int(data["absorbed"]), int(data["into"])]
        if event.kind == EventKind.INCIDENT_MERGED
        else [int(data["from"]), int(data["new"])],
    )
    for earlier in session.scalars(
        select(Event).where(
            Event.kind.in_([EventKind.INCIDENT_MERGE_UNDONE, EventKind.INCIDENT_SPLIT_UNDONE])
        )
    ):
        # Undo events from the hash-chain era name what they undo by its chain seq.
        undone = event.id if earlier.seq is None else event.seq
        if earlier.data.get("undoes") == undone:
            raise OperationRefused(f"event {event_id} was already undone (event {earlier.id})")
    moved: list[int] = list(event.data["moved_reports"])
    recorded_as: type[MergeUndone]
    if event.kind == EventKind.INCIDENT_MERGED:
        back_to, away_from = int(event.data["absorbed"]), int(event.data["into"])
        restored = session.get(Incident, back_to)
        assert restored is not None
        restored.status = IncidentStatus(event.data["absorbed_status"])
        restored.merged_into_id = None
        recorded_as = MergeUndone
    else:
        back_to, away_from = int(event.data["from"]), int(event.data["new"])
        emptied = session.get(Incident, away_from)
        assert emptied is not None
        emptied.status, emptied.merged_into_id = IncidentStatus.MERGED, back_to
        recorded_as = SplitUndone
    for report in session.scalars(select(Report).where(Report.id.in_(moved))):
        if report.incident_id != away_from:
            raise OperationRefused(f"report {report.id} has moved since; undo that first")
        report.incident_id = back_to
    joined_since = [r.id for r in _reports(session, away_from) if r.id not in set(moved)]
    if event.kind == EventKind.INCIDENT_SPLIT and joined_since:
        raise OperationRefused(
            f"reports {joined_since} joined the split-off incident since; merge it instead"
        )
    session.flush()
    for incident_id in (back_to, away_from):
        incident = session.get(Incident, incident_id)
        assert incident is not None
        recompute(session, incident, rules)
    return ledger.record(
        session,
        now,
        recorded_as(undoes=event_id, moved_reports=moved, reason=reason),
        Subject("incident", away_from),
        actor=actor,
        incident_id=back_to,
    )
