"""`alerts keys rotate`'s service: every number re-keyed, senders still recognised."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.core.vault import PhoneVault, VaultError, generate_key
from alerts.registry.models import Sender
from alerts.registry.rotation import RotationError, numbers_left, rotate_numbers
from alerts.registry.senders import find_or_create_sender
from alerts.timeline.models import Event

NUMBERS = [f"+24397000{n:04d}" for n in range(5)]


def store(factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock) -> dict[str, str]:
    """The numbers' pseudonyms, stored under `vault`'s key."""
    pseudonyms = {}
    for number in NUMBERS:
        with write_transaction(factory) as session:
            pseudonyms[number] = find_or_create_sender(
                session, vault, number, clock.now()
            ).pseudonym
    return pseudonyms


def recognised(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> dict[str, str]:
    with write_transaction(factory) as session:
        return {n: find_or_create_sender(session, vault, n, clock.now()).pseudonym for n in NUMBERS}


def test_rotation_rekeys_every_number_and_senders_are_still_recognised(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    old_key, new_key = generate_key(), generate_key()
    pseudonyms = store(factory, PhoneVault(old_key), clock)
    rotating = PhoneVault(new_key, [old_key])
    # Mid-rotation (nothing re-keyed yet) every sender is recognised by the old hash.
    assert recognised(factory, rotating, clock) == pseudonyms
    with factory() as session:
        assert numbers_left(session, rotating) == len(NUMBERS)

    assert rotate_numbers(factory, rotating, clock.now, batch_size=2) == len(NUMBERS)

    new_only = PhoneVault(new_key)
    with factory() as session:
        assert numbers_left(session, new_only) == 0
        senders = session.scalars(select(Sender).order_by(Sender.id)).all()
        assert [new_only.decrypt(s.number_encrypted) for s in senders] == NUMBERS
        with pytest.raises(VaultError):
            PhoneVault(old_key).decrypt(senders[0].number_encrypted)
        event = session.scalars(select(Event).where(Event.kind == "sender.numbers_rekeyed")).one()
    # The old key is no longer needed: an SMS from a known number maps to its pseudonym.
    assert recognised(factory, new_only, clock) == pseudonyms
    assert event.data == {"key_id": new_only.key_id, "rekeyed": len(NUMBERS)}
    assert not any(number[1:] in str(event.data) for number in NUMBERS)
    with factory() as session:
        assert session.scalar(select(Sender.id).where(Sender.key_id != new_only.key_id)) is None


def test_an_interrupted_rotation_resumes_where_it_stopped(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    old_key, new_key = generate_key(), generate_key()
    pseudonyms = store(factory, PhoneVault(old_key), clock)
    rotating = PhoneVault(new_key, [old_key])

    def interrupt(_done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotate_numbers(factory, rotating, clock.now, batch_size=2, on_batch=interrupt)
    with factory() as session:
        assert numbers_left(session, rotating) == len(NUMBERS) - 2
    # Half done: both old and new hashes find their senders.
    assert recognised(factory, rotating, clock) == pseudonyms

    assert rotate_numbers(factory, rotating, clock.now, batch_size=2) == len(NUMBERS) - 2
    with factory() as session:
        assert numbers_left(session, rotating) == 0
    assert recognised(factory, PhoneVault(new_key), clock) == pseudonyms
    assert rotate_numbers(factory, rotating, clock.now) == 0


def test_a_number_no_key_reads_stops_the_rotation_without_showing_it(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    pseudonyms = store(factory, PhoneVault(generate_key()), clock)
    with pytest.raises(RotationError) as raised:
        rotate_numbers(factory, PhoneVault(generate_key(), [generate_key()]), clock.now)
    message = str(raised.value)
    assert pseudonyms[NUMBERS[0]] in message
    assert not any(number[1:] in message for number in NUMBERS)


def test_an_erased_number_is_left_alone(factory: sessionmaker[Session], clock: FakeClock) -> None:
    old_key, new_key = generate_key(), generate_key()
    store(factory, PhoneVault(old_key), clock)
    with write_transaction(factory) as session:
        erased = session.scalars(select(Sender).order_by(Sender.id)).first()
        assert erased is not None
        erased.number_encrypted, erased.number_hash = b"", f"erased:{erased.id}"
        erased.number_erased_at = clock.now()
    rotating = PhoneVault(new_key, [old_key])
    assert rotate_numbers(factory, rotating, clock.now) == len(NUMBERS) - 1
    with factory() as session:
        assert numbers_left(session, rotating) == 0
