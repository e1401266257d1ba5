"""SMS as they came in: stored verbatim, once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from alerts.core.db.base import Model
from alerts.core.db.types import UTCDateTime


class InboundMessage(Model):
    """An SMS exactly as it arrived. Nothing here is ever edited."""

    __tablename__ = "inbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_sid: Mapped[str] = mapped_column(String(64), unique=True)
    ref: Mapped[str] = mapped_column(String(12), unique=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("senders.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    # The exact UTF-8 bytes, kept only when `body` could not hold them (a NUL
    # byte, which PostgreSQL text refuses), so nothing that arrived is lost.
    body_raw: Mapped[bytes | None] = mapped_column(LargeBinary)
    num_segments: Mapped[int | None] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(16), default="sms")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Processing state, not content: what the worker made of it, and when.
    handled_as: Mapped[str | None] = mapped_column(String(16))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The same sender's same words again: kept and linked, but no second report.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("inbound_messages.id"))
