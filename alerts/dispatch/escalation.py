"""When an order is not carried out: record it, and escalate at once.

Every trigger (a NO, silence past a deadline, no DEP after an ACK, no ARR, an
undeliverable order) makes a non-compliance record, refusal or failure, and
moves the incident one rung down the mission's escalation chain (see
`alerts.domain.dispatch.escalation`). Whoever acknowledges stops it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.correlation.domain.status import FINISHED, IncidentStatus, TriageReason
from alerts.correlation.models import Incident
from alerts.dispatch import deadlines, units
from alerts.dispatch.contacts import contacts_for, first_phone
from alerts.dispatch.domain.escalation_chain import Position, Trigger, plan
from alerts.dispatch.domain.events import (
    EscalationAcknowledged,
    EscalationExhausted,
    EscalationNoContact,
    EscalationNotified,
    EscalationNotNeeded,
    EscalationStep,
    EscalationStopped,
    NoncomplianceRecorded,
    TaskingLapsed,
    TaskingResent,
)
from alerts.dispatch.domain.noncompliance import classify
from alerts.dispatch.domain.notices import escalation_message
from alerts.dispatch.domain.tasking import IN_HAND, TaskingStatus
from alerts.dispatch.models import NonCompliance, Tasking
from alerts.dispatch.orders import (
    duty_phones,
    has_open_tasking,
    mission_config,
    plan_held_route,
    record_route,
    send_order,
    task_unit,
)
from alerts.messaging.outgoing import queue_sms
from alerts.registry.models import Sender, Unit
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

# Orders that never reached the unit, or reached it in silence, lapse once the chain
# moves past resending them; a unit that acknowledged keeps its order meanwhile.
LAPSES_ON = frozenset({"no_ack", "undelivered"})


def on_trigger(
    session: Session,
    ctx: ServiceContext,
    tasking: Tasking,
    trigger: Trigger,
    *,
    occurred_at: datetime,
    reason_text: str | None = None,
    message_id: int | None = None,
) -> None:
    """Record the non-compliance and take the chain's next step, in the caller's transaction."""
    # The caller holds the incident; its unit may be released below.
    incident = session.get(Incident, tasking.incident_id)
    unit = units.hold_unit(session, tasking.unit_id)
    assert incident is not None and unit is not None
    record_noncompliance(session, ctx, tasking, unit, trigger, occurred_at, reason_text, message_id)
    if incident.status in FINISHED:
        return
    now = ctx.clock.now()
    responding = _other_unit_responding(session, tasking)
    if responding is not None:
        _leave_to_responder(session, ctx, now, tasking, incident, unit, trigger, responding)
        return
    _escalate(session, ctx, now, tasking, incident, unit, trigger)


def _leave_to_responder(
    session: Session,
    ctx: ServiceContext,
    now: datetime,
    tasking: Tasking,
    incident: Incident,
    unit: Unit,
    trigger: Trigger,
    responding: str,
) -> None:
    """Someone else has the order in hand: the failure is on record, nothing to escalate."""
    if trigger in LAPSES_ON:
        _lapse(session, ctx, tasking, unit, trigger)
    ledger.record(
        session,
        now,
        EscalationNotNeeded(trigger=trigger, tasking_id=tasking.id, unit=unit.callsign,
                            responding=responding),
        Subject("incident", incident.id),
        incident_id=incident.id,
    )  # fmt: skip


def _escalate(
    session: Session,
    ctx: ServiceContext,
    now: datetime,
    tasking: Tasking,
    incident: Incident,
    unit: Unit,
    trigger: Trigger,
) -> None:
    """Take the mission chain's next step from where the incident stands on it."""
    config = mission_config(session, ctx, incident.mission)
    untried = tasking.phone_rank + 1 < len(duty_phones(session, unit.id))
    route = plan_held_route(session, ctx, incident)
    at = Position(incident.escalation_step, incident.escalation_uses)
    step = plan(
        config.escalation,
        at,
        trigger,
        untried_phone=untried,
        next_unit_ready=route.unit_id is not None,
    )
    next_unit: str | None = None
    if step.resend:
        _resend(session, ctx, tasking, incident, untried, now + config.ack_timeout)
    elif trigger in LAPSES_ON:
        # Another unit takes the order, or nobody is left and the JOC decides: either way
        # a silent or unreachable unit no longer holds it, nor stays held by it.
        _lapse(session, ctx, tasking, unit, trigger)
    if step.task_next and route.unit_id is not None:
        record_route(session, ctx, incident, route)
        replacement = task_unit(session, ctx, incident, route.unit_id, decision=route)
        next_unit = session.get(Unit, replacement.unit_id).callsign  # type: ignore[union-attr]
    notified = [
        _notify(session, ctx, role, incident, tasking, unit, trigger, step.resend, next_unit)
        for role in step.notify
    ]
    was_exhausted = at.step >= len(config.escalation)
    incident.escalation_step, incident.escalation_uses = step.position.step, step.position.uses
    if step.exhausted and not has_open_tasking(session, incident.id):
        # Nobody holds the order and no automatic step is left: the JOC decides who goes.
        incident.status, incident.triage_reason = IncidentStatus.TRIAGE, TriageReason.ESCALATED
    ledger.record(
        session,
        now,
        EscalationStep(
            trigger=trigger,
            tasking_id=tasking.id,
            unit=unit.callsign,
            steps_taken=list(step.steps_taken),
            resent=step.resend,
            next_unit=next_unit,
            notified=[name for names in notified for name in names],
            exhausted=step.exhausted,
        ),
        Subject("incident", incident.id),
        incident_id=incident.id,
    )
    if step.exhausted and not was_exhausted:
        ledger.record(
            session,
            now,
            EscalationExhausted(trigger=trigger),
            Subject("incident", incident.id),
            incident_id=incident.id,
        )


