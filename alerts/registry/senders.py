"""Who sent a message: registered informants, staff and unit phones, or strangers."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from alerts.core.db.inserts import insert_unless_taken, table_of
from alerts.core.domain.rates import Rate
from alerts.core.vault import PhoneVault
from alerts.registry.domain.events import (
    SenderFirstSeen,
    SenderNumberRevealed,
    SenderRevealRefused,
)
from alerts.registry.domain.reveals import over_limit
from alerts.registry.models import Sender
from alerts.timeline import ledger
from alerts.timeline.domain.kinds import EventKind
from alerts.timeline.ledger import Subject
from alerts.timeline.models import Event

# Roles allowed to see an informant's real number, e.g. to call back a beep.
REVEAL_ROLES = frozenset({"cla", "admin"})

log = logging.getLogger(__name__)


class RevealDenied(PermissionError):
    pass


@dataclass(frozen=True)
class Reveal:
    """A reveal's outcome: the number, or why it was refused (an event either way)."""

    number: str | None
    refusal: str | None = None


def find_sender(session: Session, vault: PhoneVault, number: str) -> Sender | None:
    return session.scalars(
        select(Sender).where(Sender.number_hash.in_(vault.lookup_hashes(number)))
    ).first()


def unique_pseudonym(session: Session, vault: PhoneVault, role: str, number_hash: str) -> str:
    for attempt in range(8):
        pseudonym = vault.pseudonym(role, number_hash, attempt)
        if session.scalar(select(Sender.id).where(Sender.pseudonym == pseudonym)) is None:
            return pseudonym
    raise RuntimeError("no free pseudonym after 8 attempts; the data key may be broken")


@dataclass(frozen=True)
class KnownSender:
    """What intake needs of a sender: no ORM object, no number."""

    id: int
    pseudonym: str
    role: str
    language: str | None


# Every key's hash (`PhoneVault.lookup_hashes`): while `alerts keys rotate` runs, a
# sender may still be stored under the previous key's.
_BY_HASH = select(Sender.id, Sender.pseudonym, Sender.role, Sender.language).where(
    Sender.number_hash.in_(bindparam("number_hashes", expanding=True))
)


@functools.cache
def _register(dialect: str) -> Insert:
    return insert_unless_taken(dialect, Sender).returning(table_of(Sender).c.id)


def find_or_create_sender(
    session: Session, vault: PhoneVault, number: str, now: datetime
) -> KnownSender:
    """The sender of `number`, creating an unregistered one for a stranger.

    A stranger's alert is still an alert; they just have no home village yet.

    On the webhook's hot path: a known number costs one indexed read of the keyed
    hash (a blind index: nothing is decrypted), a stranger one insert more.
    """
    number_hash = vault.lookup_hash(number)
    known = _by_hash(session, vault.lookup_hashes(number))
    if known is not None:
        return known
    connection = session.connection()
    values = {
        "number_encrypted": vault.encrypt(number),
        "number_hash": number_hash,
        "key_id": vault.key_id,
        "role": "unregistered",
        "registered": False,
        "created_at": now,
    }
    for attempt in range(8):
        pseudonym = vault.pseudonym("unregistered", number_hash, attempt)
        statement = _register(connection.dialect.name)
        sender_id = connection.execute(statement, {**values, "pseudonym": pseudonym}).scalar()
        if sender_id is not None:
            ledger.append(
                session, now, SenderFirstSeen(pseudonym=pseudonym), Subject("sender", sender_id)
            )
            return KnownSender(sender_id, pseudonym, "unregistered", None)
        # Either another request registered this stranger a moment ago (PostgreSQL
        # waited for it to commit), or, once in a blue moon, the pseudonym is taken.
        known = _by_hash(session, vault.lookup_hashes(number))
        if known is not None:
            return known
    raise RuntimeError("no free pseudonym after 8 attempts; the data key may be broken")


def _by_hash(session: Session, number_hashes: tuple[str, ...]) -> KnownSender | None:
    row = session.connection().execute(_BY_HASH, {"number_hashes": number_hashes}).first()
    return None if row is None else KnownSender(row.id, row.pseudonym, row.role, row.language)


def reveal_number(
    session: Session,
    vault: PhoneVault,
    sender_id: int,
    *,
    actor: str,
    actor_role: str,
    reason: str,
    now: datetime,
    limit: Rate,
    incident_id: int | None = None,
    address: str | None = None,
) -> Reveal:
    """Decrypt one number for a person entitled to it, leaving an event behind.

    The event names the incident it was asked for (and lands in that incident's
    timeline) and the client's address. At most `limit` reveals per actor: one
    more is refused, and the refusal is an event too, so the caller must commit.

    Raises:
        RevealDenied: the role may not reveal numbers (logged, no event).
        ValueError: no reason given.
    """
    if actor_role not in REVEAL_ROLES:
        log.warning("security: %s (role %s) was refused a number reveal", actor, actor_role)
        raise RevealDenied(f"role {actor_role!r} may not reveal phone numbers")
    if len(reason.strip()) < 5:
        raise ValueError("give a reason of at least a few words to reveal a number")
    sender = session.get(Sender, sender_id)
    if sender is None:
        raise LookupError(f"no sender {sender_id}")
    subject = Subject("sender", sender_id)
    refusal = over_limit(_recent_reveals(session, actor, now - limit.window), limit)
    if refusal is not None:
        log.warning("security: %s was refused a number reveal: over the reveal limit", actor)
        event = SenderRevealRefused(sender.pseudonym, refusal, incident_id, address)
        ledger.record(session, now, event, subject, actor=actor, incident_id=incident_id)
        return Reveal(None, refusal)
    revealed = SenderNumberRevealed(reason.strip(), sender.pseudonym, incident_id, address)
    ledger.record(session, now, revealed, subject, actor=actor, incident_id=incident_id)
    return Reveal(vault.decrypt(sender.number_encrypted))


def _recent_reveals(session: Session, actor: str, since: datetime) -> int:
    """The actor's console reveals since `since`, counted from the log itself.

    On PostgreSQL one actor's reveals queue on an advisory lock held to the end of
    the transaction, so parallel requests cannot all pass the count before any is
    written; SQLite serialises writers anyway.
    """
    if session.connection().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext('sender.reveal'), hashtext(:actor))"),
            {"actor": actor},
        )
    count = session.scalar(
        select(func.count(Event.id)).where(
            Event.kind == EventKind.SENDER_NUMBER_REVEALED,
            Event.actor == actor,
            Event.subject_type == "sender",
            Event.occurred_at > since,
        )
    )
    return int(count or 0)
