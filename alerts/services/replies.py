"""A unit's reply to a tasking: ACK, NO <reason>, DEP, ARR, DONE."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.db.models import InboundMessage, Incident, Sender, Tasking, Unit
from alerts.domain import texts
from alerts.domain.commands import parse_command
from alerts.domain.tasking import EVENT_KIND, apply_command
from alerts.services import ledger
from alerts.services.context import ServiceContext
from alerts.services.dispatch import unit_has_other_open_tasking
from alerts.services.ledger import Subject
from alerts.services.messaging import queue_sms

# What a unit's own status becomes after each accepted reply.
UNIT_STATUS_AFTER = {
    "ACK": "tasked",
    "NO": "ready",
    "DEP": "deployed",
    "ARR": "deployed",
    "DONE": "ready",
}
INCIDENT_STATUS_AFTER = {
    "ACK": "acknowledged",
    "NO": "declined",
    "DEP": "responding",
    "ARR": "on_scene",
    "DONE": "responded",
}


def handle_unit_reply(
    session: Session, ctx: ServiceContext, message: InboundMessage, sender: Sender
) -> None:
    now = ctx.clock.now()
    language = sender.language or ctx.unit_language
    command = parse_command(message.body)
    if command is None or command.ref is None:
        ledger.record(
            session,
            now,
            "reply.not_understood",
            Subject("message", message.id),
            {"sender": sender.pseudonym},
        )
        queue_sms(session, ctx, sender, texts.command_help(language), purpose="help")
        return

    tasking = _open_tasking(session, command.ref, sender.unit_id)
    if tasking is None:
        ledger.record(
            session,
            now,
            "reply.unknown_ref",
            Subject("message", message.id),
            {"sender": sender.pseudonym, "ref": command.ref, "verb": command.verb},
        )
        queue_sms(session, ctx, sender, texts.unknown_ref(language, command.ref), purpose="help")
        return

    transition = apply_command(tasking.status, command.verb)
    if not transition.accepted:
        ledger.record(
            session,
            now,
            "reply.refused",
            Subject("tasking", tasking.id),
            {"verb": command.verb, "status": tasking.status, "message_id": message.id},
            incident_id=tasking.incident_id,
        )
        reply = texts.command_refused(language, command.ref, command.verb, transition.note)
        queue_sms(session, ctx, sender, reply, purpose="reply")
        return

    previous = tasking.status
    tasking.status = transition.status
    tasking.updated_at = now
    if command.verb == "NO":
        tasking.reason_text = command.reason
    unit = session.get(Unit, tasking.unit_id)
    incident = session.get(Incident, tasking.incident_id)
    assert unit is not None and incident is not None
    unit.status = UNIT_STATUS_AFTER[command.verb]
    if unit.status == "ready" and unit_has_other_open_tasking(session, unit.id, tasking.id):
        unit.status = "tasked"
    incident.status = INCIDENT_STATUS_AFTER[command.verb]
    ledger.record(
        session,
        now,
        EVENT_KIND[command.verb],
        Subject("tasking", tasking.id),
        {
            "unit": unit.callsign,
            "from_status": previous,
            "message_id": message.id,
            "from_phone": sender.pseudonym,
            # Kept verbatim: a refusal's own words are evidence.
            "reason": command.reason if command.verb == "NO" else None,
        },
        actor=f"unit:{unit.callsign}",
        incident_id=tasking.incident_id,
    )
    reply = texts.command_recorded(language, command.ref, command.verb, now)
    queue_sms(session, ctx, sender, reply, purpose="reply")


def _open_tasking(session: Session, ref: str, unit_id: int | None) -> Tasking | None:
    """The unit's latest tasking on the incident with this reference.

    Closed taskings are included so a late duplicate ACK gets a clear answer
    rather than "unknown reference".
    """
    if unit_id is None:
        return None
    return session.scalars(
        select(Tasking)
        .join(Incident, Incident.id == Tasking.incident_id)
        .where(Incident.ref == ref, Tasking.unit_id == unit_id)
        .order_by(Tasking.id.desc())
        .limit(1)
    ).first()
