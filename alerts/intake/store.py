"""Taking an SMS in: store it verbatim, once, and queue it for processing."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.dml import Insert

from alerts.core.db.inserts import insert_unless_taken, table_of
from alerts.core.db.session import write_transaction
from alerts.core.domain import phones
from alerts.core.domain.jobs import Job
from alerts.core.domain.refs import new_ref
from alerts.core.vault import PhoneVault
from alerts.intake.domain.events import MessageReceived, MessageRecovered
from alerts.intake.domain.priority import message_priority
from alerts.intake.models import InboundMessage
from alerts.messaging.models import Outbox
from alerts.messaging.outbox import OutboxItem, claimed_row
from alerts.registry.models import Sender
from alerts.registry.senders import KnownSender, find_or_create_sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

# A fresh reference is already taken as often as the share of the 22**5 (5.2 million)
# in use: 2% at 100,000 messages. Twenty taken in a row means something else is wrong.
REF_ATTEMPTS = 20


@dataclass(frozen=True)
class InboundSms:
    provider_sid: str
    from_number: str
    body: str
    num_segments: int | None = None
    channel: str = "sms"
    # Set for an SMS stored late (spooled while the database was down, or fetched back
    # from the provider): when it was received, where it was kept, and the reference
    # the informant was already told, if any.
    received_at: datetime | None = None
    recovered_from: str | None = None
    ref: str | None = None


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
    """Store one inbound SMS, its outbox row and its event in one short transaction.

    Idempotent on the provider's sid: a carrier retry, or five identical posts
    racing each other, give one message and one job, and each caller gets the
    same reference back.

    The hot path of a flood, so it is written for it: no shared lock (events are
    plain inserts that the sequencer seals after commit), Core inserts that return
    their ids instead of ORM flushes, and the sid's uniqueness checked by the
    insert itself rather than by a read before it.
    """
    number = phones.normalise(sms.from_number)
    with write_transaction(factory) as session:
        sender = find_or_create_sender(session, vault, number, now)
        for attempt in range(REF_ATTEMPTS):
            ref = sms.ref if attempt == 0 and sms.ref else new_ref()
            message_id = _insert_message(session, sms, ref, sender.id, now)
            if message_id is not None:
                return _queued(session, sms, message_id, ref, sender, now)
            duplicate = _stored_as(session, sms.provider_sid)
            if duplicate is not None:
                return duplicate
            # Neither: the fresh reference was taken. Draw another.
    raise RuntimeError("could not find a free reference; widen REF_LENGTH")


@functools.cache
def _insert_message_statement(dialect: str) -> Insert:
    return insert_unless_taken(dialect, InboundMessage).returning(table_of(InboundMessage).c.id)


def _insert_message(
    session: Session, sms: InboundSms, ref: str, sender_id: int, now: datetime
) -> int | None:
    """The new message's id, or None if its sid (or, rarely, its ref) is taken."""
    body, body_raw = storable_text(sms.body)
    connection = session.connection()
    values = {
        "provider_sid": sms.provider_sid,
        "ref": ref,
        "sender_id": sender_id,
        "body": body,
        "body_raw": body_raw,
        "num_segments": sms.num_segments,
        "channel": sms.channel,
        "received_at": sms.received_at or now,
    }
    statement = _insert_message_statement(connection.dialect.name)
    message_id: int | None = connection.execute(statement, values).scalar()
    return message_id


_INSERT_OUTBOX = insert(table_of(Outbox)).returning(table_of(Outbox).c.id)


def _queued(
    session: Session,
    sms: InboundSms,
    message_id: int,
    ref: str,
    sender: KnownSender,
    now: datetime,
) -> IntakeResult:
    """Add the message's outbox row (claimed for this request) and its event."""
    row = claimed_row(Job.PROCESS_MESSAGE, message_id, now, message_priority(sender.role))
    values = {
        "job": row.job,
        "ref_id": row.ref_id,
        "created_at": row.created_at,
        "claimed_until": row.claimed_until,
        "attempts": row.attempts,
        "priority": row.priority,
    }
    outbox_id: int = session.connection().execute(_INSERT_OUTBOX, values).scalar_one()
    ledger.append(
        session,
        now,
        MessageReceived(
            ref=ref,
            channel=sms.channel,
            sender=sender.pseudonym,
            provider_sid=sms.provider_sid,
            chars=len(sms.body),
        ),
        Subject("message", message_id),
    )
    if sms.recovered_from is not None:
        received_at = sms.received_at or now
        ledger.append(
            session,
            now,
            MessageRecovered(
                source=sms.recovered_from,
                received_at=received_at.isoformat(),
                late_s=round((now - received_at).total_seconds()),
            ),
            Subject("message", message_id),
        )
    return IntakeResult(
        message_id,
        ref,
        sender.language,
        sender.role,
        duplicate=False,
        outbox=OutboxItem(outbox_id, row.job, message_id, row.priority),
    )


_STORED_AS = (
    select(InboundMessage.id, InboundMessage.ref, Sender.language, Sender.role)
    .outerjoin(Sender, Sender.id == InboundMessage.sender_id)
    .where(InboundMessage.provider_sid == bindparam("provider_sid"))
)


def _stored_as(session: Session, provider_sid: str) -> IntakeResult | None:
    """The answer already given for this sid, if a message holds it."""
    row = session.connection().execute(_STORED_AS, {"provider_sid": provider_sid}).first()
    if row is None:
        return None
    role = row.role or "unregistered"
    return IntakeResult(row.id, row.ref, row.language, role, duplicate=True)
