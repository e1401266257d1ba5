"""Beeps: a focal point without credit rings the alert number and hangs up.

The call is rejected (the caller pays nothing) and becomes an alert located at
the caller's registered village. The CLA of that network gets a call-back task
by SMS. The caller's number reaches the CLA only if she asks for it (NUM
<ref>): an audited reveal, filled into the SMS only when it is sent.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.core.db.session import hold_rows
from alerts.core.domain.geo import Point
from alerts.core.references import unused_ref
from alerts.dispatch.domain import notices as dispatch_texts
from alerts.dispatch.domain.commands import parse_command
from alerts.dispatch.domain.events import (
    CallbackCreated,
    CallbackDone,
    CallbackRefused,
    CallerNumberRevealed,
)
from alerts.dispatch.models import CallbackTask
from alerts.dispatch.orders import responsible_base
from alerts.intake.models import InboundMessage
from alerts.messaging.domain import texts
from alerts.messaging.outgoing import queue_sms
from alerts.registry.models import Sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

BEEP = "beep"


def create_task(
    session: Session,
    ctx: ServiceContext,
    message: InboundMessage,
    caller: Sender,
    incident_id: int | None,
) -> CallbackTask | None:
    """A call-back task for the beep, sent to the CLA by SMS; none while the caller
    already has one open (a beep repeated in panic asks for one call)."""
    open_task = session.scalars(
        select(CallbackTask).where(
            CallbackTask.caller_id == caller.id, CallbackTask.status == "open"
        )
    ).first()
    if open_task is not None:
        return None
    now = ctx.clock.now()
    cla = cla_for(session, ctx, caller)
    task = CallbackTask(
        ref=unused_ref(session, CallbackTask.ref),
        message_id=message.id,
        incident_id=incident_id,
        caller_id=caller.id,
        cla_id=cla.id if cla else None,
        status="open",
        created_at=now,
    )
    session.add(task)
    session.flush()
    ledger.record(
        session,
        now,
        CallbackCreated(
            ref=task.ref,
            caller=caller.pseudonym,
            cla=cla.pseudonym if cla else None,
            advice=None if cla else "no CLA for this caller's network: the JOC calls back",
        ),
        Subject("callback", task.id),
        incident_id=incident_id,
    )
    if cla is not None:
        place = caller.place.name if caller.place else None
        body = dispatch_texts.callback_message(
            cla.language, task.ref, caller=caller.pseudonym, place=place, at=message.received_at
        )
        queue_sms(session, ctx, cla, body, purpose="callback", incident_id=incident_id)
    return task


def cla_for(session: Session, ctx: ServiceContext, caller: Sender) -> Sender | None:
    """The CLA of the caller's network: one living on the base responsible for the
    caller's village (its AOR, else the nearest open base)."""
    if caller.place is None:
        return None
    base_id = responsible_base(session, ctx, Point(caller.place.lat, caller.place.lon))
    if base_id is None:
        return None
    return session.scalars(
        select(Sender)
        .where(Sender.role == "cla", Sender.base_id == base_id)
        .order_by(Sender.id)
        .limit(1)
    ).first()


def is_callback_command(session: Session, body: str) -> bool:
    """A CLA's "NUM <ref>" or "DONE <ref>" about a call-back task; anything else
    a CLA sends is an alert she relays."""
    command = parse_command(body)
    if command is None or command.ref is None or command.verb not in ("NUM", "DONE"):
        return False
    found = session.scalar(select(CallbackTask.id).where(CallbackTask.ref == command.ref))
    return found is not None


def handle_command(
    session: Session, ctx: ServiceContext, message: InboundMessage, cla: Sender
) -> None:
    command = parse_command(message.body)
    assert command is not None and command.ref is not None
    found = session.scalars(select(CallbackTask.id).where(CallbackTask.ref == command.ref)).one()
    # Held: two DONE for one task at once must record it done once.
    (task,) = hold_rows(session, CallbackTask, [found])
    now = ctx.clock.now()
    caller = session.get(Sender, task.caller_id)
    assert caller is not None
    refusal = None
    if task.cla_id is not None and task.cla_id != cla.id:
        refusal = "task assigned to another CLA"
    elif command.verb == "NUM" and task.cla_id is None:
        refusal = "task assigned to no CLA: the JOC calls back"
    elif command.verb == "NUM" and task.status == "done":
        refusal = "call-back already done"
    if refusal is not None:
        # Need-to-know: only the CLA the task went to, while it is open, may have the number.
        ledger.record(
            session,
            now,
            CallbackRefused(by=cla.pseudonym, verb=command.verb, reason=refusal),
            Subject("callback", task.id),
            actor=f"cla:{cla.pseudonym}",
            incident_id=task.incident_id,
        )
        answer = texts.command_refused(cla.language or "fr", task.ref, command.verb, refusal)
        queue_sms(session, ctx, cla, answer, purpose="reply", incident_id=task.incident_id)
        return
    if command.verb == "NUM":
        ledger.record(
            session,
            now,
            CallerNumberRevealed(
                pseudonym=caller.pseudonym, reason=f"call-back task {task.ref}", to=cla.pseudonym
            ),
            Subject("sender", caller.id),
            actor=f"cla:{cla.pseudonym}",
            incident_id=task.incident_id,
        )
        body = dispatch_texts.number_message(cla.language, task.ref, caller=caller.pseudonym)
        queue_sms(session, ctx, cla, body, purpose="reveal", reveals_sender_id=caller.id)
        return
    if task.status != "done":
        task.status, task.done_at = "done", now
        ledger.record(
            session,
            now,
            CallbackDone(by=cla.pseudonym, note=command.reason or None),
            Subject("callback", task.id),
            actor=f"cla:{cla.pseudonym}",
            incident_id=task.incident_id,
        )
    body = dispatch_texts.callback_done_message(cla.language, task.ref, now)
    queue_sms(session, ctx, cla, body, purpose="reply")
