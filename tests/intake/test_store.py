"""intake.receive: one short transaction per SMS, idempotent on the sid, no plain number."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import FakeClock
from alerts.core.domain.refs import new_ref
from alerts.core.vault import PhoneVault
from alerts.intake import store
from alerts.intake.models import InboundMessage
from alerts.messaging.models import Outbox
from alerts.registry.models import Sender
from alerts.timeline.models import Event

STRANGER = "+243970005555"


def sms(sid: str, body: str = "attaque au marché", sender: str = STRANGER) -> store.InboundSms:
    return store.InboundSms(provider_sid=sid, from_number=sender, body=body, num_segments=1)


def count(factory: sessionmaker[Session], model: type) -> int:
    with factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_one_sms_gives_a_message_a_claimed_outbox_row_and_its_events(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    result = store.receive(factory, vault, sms("SM" + "1" * 32), clock.now())
    assert not result.duplicate and result.sender_role == "unregistered"
    assert result.outbox is not None and result.outbox.ref_id == result.message_id
    with factory() as session:
        message = session.get(InboundMessage, result.message_id)
        assert message is not None and message.ref == result.ref
        assert message.body == "attaque au marché" and message.received_at == clock.now()
        row = session.get(Outbox, result.outbox.id)
        assert row is not None and row.relayed_at is None and row.claimed_until is not None
        sender = session.scalars(select(Sender)).one()
        assert STRANGER.encode() not in sender.number_encrypted
        assert vault.decrypt(sender.number_encrypted) == STRANGER
        kinds = session.scalars(select(Event.kind).order_by(Event.id)).all()
        received = session.scalars(select(Event).where(Event.kind == "message.received")).one()
    assert kinds == ["sender.first_seen", "message.received"]
    assert received.subject_id == result.message_id and received.data["ref"] == result.ref
    assert STRANGER not in str(received.data) and sender.pseudonym in str(received.data)


def test_the_same_sid_again_gives_the_same_answer_and_nothing_new(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    first = store.receive(factory, vault, sms("SM" + "2" * 32), clock.now())
    again = store.receive(factory, vault, sms("SM" + "2" * 32), clock.now())
    assert again.duplicate and again.outbox is None
    assert (again.message_id, again.ref, again.sender_role) == (
        first.message_id,
        first.ref,
        first.sender_role,
    )
    assert count(factory, InboundMessage) == count(factory, Outbox) == 1
    assert count(factory, Sender) == 1 and count(factory, Event) == 2


def test_a_taken_reference_is_drawn_again(
    factory: sessionmaker[Session],
    vault: PhoneVault,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = store.receive(factory, vault, sms("SM" + "3" * 32), clock.now())
    draws: Iterator[str] = iter([first.ref, first.ref, "KKKKK"])
    monkeypatch.setattr(store, "new_ref", lambda: next(draws))
    second = store.receive(factory, vault, sms("SM" + "4" * 32), clock.now())
    assert not second.duplicate and second.ref == "KKKKK"
    assert count(factory, InboundMessage) == 2


def test_references_that_are_always_taken_fail_loudly_and_store_nothing(
    factory: sessionmaker[Session],
    vault: PhoneVault,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    taken = store.receive(factory, vault, sms("SM" + "5" * 32), clock.now()).ref
    monkeypatch.setattr(store, "new_ref", lambda: taken)
    with pytest.raises(RuntimeError, match="free reference"):
        store.receive(factory, vault, sms("SM" + "6" * 32), clock.now())
    assert count(factory, InboundMessage) == 1
    assert new_ref() != ""  # the real one is untouched


def test_a_stranger_whose_pseudonym_is_taken_gets_the_next_one(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    other = "+243970006666"
    number_hash = vault.lookup_hash(STRANGER)
    with factory() as session, session.begin():
        # Someone else already holds the pseudonym the stranger's hash gives first.
        session.add(
            Sender(
                pseudonym=vault.pseudonym("unregistered", number_hash, 0),
                number_encrypted=vault.encrypt(other),
                number_hash=vault.lookup_hash(other),
                role="unregistered",
                registered=False,
                created_at=clock.now(),
            )
        )
    store.receive(factory, vault, sms("SM" + "7" * 32), clock.now())
    with factory() as session:
        sender = session.scalars(select(Sender).where(Sender.number_hash == number_hash)).one()
    assert sender.pseudonym == vault.pseudonym("unregistered", number_hash, 1)
