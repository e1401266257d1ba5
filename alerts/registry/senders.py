"""Who sent a message: registered informants, staff and unit phones, or strangers."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

from alerts.core.db.inserts import insert_unless_taken, table_of
from alerts.core.vault import PhoneVault
from alerts.registry.domain.events import SenderFirstSeen, SenderNumberRevealed
from alerts.registry.models import Sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

# Roles allowed to see an informant's real number, e.g. to call back a beep.
REVEAL_ROLES = frozenset({"cla", "admin"})

log = logging.getLogger(__name__)


class RevealDenied(PermissionError):
    pass


def find_sender(session: Session, vault: PhoneVault, number: str) -> Sender | None:
    return session.scalars(
        select(Sender).where(Sender.number_hash == vault.lookup_hash(number))
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


_BY_HASH = select(Sender.id, Sender.pseudonym, Sender.role, Sender.language).where(
    Sender.number_hash == bindparam("number_hash")
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
    known = _by_hash(session, number_hash)
    if known is not None:
        return known
    connection = session.connection()
    values = {
        "number_encrypted": vault.encrypt(number),
        "number_hash": number_hash,
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
        known = _by_hash(session, number_hash)
        if known is not None:
            return known
    raise RuntimeError("no free pseudonym after 8 attempts; the data key may be broken")


def _by_hash(session: Session, number_hash: str) -> KnownSender | None:
    row = session.connection().execute(_BY_HASH, {"number_hash": number_hash}).first()
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
) -> str:
    """Decrypt one number for a person entitled to it, leaving an event behind."""
    if actor_role not in REVEAL_ROLES:
        log.warning("security: %s (role %s) was refused a number reveal", actor, actor_role)
        raise RevealDenied(f"role {actor_role!r} may not reveal phone numbers")
    if len(reason.strip()) < 5:
        raise ValueError("give a reason of at least a few words to reveal a number")
    sender = session.get(Sender, sender_id)
    if sender is None:
        raise LookupError(f"no sender {sender_id}")
    ledger.record(
        session,
        now,
        SenderNumberRevealed(reason=reason.strip(), pseudonym=sender.pseudonym),
        Subject("sender", sender_id),
        actor=actor,
    )
    return vault.decrypt(sender.number_encrypted)
