"""Console accounts and server-side sessions.

Passwords are hashed with argon2id. A session is a random token in the
browser's (signed) cookie and its SHA-256 here: logging out, an idle timeout,
disabling the account or resetting its password end it on the server, whatever
the browser still holds.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alerts.console.domain.events import UserAdded, UserDisabled, UserPasswordReset
from alerts.console.domain.roles import ROLES, is_role
from alerts.console.domain.scope import Scope
from alerts.console.models import ConsoleSession, User
from alerts.registry.models import Sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

log = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
# A shift is twelve hours; nobody stays logged in across two.
MAX_SESSION = timedelta(hours=14)
# Writing last_seen on every request would make each page view a write.
TOUCH_EVERY = timedelta(seconds=30)

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both cases take as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """An account operation makes no sense as asked; the message says why."""


@dataclass(frozen=True)
class CurrentUser:
    """Who is behind a request: what handlers and templates may know of them."""

    id: int
    username: str
    role: str
    mission: str
    sector: str | None
    sender_id: int | None
    session_id: int

    @property
    def scope(self) -> Scope:
        return Scope(self.role, self.mission, self.sector)

    @property
    def actor(self) -> str:
        """How the timeline names this person."""
        return f"user:{self.username}"


def generate_password() -> str:
    return secrets.token_urlsafe(15)


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username.strip().lower())).first()


def add_user(
    session: Session,
    now: datetime,
    *,
    username: str,
    password: str,
    role: str,
    mission: str,
    sector: str | None = None,
    sender_pseudonym: str | None = None,
    actor: str = "cli",
) -> User:
    username = username.strip().lower()
    if (
        not username
        or len(username) > 64
        or not username.replace(".", "").replace("_", "").replace("-", "").isalnum()
    ):
        raise AccountError("a username is 1-64 letters, digits, '.', '_' or '-'")
    if not is_role(role):
        raise AccountError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if not mission.strip():
        raise AccountError("every account belongs to a mission")
    if find_user(session, username) is not None:
        raise AccountError(f"user {username!r} exists already")
    sender_id = None
    if sender_pseudonym:
        sender = session.scalars(
            select(Sender).where(Sender.pseudonym == sender_pseudonym.strip())
        ).first()
        if sender is None or sender.role != "cla":
            raise AccountError(f"{sender_pseudonym!r} is not the pseudonym of a registered CLA")
        sender_id = sender.id
    user = User(
        username=username,
        password_hash=_hasher.hash(_check_password(password)),
        role=role,
        mission=mission.strip(),
        sector=(sector or "").strip() or None,
        sender_id=sender_id,
        created_at=now,
        password_changed_at=now,
    )
    session.add(user)
    session.flush()
    ledger.record(
        session,
        now,
        UserAdded(username=username, role=role, mission=user.mission, sector=user.sector),
        Subject("user", user.id),
        actor=actor,
    )
    return user


def ensure_first_admin(session: Session, now: datetime, mission: str) -> str | None:
    """On a database with no account at all, add `admin` with a generated password.

    Returns the password to show once, or None if any account exists already.
    Never a fixed default password: each installation gets its own.
    """
    if session.scalar(select(User.id).limit(1)) is not None:
        return None
    password = generate_password()
    add_user(
        session,
        now,
        username="admin",
        password=password,
        role="admin",
        mission=mission,
        actor="alerts up",
    )
    return password


def _require(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user


def _end_sessions(session: Session, user_id: int, now: datetime, reason: str) -> int:
    result = session.execute(
        update(ConsoleSession)
        .where(ConsoleSession.user_id == user_id, ConsoleSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def disable_user(session: Session, now: datetime, username: str, *, actor: str = "cli") -> int:
    """Disable an account and end its sessions at once. Returns the sessions ended."""
    user = _require(session, username)
    if user.disabled_at is None:
        user.disabled_at = now
    ended = _end_sessions(session, user.id, now, "disabled")
    ledger.record(
        session,
        now,
        UserDisabled(username=user.username, sessions_ended=ended),
        Subject("user", user.id),
        actor=actor,
    )
    return ended


def reset_password(
    session: Session, now: datetime, username: str, password: str, *, actor: str = "cli"
) -> None:
    """A new password; every session of the account ends. Re-enables a disabled account."""
    user = _require(session, username)
    user.password_hash = _hasher.hash(_check_password(password))
    user.password_changed_at = now
    was_disabled = user.disabled_at is not None
    user.disabled_at = None
    ended = _end_sessions(session, user.id, now, "password_reset")
    ledger.record(
        session,
        now,
        UserPasswordReset(username=user.username, sessions_ended=ended, re_enabled=was_disabled),
        Subject("user", user.id),
        actor=actor,
    )


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this password, or None. Unknown names cost as much time."""
    user = find_user(session, username)
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled_at is not None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def start_session(session: Session, user: User, now: datetime) -> str:
    """A new server-side session; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            token_hash=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now
        )
    )
    session.flush()
    return token


def _current(user: User, row: ConsoleSession) -> CurrentUser:
    return CurrentUser(
        id=user.id,
        username=user.username,
        role=user.role,
        mission=user.mission,
        sector=user.sector,
        sender_id=user.sender_id,
        session_id=row.id,
    )


def session_user(
    session: Session, token: str, now: datetime, idle: timedelta, *, touch: bool
) -> CurrentUser | None:
    """The user of a live session, or None once it has ended (ending it if idle).

    Args:
        touch: count this request as activity (the live stream does not).
    """
    row = session.scalars(
        select(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token))
    ).first()
    if row is None or row.ended_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled_at is not None:
        row.ended_at, row.end_reason = now, "disabled"
        return None
    if now - row.last_seen_at > idle or now - row.created_at > MAX_SESSION:
        row.ended_at, row.end_reason = now, "idle"
        log.info("console session %s of user %s ended: idle", row.id, user.username)
        return None
    if touch and now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    return _current(user, row)


def end_session(session: Session, token: str, now: datetime, reason: str = "logout") -> None:
    row = session.scalars(
        select(ConsoleSession).where(ConsoleSession.token_hash == _token_hash(token))
    ).first()
    if row is not None and row.ended_at is None:
        row.ended_at, row.end_reason = now, reason
