"""Revealing an informant's number is role-checked and leaves an event."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.core.vault import PhoneVault
from alerts.registry.senders import RevealDenied, find_or_create_sender, reveal_number
from alerts.timeline.models import Event


def test_reveal_needs_a_role_and_a_reason_and_is_recorded(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    with write_transaction(factory) as session:
        sender = find_or_create_sender(session, vault, "+243970000777", clock.now())
    with pytest.raises(RevealDenied), write_transaction(factory) as session:
        reveal_number(
            session,
            vault,
            sender.id,
            actor="eva",
            actor_role="evaluator",
            reason="curious",
            now=clock.now(),
        )
    with pytest.raises(ValueError, match="reason"), write_transaction(factory) as session:
        reveal_number(
            session, vault, sender.id, actor="amina", actor_role="cla", reason="", now=clock.now()
        )
    with write_transaction(factory) as session:
        number = reveal_number(
            session,
            vault,
            sender.id,
            actor="amina",
            actor_role="cla",
            reason="call back after a beep",
            now=clock.now(),
        )
    assert number == "+243970000777"
    with factory() as session:
        event = session.scalars(select(Event).where(Event.kind == "sender.number_revealed")).one()
    assert event.actor == "amina" and event.data["reason"] == "call back after a beep"
    assert "+243970000777" not in str(event.data)


def test_a_stranger_is_recognised_next_time(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    with write_transaction(factory) as session:
        first = find_or_create_sender(session, vault, "+243970000778", clock.now())
    with write_transaction(factory) as session:
        again = find_or_create_sender(session, vault, "+243970000778", clock.now())
    assert again.id == first.id and first.pseudonym.startswith("UNREG-")
    assert len(first.pseudonym) == len("UNREG-") + 10
