"""Replies from staff phones: a unit about its tasking (ACK, NO <reason>, DEP, ARR,
DONE), and a commander or JOC duty officer taking charge of an escalation (ACK)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.correlation.holding import hold_incident
from alerts.correlation.models import Incident
from alerts.dispatch import deadlines, escalation, units
from alerts.dispatch.domain import notices as dispatch_texts
from alerts.dispatch.domain.commands import UnitCommand, parse_command
from alerts.dispatch.domain.events import (
    ContactReplyNotUnderstood,
    ContactReplyRefused,
    ReplyNotUnderstood,
    ReplyUnknownRef,
    TaskingReplied,
    TaskingReplyRefused,
)
from alerts.dispatch.domain.tasking import (
    ReplyEffect,
    TaskingStatus,
    apply_command,
    incident_status,
)
from alerts.dispatch.models import Tasking
from alerts.dispatch.orders import mission_config
from alerts.dispatch.stand_down import stand_down
from alerts.intake.models import InboundMessage
from alerts.messaging.domain import texts
from alerts.messaging.outgoing import queue_sms
from alerts.registry.models import Sender, Unit
from alerts.timeline import ledger
from alerts.timeline.domain.kinds import EventKind
from alerts.timeline.ledger import Subject
from alerts.timeline.models import Event


def handle_unit_reply(
    session: Session, ctx: ServiceContext, message: InboundMessage, sender: Sender
) -> None:
    now = ctx.clock.now()
    language = sender.language or ctx.unit_language
    command = parse_command(message.body)
    if command is None or command.ref is None or command.verb == "NUM":
        _not_understood(session, ctx, message, sender, language)
        return

    tasking = _latest_tasking(session, command.ref, sender.unit_id)
    if tasking is not None:
        _hold_incident_of(session, tasking)
    if tasking is None:
        ledger.record(
            session,
            now,
            ReplyUnknownRef(sender=sender.pseudonym, ref=command.ref, verb=command.verb),
            Subject("message", message.id),
        )
        queue_sms(session, ctx, sender, texts.unknown_ref(language, command.ref), purpose="help")
        return

    transition = apply_command(tasking.status, command.verb)
    if transition.effect is None:
        # A late ACK racing an escalation lands here when the order has passed on:
        # the timeline keeps both, and the state stays the escalation's.
        ledger.record(
            session,
            now,
            TaskingReplyRefused(verb=command.verb, status=tasking.status, message_id=message.id,
                                note=transition.note),
            Subject("tasking", tasking.id),
            incident_id=tasking.incident_id,
        )  # fmt: skip
        reply = texts.command_refused(language, command.ref, command.verb, transition.note)
        queue_sms(session, ctx, sender, reply, purpose="reply", incident_id=tasking.incident_id)
        return
    _apply(session, ctx, message, sender, tasking, command, transition.effect, now)
    reply = texts.command_recorded(language, command.ref, command.verb, now)
    queue_sms(session, ctx, sender, reply, purpose="reply", incident_id=tasking.incident_id)


def _apply(
    session: Session,
    ctx: ServiceContext,
    message: InboundMessage,
    sender: Sender,
    tasking: Tasking,
    command: UnitCommand,
    effect: ReplyEffect,
    now: datetime,
) -> None:
    """Carry out what the reply does (see `ReplyEffect`), in the order the timeline
    should tell it: the reply, its deadlines, the unit, the others, the incident."""
    # The unit before any row changes, in the order `hold_rows` gives.
    unit = units.hold_unit(session, tasking.unit_id)
    incident = session.get(Incident, tasking.incident_id)
    assert unit is not None and incident is not None
    previous, tasking.status, tasking.updated_at = tasking.status, effect.status, now
    declined = effect.status == TaskingStatus.DECLINED
    if declined:
        tasking.reason_text = command.reason
    # A reply after its deadline that beat the scheduler to it is still late: say so.
    overdue = [
        {"deadline": d.kind, "late_s": round((now - d.due_at).total_seconds())}
        for d in deadlines.pending_for(session, tasking.id)
        if d.due_at < now
    ]
    ledger.record(
        session,
        now,
        TaskingReplied(
            kind=effect.event,
            unit=unit.callsign,
            from_status=previous,
            message_id=message.id,
            from_phone=sender.pseudonym,
            # Kept verbatim: a refusal's own words are evidence.
            reason=command.reason if declined else None,
            overdue=overdue or None,
        ),
        Subject("tasking", tasking.id),
        actor=f"unit:{unit.callsign}",
        incident_id=tasking.incident_id,
    )
    deadlines.cancel(session, now, tasking.id, effect.settles)
    _next_deadline(session, ctx, tasking, unit, incident, effect, now)
    cause = f"{command.verb} on tasking {tasking.id}"
    if effect.unit is None:
        units.release(session, now, unit, tasking.id, cause=cause, incident_id=incident.id)
    else:
        units.set_status(session, now, unit, effect.unit, cause=cause, incident_id=incident.id)
    if effect.takes_charge:
        escalation.stop(session, ctx, incident, by=unit.callsign)
        # Backups tasked while this unit was silent or slow, and still silent: moot now.
        stand_down(session, ctx, incident, f"{unit.callsign} is responding",
                   statuses=(TaskingStatus.PENDING,), keep=tasking.id)  # fmt: skip
    elif effect.ends_response:
        stand_down(session, ctx, incident, f"{unit.callsign} reported the response done",
                   finished=True, keep=tasking.id)  # fmt: skip
    incident.status = incident_status(
        incident.status, [t.status for t in all_taskings(session, incident.id)]
    )
    if effect.escalates:
        escalation.on_trigger(
            session, ctx, tasking, "declined", occurred_at=message.received_at,
            reason_text=command.reason or None, message_id=message.id,
        )  # fmt: skip


def _next_deadline(
    session: Session,
    ctx: ServiceContext,
    tasking: Tasking,
    unit: Unit,
    incident: Incident,
    effect: ReplyEffect,
    now: datetime,
) -> None:
    """After ACK the unit must depart, after DEP arrive: each by a deadline.

    A unit needs at least its notice to move to depart, and its estimated travel
    time (half as much again, for the roads) to arrive.
    """
    config = mission_config(session, ctx, incident.mission)
    if effect.next_deadline == "depart":
        allowed = max(config.depart_timeout, timedelta(minutes=unit.notice_to_move_min))
    elif effect.next_deadline == "arrive":
        allowed = max(config.arrive_timeout, timedelta(seconds=1.5 * (tasking.travel_s or 0)))
    else:
        return
    deadlines.schedule(session, now, tasking, effect.next_deadline, now + allowed)


def handle_contact_reply(
    session: Session, ctx: ServiceContext, message: InboundMessage, sender: Sender
) -> None:
    """ACK <ref> from a contact takes charge of the incident's escalation."""
    now = ctx.clock.now()
    command = parse_command(message.body)
    incident, chain = None, []
    if command is not None and command.verb == "ACK" and command.ref:
        # A merged incident's reference still names its escalation, now the survivor's.
        chain = merged_chain(session, command.ref)
        incident = hold_incident(session, chain[-1]) if chain else None
        if incident is not None and incident.merged_into_id is not None:
            incident = None  # merged again meanwhile: the contact is asked to repeat
    if incident is not None and not any(
        _was_notified(session, told, sender.contact_id) for told in chain
    ):
        # A typo must not stop another incident's escalation: only one they were told of.
        ledger.record(
            session,
            now,
            ContactReplyRefused(sender=sender.pseudonym, ref=incident.ref),
            Subject("message", message.id),
        )
        answer = dispatch_texts.not_notified_message(sender.language, incident.ref)
        queue_sms(session, ctx, sender, answer, purpose="help")
        return
    if incident is None or command is None or command.ref is None:
        ledger.record(
            session,
            now,
            ContactReplyNotUnderstood(sender=sender.pseudonym),
            Subject("message", message.id),
        )
        queue_sms(session, ctx, sender, dispatch_texts.contact_help(sender.language), "help")
        return
    escalation.take_charge(session, ctx, incident, sender, message.id)
    reply = dispatch_texts.taken_charge_message(sender.language, command.ref, now)
    queue_sms(session, ctx, sender, reply, purpose="reply", incident_id=incident.id)


