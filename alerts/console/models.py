"""Console accounts and their server-side sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from alerts.core.db.base import Model
from alerts.core.db.types import UTCDateTime


class User(Model):
    """A person who uses the console, scoped to a mission and optionally a sector."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    # argon2id, with its parameters and salt in the string.
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    mission: Mapped[str] = mapped_column(String(100))
    # None: the whole mission.
    sector: Mapped[str | None] = mapped_column(String(100))
    # A CLA's own phone, so alerts she relays are hers (and located by her base).
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("senders.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ConsoleSession(Model):
    """A login, held on the server so that logging out or disabling an account
    ends it at once, whatever the browser still holds. The cookie carries a
    random token; only its SHA-256 is stored."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # logout, idle, disabled, password_reset
    end_reason: Mapped[str | None] = mapped_column(String(16))
