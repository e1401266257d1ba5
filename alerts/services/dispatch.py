"""Route an incident to its base and QRF, and task the unit by SMS."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.db.models import Incident, OperatingBase, Sender, Tasking, Unit
from alerts.domain import texts
from alerts.domain.geo import Point
from alerts.domain.routing import BaseSite, RouteDecision, UnitState, route
from alerts.domain.tasking import OPEN_STATUSES
from alerts.services import ledger
from alerts.services.context import ServiceContext
from alerts.services.ledger import Subject
from alerts.services.messaging import queue_sms


def _network(session: Session) -> tuple[list[BaseSite], list[UnitState]]:
    bases = [
        BaseSite(b.id, b.name, Point(b.lat, b.lon), b.opened, b.closed)
        for b in session.scalars(select(OperatingBase))
    ]
    units = [
        UnitState(u.id, u.callsign, u.base_id, u.role, u.status, u.notice_to_move_min)
        for u in session.scalars(select(Unit))
    ]
    return bases, units


def route_incident(session: Session, ctx: ServiceContext, incident: Incident) -> RouteDecision:
    """Decide who responds, and keep the decision with its candidates and reasons."""
    now = ctx.clock.now()
    point = (
        None if incident.lat is None or incident.lon is None else Point(incident.lat, incident.lon)
    )
    bases, units = _network(session)
    declined_by = frozenset(
        session.scalars(
            select(Tasking.unit_id).where(
                Tasking.incident_id == incident.id, Tasking.status == "declined"
            )
        )
    )
    decision = route(point, bases, units, now.date(), declined_by)
    incident.base_id = decision.base_id
    incident.route = decision.as_record()
    if decision.unit_id is None:
        incident.status = "triage"
    ledger.record(
        session,
        now,
        "incident.routed",
        Subject("incident", incident.id),
        incident.route,
        incident_id=incident.id,
    )
    return decision


def task_unit(session: Session, ctx: ServiceContext, incident: Incident, unit_id: int) -> Tasking:
    """Create a tasking and queue its SMS to the unit's primary duty phone.

    The SMS names the place, the threat and the time, and never who reported it.
    """
    now = ctx.clock.now()
    unit = session.get(Unit, unit_id)
    assert unit is not None
    tasking = Tasking(
        incident_id=incident.id,
        unit_id=unit.id,
        status="pending",
        decision=incident.route or {},
        created_at=now,
        updated_at=now,
    )
    session.add(tasking)
    session.flush()
    incident.status = "tasked"
    # Held for this incident from now on: the next alert looks for another QRF.
    unit.status = "tasked"
    phones = duty_phones(session, unit.id)
    ledger.record(
        session,
        now,
        "tasking.created",
        Subject("tasking", tasking.id),
        {"unit": unit.callsign, "unit_id": unit.id, "duty_phones": len(phones)},
        incident_id=incident.id,
    )
    if not phones:
        ledger.record(
            session,
            now,
            "tasking.no_duty_phone",
            Subject("tasking", tasking.id),
            {"unit": unit.callsign},
            incident_id=incident.id,
        )
        return tasking
    primary = phones[0]
    language = primary.language or ctx.unit_language
    body = texts.tasking_message(
        language, incident.ref, incident.threat, incident.place_name, incident.first_report_at
    )
    queue_sms(session, ctx, primary, body, purpose="tasking", tasking_id=tasking.id)
    return tasking


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


def unit_has_other_open_tasking(session: Session, unit_id: int, tasking_id: int) -> bool:
    return (
        session.scalar(
            select(Tasking.id)
            .where(
                Tasking.unit_id == unit_id,
                Tasking.id != tasking_id,
                Tasking.status.in_(OPEN_STATUSES),
            )
            .limit(1)
        )
        is not None
    )
