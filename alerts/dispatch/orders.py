"""Route an incident to its base and QRF, task the unit by SMS, and start its clock."""

from __future__ import annotations

import logging
from datetime import datetime

import mgrs
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.core.domain.geo import Point
from alerts.correlation.domain.status import FINISHED, IncidentStatus, TriageReason
from alerts.correlation.models import Incident
from alerts.dispatch import deadlines, units
from alerts.dispatch.domain.config import DispatchConfig
from alerts.dispatch.domain.events import (
    IncidentRouted,
    IncidentToVerify,
    TaskingCreated,
    TaskingNoDutyPhone,
)
from alerts.dispatch.domain.routing import BaseSite, RouteDecision, UnitState, aor_geometry, route
from alerts.dispatch.domain.tasking import (
    OPEN_STATUSES,
    SETTLED_BY_TASKING,
    WAITS_FOR_PEOPLE,
    TaskingStatus,
    incident_status,
)
from alerts.dispatch.models import Tasking
from alerts.messaging.domain import texts
from alerts.messaging.outgoing import queue_sms
from alerts.registry.domain.units import UnitStatus
from alerts.registry.models import Mission, OperatingBase, Sender, Unit
from alerts.timeline import ledger
from alerts.timeline.ledger import SYSTEM, Subject

log = logging.getLogger(__name__)

_BASES_KEY = "alerts_base_sites"


def mission_config(session: Session, ctx: ServiceContext, mission: str | None) -> DispatchConfig:
    """The dispatch rules of `mission`: the defaults with its network file's overrides."""
    if mission is None:
        return ctx.dispatch
    row = session.scalars(select(Mission).where(Mission.name == mission)).first()
    if row is None or not row.dispatch:
        return ctx.dispatch
    return ctx.dispatch.with_overrides(row.dispatch, f"mission {mission} dispatch")


def network_sites(session: Session) -> tuple[list[BaseSite], list[UnitState]]:
    units_now = [
        UnitState(
            u.id, u.callsign, u.base_id, u.role, u.status, u.notice_to_move_min, u.travel_mode
        )
        for u in session.scalars(select(Unit).order_by(Unit.id))
    ]
    return base_sites(session), units_now


def base_sites(session: Session) -> list[BaseSite]:
    """The network's bases, with their AORs parsed: read once per transaction, as an
    alert asks for them twice (its sender's scope, then its route). Units are read
    every time: their readiness is what routing decides on."""
    transaction = session.get_transaction()
    cached = session.info.get(_BASES_KEY)
    if cached is not None and cached[0] is transaction:
        return list(cached[1])
    bases = [
        BaseSite(b.id, b.name, Point(b.lat, b.lon), b.opened, b.closed, _aor(b), b.sector)
        for b in session.scalars(select(OperatingBase).order_by(OperatingBase.id))
    ]
    session.info[_BASES_KEY] = (transaction, tuple(bases))
    return bases


def _aor(base: OperatingBase) -> BaseGeometry | None:
    """The base's AOR; one stored before it was checked, and broken, counts as none."""
    try:
        return aor_geometry(base.aor)
    except (ValueError, TypeError, IndexError, AttributeError):
        log.error("base %s has an AOR that is not a polygon: routing by distance; reload "
                  "the network file to see what is wrong with it", base.key)  # fmt: skip
        return None


def already_tasked(session: Session, incident_id: int) -> frozenset[int]:
    """Units ordered to this incident before: not asked again by the system."""
    return frozenset(
        session.scalars(select(Tasking.unit_id).where(Tasking.incident_id == incident_id))
    )


def plan_route(session: Session, ctx: ServiceContext, incident: Incident) -> RouteDecision:
    """Who would respond now, with every candidate; nothing is written."""
    point = (
        None if incident.lat is None or incident.lon is None else Point(incident.lat, incident.lon)
    )
    bases, units_now = network_sites(session)
    config = mission_config(session, ctx, incident.mission)
    today = ctx.clock.now().date()
    return route(point, bases, units_now, today, already_tasked(session, incident.id), config)


def record_route(
    session: Session, ctx: ServiceContext, incident: Incident, decision: RouteDecision
) -> None:
    """Keep the decision with its candidates and reasons; the base sets the incident's scope."""
    incident.base_id = decision.base_id
    incident.route = decision.as_record()
    if decision.base_id is not None:
        base = session.get(OperatingBase, decision.base_id)
        assert base is not None
        incident.mission, incident.sector = base.mission, base.sector
    ledger.record(
        session,
        ctx.clock.now(),
        IncidentRouted(decision),
        Subject("incident", incident.id),
        incident_id=incident.id,
    )


