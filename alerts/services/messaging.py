"""Outgoing SMS: queued in the database, then sent by a worker through the port."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.db.models import DeliveryReceipt, OutboundMessage, Outbox, Sender, Tasking
from alerts.db.session import write_transaction
from alerts.domain.delivery import advances
from alerts.services import ledger
from alerts.services.context import ServiceContext
from alerts.services.ledger import Subject
from alerts.services.ports import SmsSendError

log = logging.getLogger(__name__)

SEND_SMS = "send_sms"


def queue_sms(
    session: Session,
    ctx: ServiceContext,
    recipient: Sender,
    body: str,
    purpose: str,
    tasking_id: int | None = None,
) -> OutboundMessage:
    """Queue one SMS in the caller's transaction; it is sent after commit.

    In a context that does not send (a replay), the SMS is kept as "not_sent"
    and never reaches the outbox, so nothing can send it later by surprise.
    """
    message = OutboundMessage(
        recipient_id=recipient.id,
        tasking_id=tasking_id,
        purpose=purpose,
        body=body,
        status="pending" if ctx.sends_sms else "not_sent",
        created_at=ctx.clock.now(),
    )
    session.add(message)
    session.flush()
    if ctx.sends_sms:
        session.add(
            Outbox(job=SEND_SMS, ref_id=message.id, created_at=message.created_at, attempts=0)
        )
    return message


@dataclass(frozen=True)
class SendOutcome:
    outbound_id: int
    provider_sid: str | None
    status: str


def send(ctx: ServiceContext, outbound_id: int) -> SendOutcome:
    """Send one queued SMS. Safe to run twice: a message with a sid is not re-sent.

    The provider call happens outside any transaction, so a slow carrier API
    never holds the ledger lock.
    """
    with write_transaction(ctx.factory) as session:
        message = session.get(OutboundMessage, outbound_id)
        if message is None:
            raise LookupError(f"no outbound message {outbound_id}")
        # "sending" without a sid means an earlier attempt died mid-call. For a
        # tasking, a possible duplicate SMS is far better than a silent loss.
        if message.provider_sid or message.status not in {"pending", "sending"}:
            return SendOutcome(outbound_id, message.provider_sid, message.status)
        message.status = "sending"
        recipient = session.get(Sender, message.recipient_id)
        assert recipient is not None
        number = ctx.vault.decrypt(recipient.number_encrypted)
        body = message.body

    try:
        sid = ctx.sms.send(number, body, ctx.status_callback_url)
    except SmsSendError as error:
        with write_transaction(ctx.factory) as session:
            message = session.get(OutboundMessage, outbound_id)
            assert message is not None
            message.status = "pending" if error.retryable else "failed"
            message.error_code = None if error.code is None else str(error.code)
            if not error.retryable:
                _record_status(session, ctx.clock.now(), message, "failed", message.error_code)
        if error.retryable:
            raise  # the job queue retries with backoff
        return SendOutcome(outbound_id, None, "failed")
    except Exception:
        # Unexpected (a bug, an SDK surprise): leave the message sendable for the retry.
        with write_transaction(ctx.factory, ledger=False) as session:
            message = session.get(OutboundMessage, outbound_id)
            assert message is not None
            message.status = "pending"
        raise

    with write_transaction(ctx.factory) as session:
        message = session.get(OutboundMessage, outbound_id)
        assert message is not None
        now = ctx.clock.now()
        message.provider_sid = sid
        message.sent_at = now
        message.status = "accepted"
        kind = "tasking.sent" if message.tasking_id else "sms.accepted"
        tasking = session.get(Tasking, message.tasking_id) if message.tasking_id else None
        ledger.record(
            session,
            now,
            kind,
            Subject("tasking", message.tasking_id)
            if message.tasking_id
            else Subject("sms", message.id),
            {
                "sms_id": message.id,
                "provider_sid": sid,
                "purpose": message.purpose,
                "recipient": recipient.pseudonym,
            },
            incident_id=tasking.incident_id if tasking else None,
        )
        _apply_receipts(session, message)
        return SendOutcome(outbound_id, sid, message.status)


def _record_status(
    session: Session,
    now: datetime,
    message: OutboundMessage,
    status: str,
    error_code: str | None = None,
) -> None:
    incident_id = None
    if message.tasking_id is not None:
        tasking = session.get(Tasking, message.tasking_id)
        incident_id = tasking.incident_id if tasking else None
    ledger.record(
        session,
        now,
        f"sms.{status}",
        Subject("sms", message.id),
        {
            "status": status,
            "purpose": message.purpose,
            "tasking_id": message.tasking_id,
            "error_code": error_code,
            "provider_sid": message.provider_sid,
        },
        incident_id=incident_id,
    )


def _apply_receipts(session: Session, message: OutboundMessage) -> None:
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
            _record_status(
                session, receipt.received_at, message, receipt.status, receipt.error_code
            )


def record_delivery_status(
    session: Session, now: datetime, provider_sid: str, status: str, error_code: str | None
) -> bool:
    """Keep one status callback and apply it. Duplicates and late arrivals change nothing.

    Returns False when the sid is not (yet) one of ours; the receipt is kept
    and applied if the sid turns up.
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
    _apply_receipts(session, message)
    return True
