"""What the scheduler does every tick, from the database alone: fire deadlines
that fell due, act on SMS that failed, and resend SMS whose worker died.

Each item is settled in its own transaction, in the same transaction that acts
on it, so several schedulers may run at once and a killed one loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.core.db.session import hold_rows, write_transaction
from alerts.correlation.domain.status import FINISHED
from alerts.correlation.holding import hold_incident
from alerts.dispatch import escalation
from alerts.dispatch.contacts import first_phone
from alerts.dispatch.deadlines import TRIGGER_OF
from alerts.dispatch.domain.events import (
    CallbackUndelivered,
    DeadlineMissed,
    EscalationRenotified,
    EscalationUnreachable,
)
from alerts.dispatch.domain.tasking import TaskingStatus
from alerts.dispatch.models import Deadline, Tasking
from alerts.messaging import outgoing as messaging
from alerts.messaging import overdue
from alerts.messaging.models import OutboundMessage
from alerts.registry.models import Sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TickResult:
    fired: int = 0
    failures: int = 0
    requeued: int = 0


def tick(ctx: ServiceContext, limit: int = 100) -> TickResult:
    now = ctx.clock.now()
    with ctx.factory() as session:
        due = list(
            session.scalars(
                select(Deadline.id)
                .where(Deadline.status == "pending", Deadline.due_at <= now)
                .order_by(Deadline.due_at, Deadline.id)
                .limit(limit)
            )
        )
        failed = overdue.unhandled_failures(session, limit)
        stalled = overdue.stalled(session, now, limit)
    fired = sum(_each(fire, ctx, deadline_id, "deadline") for deadline_id in due)
    handled = sum(_each(handle_failure, ctx, outbound_id, "failed SMS") for outbound_id in failed)
    requeued = sum(_each(_requeue, ctx, outbound_id, "stalled SMS") for outbound_id in stalled)
    return TickResult(fired, handled, requeued)


def _each(act: Callable[[ServiceContext, int], bool], ctx: ServiceContext, item: int,
          what: str) -> bool:  # fmt: skip
    """One item in its own transaction; its failure (a bug, a bad row) is logged and the
    tick goes on, so one item can never hold up every deadline behind it."""
    try:
        return act(ctx, item)
    except Exception:
        log.exception("scheduler: %s %s could not be handled; retrying next tick", what, item)
        return False


def _requeue(ctx: ServiceContext, outbound_id: int) -> bool:
    with write_transaction(ctx.factory) as session:
        overdue.requeue(session, ctx.clock.now(), outbound_id, ctx.send_lease)
    log.warning("SMS %s was not sent in its time; queued again", outbound_id)
    return True


def fire(ctx: ServiceContext, deadline_id: int) -> bool:
    """Act on one due deadline. False when it was settled meanwhile (an ACK won the race).

    Its incident is held first, as by every decision about an incident: a reply
    racing this deadline is decided wholly before or wholly after it, and the
    timeline shows both in that order.
    """
    with write_transaction(ctx.factory) as session:
        incident_id = session.scalar(select(Deadline.incident_id).where(Deadline.id == deadline_id))
        if incident_id is None:
            return False
        incident = hold_incident(session, incident_id)
        (deadline,) = hold_rows(session, Deadline, [deadline_id])
        if deadline.status != "pending" or deadline.incident_id != incident_id:
            # Settled meanwhile, or carried by a merge to another incident: the next
            # tick fires it as part of that one.
            return False
        now = ctx.clock.now()
        if incident is not None and incident.status in FINISHED:
            # Over (a unit reported DONE, or an officer closed it): the promise is moot.
            deadline.status, deadline.settled_at = "cancelled", now
            return False
        deadline.status, deadline.settled_at = "fired", now
        late_ms = int((now - deadline.due_at).total_seconds() * 1000)
        ledger.record(
            session,
            now,
            DeadlineMissed(deadline=deadline.kind, due_at=deadline.due_at, late_ms=late_ms),
            Subject("tasking", deadline.tasking_id),
            incident_id=deadline.incident_id,
        )
        tasking = session.get(Tasking, deadline.tasking_id) if deadline.tasking_id else None
        if tasking is not None:
            escalation.on_trigger(
                session, ctx, tasking, TRIGGER_OF[deadline.kind], occurred_at=deadline.due_at
            )
    log.info("deadline %s (%s) fired %d ms late", deadline_id, deadline.kind, late_ms)
    return True


def handle_failure(ctx: ServiceContext, outbound_id: int) -> bool:
    """An SMS failed for good. An order that never arrived is a failure to record
    and escalate (the alternate duty phone first); an escalation tries the
    contact's next phone. Everything else is already in the timeline."""
    with write_transaction(ctx.factory) as session:
        # An order's incident is its tasking's now: a merge may have moved it since.
        incident_id = session.scalar(
            select(func.coalesce(Tasking.incident_id, OutboundMessage.incident_id))
            .select_from(OutboundMessage)
            .outerjoin(Tasking, Tasking.id == OutboundMessage.tasking_id)
            .where(OutboundMessage.id == outbound_id)
        )
        if incident_id is not None:
            hold_incident(session, incident_id)  # an order's failure may escalate
        held = hold_rows(session, OutboundMessage, [outbound_id])
        if not held or held[0].failure_handled_at is not None:
            return False
        message = held[0]
        now = ctx.clock.now()
        message.failure_handled_at = now
        if message.purpose == "tasking" and message.tasking_id is not None:
            tasking = session.get(Tasking, message.tasking_id)
            if (
                tasking is not None
                and tasking.status == TaskingStatus.PENDING
                and _latest_order(session, message)
            ):
                escalation.on_trigger(
                    session, ctx, tasking, "undelivered", occurred_at=message.status_at or now
                )
        elif message.purpose == "escalation":
            _next_contact_phone(session, ctx, message)
        elif message.purpose == "callback":
            # The CLA never got her call-back task: the JOC must call back instead.
            ledger.record(
                session,
                now,
                CallbackUndelivered(),
                Subject("sms", message.id),
                incident_id=message.incident_id,
            )
    return True


def _latest_order(session: Session, message: OutboundMessage) -> bool:
    """Only the failure of the last order sent counts: an older one was overtaken."""
    latest = session.scalar(
        select(OutboundMessage.id)
        .where(
            OutboundMessage.tasking_id == message.tasking_id,
            OutboundMessage.purpose == "tasking",
        )
        .order_by(OutboundMessage.id.desc())
        .limit(1)
    )
    return latest == message.id


def _next_contact_phone(session: Session, ctx: ServiceContext, message: OutboundMessage) -> None:
    failed = session.get(Sender, message.recipient_id)
    if failed is None or failed.contact is None:
        return
    phone = first_phone(session, failed.contact, after_rank=failed.duty_rank or 0)
    event: EscalationRenotified | EscalationUnreachable
    if phone is not None:
        retry = messaging.queue_sms(session, ctx, phone, message.body, purpose="escalation",
                                    incident_id=message.incident_id)  # fmt: skip
        event = EscalationRenotified(failed.contact.name, failed_sms=message.id, sms_id=retry.id)
    else:
        event = EscalationUnreachable(failed.contact.name, failed_sms=message.id)
    ledger.record(
        session,
        ctx.clock.now(),
        event,
        Subject("contact", failed.contact.id),
        incident_id=message.incident_id,
    )
