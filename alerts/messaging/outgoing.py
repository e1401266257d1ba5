"""Outgoing SMS: queued in the database with a paced slot, then sent by a worker.

Sending survives the three ways a send goes wrong. The provider refuses for
good (a bad number): the SMS is failed and the scheduler acts on it. The
provider fails for now (429, 5xx) or the call times out: the job queue retries
with backoff; before any retry that might follow a send that reached the
provider (5xx, timeout), the provider is asked whether it holds the message,
so nobody gets an order twice. The worker dies mid-send: the send lease runs
out and the scheduler queues the SMS again, with the same check.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.core.db.session import write_transaction
from alerts.core.domain.jobs import Job
from alerts.core.ports import SmsSendError
from alerts.messaging.domain.delivery import advances
from alerts.messaging.domain.events import (
    SmsAccepted,
    SmsQueueAlarm,
    SmsRetrying,
    SmsSentTwice,
    SmsStatusChanged,
    TaskingSent,
)
from alerts.messaging.domain.pacing import ahead_slot, next_slot
from alerts.messaging.domain.priority import URGENT, sms_priority
from alerts.messaging.domain.segments import count_segments
from alerts.messaging.domain.sending import CLOCK_SKEW
from alerts.messaging.domain.texts import NUMBER_PLACEHOLDER
from alerts.messaging.lane import locked_lane, push_back
from alerts.messaging.models import DeliveryReceipt, OutboundMessage, Outbox
from alerts.registry.models import Sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

log = logging.getLogger(__name__)

# Attempts after which the scheduler stops queueing an SMS again and fails it: RQ's own
# retries (five) and a few of the scheduler's have all gone by.
MAX_ATTEMPTS = 10
# An SMS not sent this long after it could have been (its job lost with Redis, its
# retries given up) is queued again by the scheduler, until it is sent or fails for good.
RETRY_GRACE = timedelta(minutes=2)


def queue_sms(
    session: Session,
    ctx: ServiceContext,
    recipient: Sender,
    body: str,
    purpose: str,
    tasking_id: int | None = None,
    *,
    reveals_sender_id: int | None = None,
    incident_id: int | None = None,
) -> OutboundMessage:
    """Queue one SMS in the caller's transaction, in the next free slot of the
    sending number's lane; it is sent after commit, not before its slot.

    In a context that does not send (a replay), the SMS is kept as "not_sent"
    and never reaches the outbox, so nothing can send it later by surprise.
    """
    now = ctx.clock.now()
    segments = count_segments(body)
    message = OutboundMessage(
        recipient_id=recipient.id,
        tasking_id=tasking_id,
        purpose=purpose,
        body=body,
        status="pending" if ctx.sends_sms else "not_sent",
        created_at=now,
        segments=segments,
        reveals_sender_id=reveals_sender_id,
        incident_id=incident_id,
        attempts=0,
    )
    session.add(message)
    session.flush()
    if not ctx.sends_sms:
        return message
    priority = sms_priority(purpose, bulk=ctx.bulk)
    if ctx.sms_segments_per_s <= 0:  # paced by the provider (a messaging service), not here
        message.send_lease_until = now + RETRY_GRACE
        session.add(Outbox(job=Job.SEND_SMS, ref_id=message.id, created_at=now, attempts=0,
                           priority=priority))  # fmt: skip
        return message
    send_at = _take_slot(session, ctx, message, segments, urgent=purpose in URGENT)
    message.not_before = send_at if send_at > now else None
    message.send_lease_until = max(send_at, now) + RETRY_GRACE
    session.add(
        Outbox(job=Job.SEND_SMS, ref_id=message.id, created_at=now, due_at=message.not_before,
               attempts=0, priority=priority)
    )  # fmt: skip
    return message


def _take_slot(
    session: Session,
    ctx: ServiceContext,
    message: OutboundMessage,
    segments: int,
    *,
    urgent: bool,
) -> datetime:
    """The lane's next slot for this SMS (an urgent one goes before the others waiting);
    an alarm when an order would wait longer than a unit has to acknowledge it."""
    now = ctx.clock.now()
    lane = locked_lane(session, ctx.sms_lane, now)
    if urgent:
        ahead = ahead_slot(now, lane.urgent_free_at, lane.next_free_at, segments,
                           ctx.sms_segments_per_s)  # fmt: skip
        slot = ahead.slot
        lane.urgent_free_at, lane.next_free_at = slot.lane_free_at, ahead.lane_free_at
        push_back(session, slot.send_at, ahead.push)
    else:
        slot = next_slot(now, lane.next_free_at, segments, ctx.sms_segments_per_s)
        lane.next_free_at = slot.lane_free_at
    session.flush()
    if urgent and slot.wait > ctx.dispatch.ack_timeout:
        ledger.record(
            session,
            now,
            SmsQueueAlarm(
                purpose=message.purpose,
                wait_s=round(slot.wait.total_seconds()),
                ack_timeout_s=round(ctx.dispatch.ack_timeout.total_seconds()),
            ),
            Subject("sms", message.id),
            incident_id=message.incident_id,
        )
        log.warning("SMS %s waits %s for its slot: longer than the ACK timeout", message.id,
                    slot.wait)  # fmt: skip
    return slot.send_at


@dataclass(frozen=True)
class SendOutcome:
    outbound_id: int
    provider_sid: str | None
    status: str
    # Set by the one attempt that recorded the provider's acceptance, with what a
    # higher layer needs to act on it (an order's ACK deadline counts from then).
    accepted: AcceptedOrder | None = None


@dataclass(frozen=True)
class AcceptedOrder:
    tasking_id: int
    queued_at: datetime
    sent_at: datetime


def send(ctx: ServiceContext, outbound_id: int) -> SendOutcome:
    """Send one queued SMS. Safe to run twice, or by two workers at once.

    The provider call happens outside any transaction, so a slow carrier API
    never holds a lock or a transaction open.
    """
    with write_transaction(ctx.factory) as session:
        # Locked: two jobs for one SMS (a retry and the scheduler's) must not both send.
        message = session.get(OutboundMessage, outbound_id, with_for_update=True)
        if message is None:
            raise LookupError(f"no outbound message {outbound_id}")
        now = ctx.clock.now()
        if message.provider_sid or message.status not in {"pending", "sending", "unsure"}:
            return SendOutcome(outbound_id, message.provider_sid, message.status)
        if (
            message.status == "sending"
            and message.send_lease_until
            and message.send_lease_until > now
        ):
            return SendOutcome(outbound_id, None, "sending")  # another attempt is under way
        # A previous attempt may have reached the provider: it died mid-call, or got
        # a 5xx or a timeout. Ask before sending again.
        check_first = message.status == "unsure" or (
            message.status == "sending" and message.attempts > 0
        )
        # A send still "sending" after its lease is taken for dead and tried again,
        # after asking the provider; the lease outlasts every call this attempt makes.
        message.status, message.send_lease_until = "sending", now + ctx.send_lease
        message.attempts += 1
        recipient = session.get(Sender, message.recipient_id)
        assert recipient is not None
        number = ctx.vault.decrypt(recipient.number_encrypted)
        body = message.body
        if message.reveals_sender_id is not None:
            revealed = session.get(Sender, message.reveals_sender_id)
            assert revealed is not None
            body = body.replace(NUMBER_PLACEHOLDER, ctx.vault.decrypt(revealed.number_encrypted))
        # Before it was queued, by as much as the provider's clock may be off ours:
        # an older SMS with the same words is told apart by its sid (see `_already_sent`).
        since = message.created_at - CLOCK_SKEW

    try:
        sid = _already_sent(ctx, number, body, since) if check_first else None
        if sid is None:
            sid = ctx.sms.send(number, body, ctx.status_callback_url)
    except SmsSendError as error:
        _record_failure(ctx, outbound_id, error)
        if error.retryable:
            raise  # the job queue retries with backoff
        return SendOutcome(outbound_id, None, "failed")
    except Exception:
        # Unexpected (a bug, an SDK surprise): it may have gone, so check before the retry.
        with write_transaction(ctx.factory) as session:
            message = session.get(OutboundMessage, outbound_id)
            assert message is not None
            message.status = "unsure"
            message.send_lease_until = ctx.clock.now() + RETRY_GRACE
        raise
    return _record_sent(ctx, outbound_id, sid)


def _already_sent(ctx: ServiceContext, number: str, body: str, since: datetime) -> str | None:
    """The provider's sid of this very SMS, if an attempt got through: the newest match
    that is not already another of our messages (the same words may go twice)."""
    found = ctx.sms.find_sent(number, body, since)
    if not found:
        return None
    with ctx.factory() as session:
        known = set(
            session.scalars(
                select(OutboundMessage.provider_sid).where(OutboundMessage.provider_sid.in_(found))
            )
        )
    return next((sid for sid in found if sid not in known), None)


def _record_failure(ctx: ServiceContext, outbound_id: int, error: SmsSendError) -> None:
    with write_transaction(ctx.factory) as session:
        message = session.get(OutboundMessage, outbound_id)
        assert message is not None
        message.send_lease_until = None if not error.retryable else ctx.clock.now() + RETRY_GRACE
        message.error_code = None if error.code is None else str(error.code)
        if not error.retryable:
            message.status = "failed"
            record_status(session, ctx.clock.now(), message, "failed", message.error_code)
        else:
            message.status = "unsure" if error.ambiguous else "pending"
            ledger.record(
                session,
                ctx.clock.now(),
                SmsRetrying(attempt=message.attempts, error=str(error), ambiguous=error.ambiguous,
                            tasking_id=message.tasking_id),
                Subject("sms", message.id),
                incident_id=_incident_of(session, message),
            )  # fmt: skip


def _record_sent(ctx: ServiceContext, outbound_id: int, sid: str) -> SendOutcome:
    """Store the provider's sid at once: no retry may follow a send it knows of.

    A sid already recorded by another attempt is never overwritten: the second send
    is kept as evidence that the recipient got the SMS twice.
    """
    with write_transaction(ctx.factory) as session:
        message = session.get(OutboundMessage, outbound_id, with_for_update=True)
        assert message is not None
        now = ctx.clock.now()
        if message.provider_sid is not None:
            if message.provider_sid != sid:
                log.error("SMS %s reached the provider twice (%s kept, %s too)",
                          message.id, message.provider_sid, sid)  # fmt: skip
                ledger.record(
                    session,
                    now,
                    SmsSentTwice(sms_id=message.id, recorded_sid=message.provider_sid,
                                 other_sid=sid),
                    Subject("sms", message.id),
                    incident_id=_incident_of(session, message),
                )  # fmt: skip
            return SendOutcome(outbound_id, message.provider_sid, message.status)
        message.provider_sid, message.sent_at = sid, now
        message.status, message.send_lease_until = "accepted", None
        recipient = session.get(Sender, message.recipient_id)
        assert recipient is not None
        order = message.purpose == "tasking" and message.tasking_id is not None
        accepted = TaskingSent if order else SmsAccepted
        subject = Subject("tasking", message.tasking_id) if order else Subject("sms", message.id)
        ledger.record(
            session,
            now,
            accepted(
                sms_id=message.id,
                provider_sid=sid,
                purpose=message.purpose,
                recipient=recipient.pseudonym,
                segments=message.segments,
                attempts=message.attempts,
            ),
            subject,
            incident_id=_incident_of(session, message),
        )
        apply_receipts(session, message)
        accepted_order = (
            AcceptedOrder(message.tasking_id, message.created_at, now)
            if order and message.tasking_id is not None
            else None
        )
        return SendOutcome(outbound_id, sid, message.status, accepted_order)


def _incident_of(session: Session, message: OutboundMessage) -> int | None:
    # Dispatch names the incident of every order it queues (see dispatch/orders.py).
    return message.incident_id


def record_status(
    session: Session,
    now: datetime,
    message: OutboundMessage,
    status: str,
    error_code: str | None = None,
) -> None:
    ledger.record(
        session,
        now,
        SmsStatusChanged(status=status, purpose=message.purpose, tasking_id=message.tasking_id,
                         error_code=error_code, provider_sid=message.provider_sid),
        Subject("sms", message.id),
        incident_id=_incident_of(session, message),
    )  # fmt: skip


def apply_receipts(session: Session, message: OutboundMessage) -> None:
    receipts = session.scalars(
        select(DeliveryReceipt)
        .where(DeliveryReceipt.provider_sid == message.provider_sid)
        .order_by(DeliveryReceipt.id)
    ).all()
    for receipt in receipts:
        if advances(message.status, receipt.status):
            message.status = receipt.status
            message.status_at = receipt.received_at
            message.error_code = receipt.error_code
            record_status(session, receipt.received_at, message, receipt.status,
                           receipt.error_code)  # fmt: skip


def record_delivery_status(
    session: Session, now: datetime, provider_sid: str, status: str, error_code: str | None
) -> bool:
    """Keep one status callback and apply it. Duplicates and late arrivals change nothing.

    Returns False when the sid is not (yet) one of ours; the receipt is kept
    and applied if the sid turns up. A failure is acted on by the scheduler.
    """
    session.add(
        DeliveryReceipt(
            provider_sid=provider_sid, status=status, error_code=error_code, received_at=now
        )
    )
    session.flush()
    message = session.scalars(
        select(OutboundMessage).where(OutboundMessage.provider_sid == provider_sid)
    ).first()
    if message is None:
        return False
    apply_receipts(session, message)
    return True