def _other_unit_responding(session: Session, tasking: Tasking) -> str | None:
    """The callsign of another unit that acknowledged this incident's order, if any."""
    return session.scalar(
        select(Unit.callsign)
        .join(Tasking, Tasking.unit_id == Unit.id)
        .where(
            Tasking.incident_id == tasking.incident_id,
            Tasking.id != tasking.id,
            Tasking.status.in_(IN_HAND),
        )
        .limit(1)
    )


def record_noncompliance(
    session: Session,
    ctx: ServiceContext,
    tasking: Tasking,
    unit: Unit,
    trigger: Trigger,
    occurred_at: datetime,
    reason_text: str | None,
    message_id: int | None,
) -> NonCompliance | None:
    """One record per tasking and trigger: an order re-sent and met with silence
    again is still one failure; a second unit's silence is another."""
    existing = session.scalars(
        select(NonCompliance).where(
            NonCompliance.tasking_id == tasking.id, NonCompliance.trigger == trigger
        )
    ).first()
    if existing is not None:
        return None
    classified = classify(trigger, reason_text)
    now = ctx.clock.now()
    record = NonCompliance(
        incident_id=tasking.incident_id,
        tasking_id=tasking.id,
        unit_id=unit.id,
        base_id=unit.base_id,
        category=classified.category,
        trigger=trigger,
        reason_code=classified.reason_code,
        reason_text=reason_text,
        country=unit.country,
        message_id=message_id,
        occurred_at=occurred_at,
        recorded_at=now,
    )
    session.add(record)
    session.flush()
    ledger.record(
        session,
        now,
        NoncomplianceRecorded(
            category=record.category,
            trigger=trigger,
            reason_code=record.reason_code,
            reason=reason_text,
            unit=unit.callsign,
            unit_id=unit.id,
            base_id=unit.base_id,
            country=unit.country,
            tasking_id=tasking.id,
            occurred_at=occurred_at,
        ),
        Subject("noncompliance", record.id),
        incident_id=tasking.incident_id,
    )
    return record


