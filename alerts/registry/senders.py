"""Who sent a message: registered informants, staff and unit phones, or strangers."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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


def find_or_create_sender(
    session: Session, vault: PhoneVault, number: str, now: datetime
) -> Sender:
    """The sender of `number`, creating an unregistered one for a stranger.

    A stranger's alert is still an alert; they just have no home village yet.
    """
    sender = find_sender(session, vault, number)
    if sender is not None:
        return sender
    number_hash = vault.lookup_hash(number)
    sender = Sender(
        pseudonym=unique_pseudonym(session, vault, "unregistered", number_hash),
        number_encrypted=vault.encrypt(number),
        number_hash=number_hash,
        role="unregistered",
        registered=False,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(sender)
    except IntegrityError:
        # Another request registered the same stranger a moment ago.
        existing = find_sender(session, vault, number)
        if existing is None:
            raise
        return existing
    ledger.record(
        session,
        now,
        SenderFirstSeen(pseudonym=sender.pseudonym),
        Subject("sender", sender.id),
    )
    return sender


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