def responsible_base(session: Session, ctx: ServiceContext, point: Point) -> int | None:
    """The base responsible for a place today: its AOR's, else the nearest open one."""
    return route(point, base_sites(session), [], ctx.clock.now().date()).base_id


def scope_of_sender(
    session: Session, ctx: ServiceContext, sender: Sender
) -> tuple[str | None, str | None]:
    """The mission and sector a sender's alerts belong to before anything locates
    them: those of their base, or of the base responsible for their village."""
    base_id = sender.base_id
    if base_id is None and sender.unit is not None:
        base_id = sender.unit.base_id
    if base_id is None and sender.place is not None:
        base_id = responsible_base(session, ctx, Point(sender.place.lat, sender.place.lon))
    base = session.get(OperatingBase, base_id) if base_id is not None else None
    if base is not None:
        return base.mission, base.sector
    missions = list(session.scalars(select(Mission.name).limit(2)))
    return (missions[0], None) if len(missions) == 1 else (None, None)


def route_incident(session: Session, ctx: ServiceContext, incident: Incident) -> RouteDecision:
    decision = plan_route(session, ctx, incident)
    record_route(session, ctx, incident, decision)
    return decision


def plan_held_route(session: Session, ctx: ServiceContext, incident: Incident) -> RouteDecision:
    """`plan_route`, holding the unit it chooses: locked and still ready, so no other
    incident's routing can task it too before this transaction ends.

    A unit tasked elsewhere since it was read is read afresh by the hold, and so
    passed over by the next plan.
    """
    passed_over: set[int] = set()
    while True:
        decision = plan_route(session, ctx, incident)
        unit_id = decision.unit_id
        if unit_id is None or unit_id in passed_over or units.hold_if_ready(session, unit_id):
            return decision
        passed_over.add(unit_id)


def route_if_ready(session: Session, ctx: ServiceContext, incident: Incident) -> Tasking | None:
    """Route and task an incident that is located, unambiguous, wanted and not yet tasked.

    The mission's tasking policy decides whether the nearest ready QRF is
    tasked at once or the incident waits, routed, for a JOC officer to verify it.
    The caller holds the incident (`hold_incidents`).
    """
    # Decide on what is committed now (a deadline may just have exhausted its chain).
    session.flush()
    session.refresh(incident)
    if (
        incident.triage_reason in WAITS_FOR_PEOPLE
        or incident.status in FINISHED
        or has_open_tasking(session, incident.id)
    ):
        return None
    config = mission_config(session, ctx, incident.mission)
    mode = config.tasking_mode(incident.threat, incident.severity)
    if mode == "verify" and incident.verified_at is None:
        if incident.status != IncidentStatus.TO_VERIFY:
            route_incident(session, ctx, incident)
            incident.status = IncidentStatus.TO_VERIFY
            ledger.record(
                session,
                ctx.clock.now(),
                IncidentToVerify(threat=incident.threat, severity=incident.severity, policy=mode),
                Subject("incident", incident.id),
                incident_id=incident.id,
            )
        return None
    decision = plan_held_route(session, ctx, incident)
    record_route(session, ctx, incident, decision)
    if decision.unit_id is None:
        incident.status, incident.triage_reason = IncidentStatus.TRIAGE, TriageReason.NO_UNIT
        return None
    incident.triage_reason = None
    return task_unit(session, ctx, incident, decision.unit_id, decision=decision)