def _resend(
    session: Session,
    ctx: ServiceContext,
    tasking: Tasking,
    incident: Incident,
    untried: bool,
    ack_due: datetime,
) -> None:
    now = ctx.clock.now()
    rank = tasking.phone_rank + 1 if untried else tasking.phone_rank
    send_order(session, ctx, tasking, incident, rank)
    tasking.resent += 1
    tasking.updated_at = now
    deadlines.cancel(session, now, tasking.id, ["ack"])
    deadlines.schedule(session, now, tasking, "ack", ack_due)
    ledger.record(
        session,
        now,
        TaskingResent(phone_rank=tasking.phone_rank, times=tasking.resent, ack_due_at=ack_due),
        Subject("tasking", tasking.id),
        incident_id=incident.id,
    )


def _lapse(
    session: Session, ctx: ServiceContext, tasking: Tasking, unit: Unit, trigger: Trigger
) -> None:
    """The order passes on: this unit was silent or could not be reached."""
    if tasking.status != TaskingStatus.PENDING:
        return
    now = ctx.clock.now()
    tasking.status, tasking.updated_at = TaskingStatus.LAPSED, now
    deadlines.cancel(session, now, tasking.id)
    ledger.record(
        session,
        now,
        TaskingLapsed(unit=unit.callsign, trigger=trigger),
        Subject("tasking", tasking.id),
        incident_id=tasking.incident_id,
    )
    units.release(session, now, unit, tasking.id, cause=f"tasking {tasking.id} lapsed",
                  incident_id=tasking.incident_id)  # fmt: skip


def _notify(
    session: Session,
    ctx: ServiceContext,
    role: str,
    incident: Incident,
    tasking: Tasking,
    unit: Unit,
    trigger: Trigger,
    resent: bool,
    next_unit: str | None,
) -> list[str]:
    """Text every contact of `role`; a role nobody fills is recorded, never skipped silently."""
    now = ctx.clock.now()
    reached = []
    for contact in contacts_for(session, role, incident, tasking):  # type: ignore[arg-type]
        phone = first_phone(session, contact)
        if phone is None:
            continue
        body = escalation_message(
            contact.language or phone.language,
            incident.ref,
            threat=incident.threat,
            place=incident.place_name,
            reported_at=incident.first_report_at,
            trigger=trigger,
            unit=unit.callsign,
            resent=resent,
            next_unit=next_unit,
        )
        sms = queue_sms(session, ctx, phone, body, purpose="escalation", incident_id=incident.id)
        ledger.record(
            session,
            now,
            EscalationNotified(role=role, contact=contact.name, sms_id=sms.id, trigger=trigger),
            Subject("contact", contact.id),
            incident_id=incident.id,
        )
        reached.append(contact.name)
    if not reached:
        ledger.record(
            session,
            now,
            EscalationNoContact.for_role(role),
            Subject("incident", incident.id),
            incident_id=incident.id,
        )
    return reached


def stop(session: Session, ctx: ServiceContext, incident: Incident, *, by: str) -> None:
    """A unit acknowledged: the chain stops where it is (a later failure resumes it)."""
    if incident.escalation_step == 0 and incident.escalation_uses == 0:
        return
    ledger.record(
        session,
        ctx.clock.now(),
        EscalationStopped(by=by, step=incident.escalation_step),
        Subject("incident", incident.id),
        incident_id=incident.id,
    )


def take_charge(
    session: Session,
    ctx: ServiceContext,
    incident: Incident,
    contact_phone: Sender,
    message_id: int | None = None,
) -> None:
    """A commander, sector HQ or JOC duty officer answered ACK: automatic escalation ends."""
    now = ctx.clock.now()
    cancelled = deadlines.cancel_incident(session, now, incident.id)
    incident.escalation_step = len(mission_config(session, ctx, incident.mission).escalation)
    incident.escalation_uses = 0
    ledger.record(
        session,
        now,
        EscalationAcknowledged(by=contact_phone.pseudonym, contact_id=contact_phone.contact_id,
                               deadlines_cancelled=cancelled, message_id=message_id),
        Subject("incident", incident.id),
        actor=f"contact:{contact_phone.pseudonym}",
        incident_id=incident.id,
    )  # fmt: skip
