"""Taking an SMS in: store it verbatim, once, and queue it for processing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.session import write_transaction
from alerts.core.domain import phones
from alerts.core.domain.jobs import Job
from alerts.core.references import unused_ref
from alerts.core.vault import PhoneVault
from alerts.intake.domain.events import MessageReceived
from alerts.intake.models import InboundMessage
from alerts.messaging.outbox import OutboxItem, claimed_row
from alerts.registry.models import Sender
from alerts.registry.senders import find_or_create_sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject


@dataclass(frozen=True)
class InboundSms:
    provider_sid: str
    from_number: str
    body: str
    num_segments: int | None = None
    channel: str = "sms"


@dataclass(frozen=True)
class IntakeResult:
    message_id: int
    ref: str
    language: str | None
    sender_role: str
    duplicate: bool
    # Claimed for this request to hand to the queue after commit; None for a duplicate.
    outbox: OutboxItem | None = None


def storable_text(body: str) -> tuple[str, bytes | None]:
    """Text a database column can hold, plus the raw bytes if that changed anything."""
    if "\x00" not in body:
        return body, None
    return body.replace("\x00", "\ufffd"), body.encode("utf-8")


def receive(
    factory: sessionmaker[Session], vault: PhoneVault, sms: InboundSms, now: datetime
) -> IntakeResult:
    """Store one inbound SMS and its outbox row in one transaction.

    Idempotent on the provider's sid: a carrier retry, or five identical posts
    racing each other, give one message and one job, and each caller gets the
    same reference back.
    """
    try:
        # No shared lock at all: intake is the hot path in a flood, and its
        # events are plain inserts that the sequencer seals after commit.
        with write_transaction(factory, dispatch=False) as session:
            return _store(session, vault, sms, now)
    except IntegrityError:
        with factory() as session:
            existing = session.scalars(
                select(InboundMessage).where(InboundMessage.provider_sid == sms.provider_sid)
            ).first()
            if existing is None:
                raise
            sender = existing_sender(session, existing)
            return IntakeResult(existing.id, existing.ref, sender[0], sender[1], duplicate=True)


def existing_sender(session: Session, message: InboundMessage) -> tuple[str | None, str]:
    sender = session.get(Sender, message.sender_id)
    return (sender.language, sender.role) if sender else (None, "unregistered")


def _store(session: Session, vault: PhoneVault, sms: InboundSms, now: datetime) -> IntakeResult:
    duplicate = session.scalars(
        select(InboundMessage).where(InboundMessage.provider_sid == sms.provider_sid)
    ).first()
    if duplicate is not None:
        language, role = existing_sender(session, duplicate)
        return IntakeResult(duplicate.id, duplicate.ref, language, role, duplicate=True)

    sender = find_or_create_sender(session, vault, phones.normalise(sms.from_number), now)
    body, body_raw = storable_text(sms.body)
    message = InboundMessage(
        provider_sid=sms.provider_sid,
        ref=unused_ref(session, InboundMessage.ref),
        sender_id=sender.id,
        body=body,
        body_raw=body_raw,
        num_segments=sms.num_segments,
        channel=sms.channel,
        received_at=now,
    )
    session.add(message)
    session.flush()
    job = claimed_row(Job.PROCESS_MESSAGE, message.id, now)
    session.add(job)
    ledger.record(
        session,
        now,
        MessageReceived(
            ref=message.ref,
            channel=sms.channel,
            sender=sender.pseudonym,
            provider_sid=sms.provider_sid,
            chars=len(sms.body),
        ),
        Subject("message", message.id),
    )
    session.flush()
    return IntakeResult(
        message.id,
        message.ref,
        sender.language,
        sender.role,
        duplicate=False,
        outbox=OutboxItem(job.id, job.job, job.ref_id),
    )
