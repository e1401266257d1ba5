"""What a JOC officer does to an incident: verify it or call it a false alarm,
relocate it, merge or split it, task or re-task a unit, change a unit's status,
close it.

Each function works inside the caller's `write_transaction`, writes an event
naming its actor, and raises `OperationRefused` with a message for the officer
when the action makes no sense as asked.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.console.domain.events import (
    IncidentFalseAlarm,
    IncidentNote,
    IncidentPlaced,
    IncidentVerified,
)
from alerts.core.context import ServiceContext
from alerts.core.domain.geo import Point
from alerts.correlation.domain.cells import cell_of
from alerts.correlation.domain.status import (
    FINISHED,
    IncidentStatus,
    Standing,
    placed_by_officer,
    verified,
)
from alerts.correlation.holding import hold_incident
from alerts.correlation.incidents import close_incident
from alerts.correlation.merge_split import OperationRefused
from alerts.correlation.models import Incident, IncidentCell
from alerts.dispatch import deadlines, regroup, units
from alerts.dispatch.domain.outcomes import checked_outcomes
from alerts.dispatch.domain.routing import RouteDecision
from alerts.dispatch.orders import plan_route, record_route, route_if_ready
from alerts.dispatch.orders import task_unit as dispatch_task_unit
from alerts.dispatch.stand_down import open_taskings, stand_down
from alerts.registry.domain.units import UnitStatus
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

__all__ = [
    "OperationRefused",
    "close",
    "mark_false_alarm",
    "merge",
    "relocate",
    "route_options",
    "set_unit_status",
    "split",
    "task_unit",
    "undo",
    "verify_incident",
]

# Merging, splitting and undoing either: correlation moves the reports, and the
# units' orders follow them (see `dispatch.regroup`).
merge = regroup.merge
split = regroup.split
undo = regroup.undo

MAX_RADIUS_M = 50_000.0


def _live(session: Session, incident_id: int, also: tuple[IncidentStatus, ...] = ()) -> Incident:
    """The incident, held, if it can still be acted on (statuses in `also` too)."""
    incident = hold_incident(session, incident_id)
    if incident is None:
        raise OperationRefused(f"no incident {incident_id}")
    if incident.merged_into_id is not None:
        raise OperationRefused(f"incident {incident.ref} was merged into another incident")
    if incident.status in FINISHED and incident.status not in also:
        raise OperationRefused(f"incident {incident.ref} is {incident.status.replace('_', ' ')}")
    return incident


def _reason(reason: str | None, what: str) -> str:
    if reason is None or len(reason.strip()) < 3:
        raise OperationRefused(f"give a reason to {what}: it goes into the timeline")
    return reason.strip()


def verify_incident(session: Session, ctx: ServiceContext, incident_id: int, *, actor: str) -> None:
    """Someone confirmed it is real. If the policy waited for this, the QRF is tasked now."""
    incident = _live(session, incident_id)
    if incident.verified_at is not None:
        raise OperationRefused(f"incident {incident.ref} is already verified")
    now = ctx.clock.now()
    incident.verified_at = now
    incident.status = verified(incident.status)
    ledger.record(
        session,
        now,
        IncidentVerified(status=incident.status),
        Subject("incident", incident.id),
        actor=actor,
        incident_id=incident.id,
    )
    route_if_ready(session, ctx, incident)


def mark_false_alarm(
    session: Session, ctx: ServiceContext, incident_id: int, *, actor: str, reason: str
) -> None:
    """Not real after all: units stand down, deadlines stop, the incident is closed as such."""
    why = _reason(reason, "call it a false alarm")
    incident = _live(session, incident_id)
    now = ctx.clock.now()
    deadlines.cancel_incident(session, now, incident.id)
    stood_down = stand_down(session, ctx, incident, "false alarm", actor=actor)
    incident.status, incident.closed_at = IncidentStatus.FALSE_ALARM, now
    ledger.record(
        session,
        now,
        IncidentFalseAlarm(reason=why, stood_down=stood_down),
        Subject("incident", incident.id),
        actor=actor,
        incident_id=incident.id,
    )


def relocate(
    session: Session,
    ctx: ServiceContext,
    incident_id: int,
    *,
    lat: float,
    lon: float,
    radius_m: float,
    actor: str,
    reason: str | None,
    candidate_name: str | None = None,
) -> None:
    """Put the incident where the officer says: a candidate picked, or a click on the map."""
    incident = _live(session, incident_id)
    try:
        point = Point(float(lat), float(lon))
    except (TypeError, ValueError) as error:
        raise OperationRefused(f"not a position: {error}") from None
    if not 0 < radius_m <= MAX_RADIUS_M:
        raise OperationRefused(f"the radius must be between 1 m and {MAX_RADIUS_M:.0f} m")
    why = reason.strip() if reason and reason.strip() else None
    if candidate_name is None and why is None:
        why = _reason(reason, "put the incident somewhere no report placed it")
    now = ctx.clock.now()
    previous = {"lat": incident.lat, "lon": incident.lon, "radius_m": incident.radius_m}
    incident.lat, incident.lon, incident.radius_m = point.lat, point.lon, float(radius_m)
    incident.place_name = candidate_name or f"{point.lat:.4f},{point.lon:.4f}"
    incident.status, incident.triage_reason = placed_by_officer(
        Standing(incident.status, incident.triage_reason)
    )
    cell = cell_of(point)
    known = session.scalar(
        select(IncidentCell.id).where(
            IncidentCell.incident_id == incident.id, IncidentCell.cell == cell
        )
    )
    if known is None:
        session.add(IncidentCell(cell=cell, incident_id=incident.id))
    ledger.record(
        session,
        now,
        IncidentPlaced(from_=previous, lat=point.lat, lon=point.lon, radius_m=float(radius_m),
                       candidate=candidate_name, reason=why),
        Subject("incident", incident.id),
        actor=actor,
        incident_id=incident.id,
    )  # fmt: skip
    route_if_ready(session, ctx, incident)


def route_options(session: Session, ctx: ServiceContext, incident_id: int) -> RouteDecision:
    """Who the system would task now, with every unit considered and why."""
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise OperationRefused(f"no incident {incident_id}")
    return plan_route(session, ctx, incident)


def task_unit(
    session: Session,
    ctx: ServiceContext,
    incident_id: int,
    unit_id: int,
    *,
    actor: str,
    reason: str | None = None,
    replace_open: bool = False,
) -> int:
    """Task a unit; with `replace_open`, the units tasked now stand down first (re-task).

    Choosing another unit than routing would is an override and needs a reason.
    Returns the new tasking's id.
    """
    incident = _live(session, incident_id)
    unit = units.hold_unit(session, unit_id)
    if unit is None:
        raise OperationRefused(f"no unit {unit_id}")
    open_now = open_taskings(session, incident.id)
    if any(t.unit_id == unit_id for t in open_now):
        raise OperationRefused(f"{unit.callsign} is already tasked for {incident.ref}")
    if open_now and not replace_open:
        raise OperationRefused(
            f"{incident.ref} already has a unit tasked: re-task to replace it, or wait"
        )
    decision = plan_route(session, ctx, incident)
    override = unit_id != decision.unit_id
    why = (
        _reason(reason, f"override routing (it would task unit {decision.unit_id})")
        if override
        else None
    )
    if unit.status != UnitStatus.READY and why is None:
        why = _reason(reason, f"task {unit.callsign}, which is {unit.status}")
    if replace_open:
        stand_down(session, ctx, incident, f"re-tasked to {unit.callsign}", actor=actor)
    record_route(session, ctx, incident, decision)
    tasking = dispatch_task_unit(
        session, ctx, incident, unit_id, decision=decision, actor=actor, override_reason=why
    )
    return tasking.id


def set_unit_status(
    session: Session, ctx: ServiceContext, unit_id: int, status: str, *, actor: str, reason: str
) -> None:
    unit = units.hold_unit(session, unit_id)
    if unit is None:
        raise OperationRefused(f"no unit {unit_id}")
    why = _reason(reason, "change a unit's status")
    try:
        units.set_status(session, ctx.clock.now(), unit, status, cause=why, actor=actor)
    except ValueError as error:
        raise OperationRefused(str(error)) from None


def close(
    session: Session,
    ctx: ServiceContext,
    incident_id: int,
    *,
    actor: str,
    outcomes: list[str],
    note: str | None = None,
) -> None:
    """Close with what was done (response actions, combinable); units still out stand down."""
    # A response a unit reported DONE still waits to be closed with its outcomes.
    incident = _live(session, incident_id, also=(IncidentStatus.RESPONDED,))
    try:
        chosen = checked_outcomes(outcomes)
    except ValueError as error:
        raise OperationRefused(str(error)) from None
    now = ctx.clock.now()
    deadlines.cancel_incident(session, now, incident.id)
    stand_down(session, ctx, incident, "incident closed", actor=actor, finished=True)
    close_incident(session, incident, actor=actor, outcome=chosen, now=now)
    if note and note.strip():
        ledger.record(
            session,
            now,
            IncidentNote(note=note.strip()),
            Subject("incident", incident.id),
            actor=actor,
            incident_id=incident.id,
        )
