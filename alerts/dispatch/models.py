"""Dispatch: unit taskings, deadlines the scheduler enforces, refusals and failures, call-backs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from alerts.core.db.base import Model
from alerts.core.db.types import JSONDocument, StateText, UTCDateTime
from alerts.dispatch.domain.tasking import TaskingStatus


class Deadline(Model):
    """A promise with a time: a unit must ACK, depart or arrive by `due_at`.

    Kept in the database, not in a job queue, so a killed worker or scheduler
    cannot lose it: whichever scheduler is alive fires it when it falls due.
    """

    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    tasking_id: Mapped[int | None] = mapped_column(ForeignKey("taskings.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # ack, depart, arrive
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending, fired, cancelled
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class NonCompliance(Model):
    """One order not carried out: a refusal (a conscious decline) or a failure
    (silence, no departure, no arrival, an undeliverable tasking)."""

    __tablename__ = "noncompliance"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    tasking_id: Mapped[int] = mapped_column(ForeignKey("taskings.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    base_id: Mapped[int | None] = mapped_column(ForeignKey("bases.id"))
    category: Mapped[str] = mapped_column(String(16), index=True)  # refusal, failure
    trigger: Mapped[str] = mapped_column(String(32))
    reason_code: Mapped[str] = mapped_column(String(32))
    # The unit's own words, verbatim: evidence, never summarised.
    reason_text: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(64))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CallbackTask(Model):
    """A beep (missed call) the CLA must answer by calling the focal point back."""

    __tablename__ = "callback_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(12), unique=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"), unique=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    caller_id: Mapped[int] = mapped_column(ForeignKey("senders.id"))
    cla_id: Mapped[int | None] = mapped_column(ForeignKey("senders.id"))
    status: Mapped[str] = mapped_column(String(16), index=True)  # open, done
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Tasking(Model):
    """An order to one unit to respond to one incident."""

    __tablename__ = "taskings"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    status: Mapped[TaskingStatus] = mapped_column(StateText(TaskingStatus, 16), index=True)
    decision: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason_text: Mapped[str | None] = mapped_column(Text)
    # Which duty phone the order last went to (0 = primary), and how often it was re-sent.
    phone_rank: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    resent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Estimated travel time from the unit's base, notice to move excluded.
    travel_s: Mapped[int | None] = mapped_column(Integer)