def _not_understood(
    session: Session, ctx: ServiceContext, message: InboundMessage, sender: Sender, language: str
) -> None:
    ledger.record(
        session,
        ctx.clock.now(),
        ReplyNotUnderstood(sender=sender.pseudonym),
        Subject("message", message.id),
    )
    queue_sms(session, ctx, sender, texts.command_help(language), purpose="help")


def _was_notified(session: Session, incident_id: int, contact_id: int | None) -> bool:
    return (
        contact_id is not None
        and session.scalar(
            select(Event.id)
            .where(
                Event.kind == EventKind.ESCALATION_NOTIFIED,
                Event.incident_id == incident_id,
                Event.subject_type == "contact",
                Event.subject_id == contact_id,
            )
            .limit(1)
        )
        is not None
    )


def all_taskings(session: Session, incident_id: int) -> list[Tasking]:
    return list(session.scalars(select(Tasking).where(Tasking.incident_id == incident_id)))


def _latest_tasking(session: Session, ref: str, unit_id: int | None) -> Tasking | None:
    """The unit's latest tasking on the incident with this reference.

    Closed taskings are included so a late duplicate ACK gets a clear answer
    rather than "unknown reference".
    """
    if unit_id is None:
        return None
    return session.scalars(
        select(Tasking)
        .where(Tasking.incident_id.in_(merged_chain(session, ref)), Tasking.unit_id == unit_id)
        .order_by(Tasking.id.desc())
        .limit(1)
    ).first()


def _hold_incident_of(session: Session, tasking: Tasking) -> None:
    """Hold the tasking's incident, then read the tasking again: an escalation or an
    officer may have changed it while this reply waited, and a merge may have moved
    it to another incident, which is then held too."""
    held: set[int] = set()
    while tasking.incident_id not in held:
        held.add(tasking.incident_id)
        hold_incident(session, tasking.incident_id)
        session.refresh(tasking)


def merged_chain(session: Session, ref: str, limit: int = 16) -> list[int]:
    """The incident with this reference, then each it was merged into, in turn.

    A unit answers with the reference its order gave; a merge since moved the order
    to the surviving incident, and the reference must still find it.
    """
    chain: list[int] = []
    row = session.execute(
        select(Incident.id, Incident.merged_into_id).where(Incident.ref == ref)
    ).first()
    while row is not None and row.id not in chain and len(chain) < limit:
        chain.append(row.id)
        if row.merged_into_id is None:
            break
        row = session.execute(
            select(Incident.id, Incident.merged_into_id).where(Incident.id == row.merged_into_id)
        ).first()
    return chain
