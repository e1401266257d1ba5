"""SMS going out, their receipts, the sending lane, and the outbox that hands work on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from alerts.core.db.base import Model
from alerts.core.db.types import UTCDateTime
from alerts.core.domain.jobs import Priority


class SmsLane(Model):
    """One sending number's pace: carriers take about one segment a second from
    a long code, so each SMS gets the next free slot of its lane."""

    __tablename__ = "sms_lanes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Our own alert number (public), never an informant's.
    from_number: Mapped[str] = mapped_column(String(32), unique=True)
    next_free_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The end of the last order's slot: orders and escalations go before the others.
    urgent_free_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboundMessage(Model):
    """An SMS we send: a tasking, a reply, a help text."""

    __tablename__ = "outbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("senders.id"), index=True)
    tasking_id: Mapped[int | None] = mapped_column(ForeignKey("taskings.id"), index=True)
    # The incident it is about, so its delivery shows in that incident's timeline.
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    error_code: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    segments: Mapped[int | None] = mapped_column(Integer)
    # The lane slot it waits for (rate limit), and how long a send attempt may take
    # before the scheduler asks the provider whether it went, then tries again.
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    send_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A failed or undelivered SMS is acted on once (another phone, escalation), by the scheduler.
    failure_handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The answer to a CLA's NUM: the body holds a placeholder, and this sender's
    # number is decrypted into it only at the moment of sending.
    reveals_sender_id: Mapped[int | None] = mapped_column(ForeignKey("senders.id"))


class Outbox(Model):
    """Work to enqueue once its transaction has committed.

    Written in the same transaction as the data it refers to, so a job can
    never be lost to a Redis outage, nor run before its data exists.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    ref_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Not to be enqueued before this (a paced SMS); None: at once.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    relayed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    # The queue it waits in (a `Priority`), decided by its writer, kept across relays.
    priority: Mapped[str] = mapped_column(
        String(16), default=Priority.ALERTS, server_default=Priority.ALERTS.value
    )


class DeliveryReceipt(Model):
    """A status callback exactly as received, kept even before its sid is known.

    A carrier can report "sent" before the API call that created the message
    has returned its sid to us; such receipts are applied once the sid is stored.
    """

    __tablename__ = "delivery_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_sid: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
