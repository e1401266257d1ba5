"""The append-only, hash-chained timeline of every state change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from alerts.core.db.base import Model
from alerts.core.db.types import JSONDocument, UTCDateTime


class Event(Model):
    __tablename__ = "events"
    # A subject's events (a tasking's, a report's), for timelines and per-incident reads.
    __table_args__ = (Index("ix_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    # Unique: two writers can never both extend the chain from the same head.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
