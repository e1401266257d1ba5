"""Re-keying every stored number under a new data key (`alerts keys rotate`).

The vault is built with the new key and the keys it replaces (MultiFernet, new key
first), so every process keeps reading and recognising numbers while this runs: a
sender is looked up by each key's hash until no row is left under an old one.

Rows are re-keyed in batches, one transaction each, in id order. `senders.key_id`
records which key a row is under, so an interrupted run loses at most its open
batch, and the next run starts with what is left.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.session import hold_rows, write_transaction
from alerts.core.vault import PhoneVault, VaultError
from alerts.registry.domain.events import SenderNumbersRekeyed
from alerts.registry.models import Sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

BATCH_SIZE = 200


class RotationError(Exception):
    """A row cannot be re-keyed. The message names the sender by pseudonym only."""


def _under_another_key(vault: PhoneVault) -> ColumnElement[bool]:
    return and_(
        Sender.number_erased_at.is_(None),
        or_(Sender.key_id.is_(None), Sender.key_id != vault.key_id),
    )


def numbers_left(session: Session, vault: PhoneVault) -> int:
    """Stored numbers not yet under the vault's current key."""
    query = select(func.count()).select_from(Sender).where(_under_another_key(vault))
    return session.scalar(query) or 0


def rotate_numbers(
    factory: sessionmaker[Session],
    vault: PhoneVault,
    now: Callable[[], datetime],
    *,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], None] = lambda _done: None,
) -> int:
    """Re-encrypt and re-hash every number not under the current key; how many.

    `on_batch` hears how many rows each committed batch re-keyed (for a progress
    bar). Once nothing is left, an event records the count, and nothing else.

    Raises:
        RotationError: a number decrypts under none of the configured keys, or its
            new hash is already another sender's. Batches before it stay done.
    """
    rekeyed, after_id = 0, 0
    while True:
        with write_transaction(factory) as session:
            ids, done = _rotate_batch(session, vault, after_id, batch_size)
        if not ids:
            break
        after_id = ids[-1]
        if done:
            rekeyed += done
            on_batch(done)
    if rekeyed:
        with write_transaction(factory) as session:
            event = SenderNumbersRekeyed(key_id=vault.key_id, rekeyed=rekeyed)
            ledger.record(session, now(), event, Subject("senders", None), actor="operator")
    return rekeyed


def _rotate_batch(
    session: Session, vault: PhoneVault, after_id: int, size: int
) -> tuple[list[int], int]:
    """Re-key the next `size` rows after `after_id`: their ids, and how many it re-keyed."""
    ids = session.scalars(
        select(Sender.id)
        .where(_under_another_key(vault), Sender.id > after_id)
        .order_by(Sender.id)
        .limit(size)
    ).all()
    # Held so that no reveal or send reads a row half re-keyed; read again once held,
    # since a purge or another rotation may have got there first.
    senders = [
        sender
        for sender in hold_rows(session, Sender, ids)
        if sender.number_erased_at is None and sender.key_id != vault.key_id
    ]
    for sender in senders:
        try:
            number = vault.decrypt(sender.number_encrypted)
        except VaultError:
            raise RotationError(
                f"cannot decrypt the number of {sender.pseudonym} with ALERTS_DATA_KEY or "
                "ALERTS_DATA_KEY_PREVIOUS: set the key it was stored under in "
                "ALERTS_DATA_KEY_PREVIOUS and run `alerts keys rotate` again"
            ) from None
        sender.number_encrypted = vault.encrypt(number)
        sender.number_hash = vault.lookup_hash(number)
        sender.key_id = vault.key_id
        try:
            session.flush()
        except IntegrityError:
            raise RotationError(
                f"the new lookup hash of {sender.pseudonym} is already another sender's: "
                "the same phone was registered twice, by a process still running with only "
                "the old key. Merge or retire one of them, then run `alerts keys rotate` again"
            ) from None
    return list(ids), len(senders)
