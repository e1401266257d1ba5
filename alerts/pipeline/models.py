"""What the pipeline keeps about its own progress: messages it had to queue again,
and the heartbeats that say its processes are alive."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from alerts.core.db.base import Model
from alerts.core.db.types import JSONDocument, UTCDateTime
from alerts.intake.models import InboundMessage
from alerts.messaging.models import Outbox


class MessageRetry(Model):
    """A message that was not handled in time: how often it was queued again, the
    last error a worker met on it, and when it was declared stuck.

    A row exists only for messages that failed or lapsed: the healthy path writes none.
    """

    __tablename__ = "message_retries"

    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"), primary_key=True)
    requeues: Mapped[int] = mapped_column(Integer, default=0)
    requeued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once: from then on people decide, and the console lists it until it is handled.
    stuck_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class Heartbeat(Model):
    """The last beat of a process kind ("scheduler"): one row, whichever instance beat
    last, so a scheduler replaced by another leaves no stale row behind.

    In the database, not Redis: the scheduler keeps firing deadlines while Redis is down,
    and readiness must tell "Redis down" from "scheduler dead". `seen` is what the
    beating process observed on its tick (Redis, the RQ workers), for the console.
    """

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    seen: Mapped[dict[str, Any]] = mapped_column(JSONDocument)


# The sweep and readiness look for unhandled messages every tick; they are a handful
# among millions, so only they are indexed (intake's table, the pipeline's question).
Index(
    "ix_inbound_messages_unhandled",
    InboundMessage.received_at,
    postgresql_where=InboundMessage.handled_as.is_(None),
    sqlite_where=InboundMessage.handled_as.is_(None),
)
# The hand-overs of one message, to tell "waiting in the outbox" from "lost by the queue".
Index("ix_outbox_ref_id", Outbox.ref_id)