def task_unit(
    session: Session,
    ctx: ServiceContext,
    incident: Incident,
    unit_id: int,
    *,
    decision: RouteDecision | None = None,
    actor: str = SYSTEM,
    override_reason: str | None = None,
) -> Tasking:
    """Order one unit to the incident: the tasking, its ACK deadline, and the SMS to
    the unit's primary duty phone. The SMS names the place, the threat and the
    time, and never who reported it. The caller holds the incident; the unit is held here."""
    now = ctx.clock.now()
    unit = units.hold_unit(session, unit_id)
    assert unit is not None
    decision = decision or plan_route(session, ctx, incident)
    candidate = next((c for c in decision.candidates if c.kind == "unit" and c.id == unit_id), None)
    config = mission_config(session, ctx, incident.mission)
    tasking = Tasking(
        incident_id=incident.id,
        unit_id=unit.id,
        status=TaskingStatus.PENDING,
        decision=decision.as_record(),
        created_at=now,
        updated_at=now,
        travel_s=None
        if candidate is None or candidate.travel_s is None
        else round(candidate.travel_s),
    )
    session.add(tasking)
    session.flush()
    follow_taskings(session, incident)
    phones = duty_phones(session, unit.id)
    ack_due = now + config.ack_timeout
    _start_clock(session, now, tasking, ack_due, deliverable=bool(phones))
    ledger.record(
        session,
        now,
        TaskingCreated(
            unit=unit.callsign,
            unit_id=unit.id,
            base_id=unit.base_id,
            duty_phones=len(phones),
            eta_s=None if candidate is None or candidate.eta_s is None else round(candidate.eta_s),
            ack_due_at=ack_due if phones else None,
            routing_choice=decision.unit_id,
            override_reason=override_reason,
        ),
        Subject("tasking", tasking.id),
        actor=actor,
        incident_id=incident.id,
    )
    # Held for this incident from now on: the next alert looks for another QRF.
    cause = f"tasking {tasking.id}"
    units.set_status(session, now, unit, UnitStatus.TASKED, cause=cause, incident_id=incident.id)
    if not phones:
        ledger.record(
            session,
            now,
            TaskingNoDutyPhone(unit=unit.callsign),
            Subject("tasking", tasking.id),
            incident_id=incident.id,
        )
        return tasking
    send_order(session, ctx, tasking, incident, 0)
    return tasking


def follow_taskings(session: Session, incident: Incident) -> None:
    """The incident's status follows its taskings', and a tasking settles why it waited."""
    incident.status = incident_status(
        incident.status,
        list(session.scalars(select(Tasking.status).where(Tasking.incident_id == incident.id))),
    )
    if incident.triage_reason in SETTLED_BY_TASKING:
        incident.triage_reason = None


def _start_clock(
    session: Session, now: datetime, tasking: Tasking, ack_due: datetime, *, deliverable: bool
) -> None:
    """The order's first deadline: its ACK, or, with no phone to send it to, its delivery.

    An order no phone can receive is undeliverable now: the scheduler escalates at
    its next tick rather than after the ACK timeout.
    """
    if deliverable:
        deadlines.schedule(session, now, tasking, "ack", ack_due)
    else:
        deadlines.schedule(session, now, tasking, "deliver", now)


def send_order(
    session: Session, ctx: ServiceContext, tasking: Tasking, incident: Incident, rank: int
) -> bool:
    """Queue the tasking SMS to the unit's duty phone of `rank` (or its last one)."""
    phones = duty_phones(session, tasking.unit_id)
    if not phones:
        return False
    phone = phones[min(rank, len(phones) - 1)]
    tasking.phone_rank = phones.index(phone)
    unit = session.get(Unit, tasking.unit_id)
    language = (unit.language if unit else None) or phone.language or ctx.unit_language
    body = texts.tasking_message(
        language,
        incident.ref,
        incident.threat,
        incident.place_name,
        incident.first_report_at,
        grid=grid_reference(incident),
    )
    queue_sms(
        session,
        ctx,
        phone,
        body,
        purpose="tasking",
        tasking_id=tasking.id,
        incident_id=tasking.incident_id,
    )
    return True


def grid_reference(incident: Incident) -> str | None:
    """The incident's MGRS grid to 100 m: what soldiers navigate by."""
    if incident.lat is None or incident.lon is None:
        return None
    try:
        return str(mgrs.MGRS().toMGRS(incident.lat, incident.lon, MGRSPrecision=3))
    except Exception:  # the mgrs C library refuses the poles; never lose an order over a grid
        return None


def duty_phones(session: Session, unit_id: int) -> list[Sender]:
    return list(
        session.scalars(
            select(Sender)
            .where(Sender.unit_id == unit_id, Sender.duty_rank.is_not(None))
            .order_by(Sender.duty_rank)
        )
    )


def has_open_tasking(session: Session, incident_id: int) -> bool:
    return (
        session.scalar(
            select(Tasking.id)
            .where(Tasking.incident_id == incident_id, Tasking.status.in_(OPEN_STATUSES))
            .limit(1)
        )
        is not None
    )
