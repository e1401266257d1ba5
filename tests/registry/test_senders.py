"""Revealing an informant's number is role-checked and leaves an event."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.core.domain.rates import Rate, parse_rate
from alerts.core.vault import PhoneVault
from alerts.registry.senders import RevealDenied, find_or_create_sender, reveal_number
from alerts.timeline.models import Event

LIMIT = Rate(10, timedelta(hours=1))


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
            limit=LIMIT,
        )
    with pytest.raises(ValueError, match="reason"), write_transaction(factory) as session:
        reveal_number(
            session,
            vault,
            sender.id,
            actor="amina",
            actor_role="cla",
            reason="",
            now=clock.now(),
            limit=LIMIT,
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
            limit=LIMIT,
        ).number
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


def test_reveals_are_limited_per_user_and_a_refusal_is_an_event(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    limit = parse_rate("2 per 10 minutes")
    with write_transaction(factory) as session:
        sender = find_or_create_sender(session, vault, "+243970000779", clock.now())

    def reveal(actor: str) -> str | None:
        with write_transaction(factory) as session:
            outcome = reveal_number(
                session,
                vault,
                sender.id,
                actor=actor,
                actor_role="cla",
                reason="call back after a beep",
                now=clock.now(),
                limit=limit,
                incident_id=None,
                address="192.0.2.7",
            )
        assert (outcome.number is None) == (outcome.refusal is not None)
        return outcome.number

    assert reveal("user:amina") == reveal("user:amina") == "+243970000779"
    assert reveal("user:amina") is None
    assert reveal("user:claire") == "+243970000779"  # per user, not for everyone
    clock.advance(timedelta(minutes=10, seconds=1))
    assert reveal("user:amina") == "+243970000779"  # a sliding window
    with factory() as session:
        refused = session.scalars(select(Event).where(Event.kind == "sender.reveal_refused")).one()
    assert refused.actor == "user:amina" and refused.data["address"] == "192.0.2.7"
    assert "2 numbers per 10 minutes" in refused.data["refusal"]
    assert "+243970000779" not in str(refused.data)


@pytest.mark.parametrize(
    ("text", "amount", "minutes"),
    [("10 per hour", 10, 60), ("3 per 15 minutes", 3, 15), ("1 per day", 1, 1440)],
)
def test_reveal_limits_read_as_operators_write_them(text: str, amount: int, minutes: int) -> None:
    assert parse_rate(text) == Rate(amount, timedelta(minutes=minutes))


@pytest.mark.parametrize("text", ["10", "0 per hour", "ten per hour", "5 per 0 minutes"])
def test_a_malformed_reveal_limit_says_what_is_expected(text: str) -> None:
    with pytest.raises(ValueError, match="10 per hour"):
        parse_rate(text)


def test_parallel_reveals_never_pass_the_limit(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    with write_transaction(factory) as session:
        sender = find_or_create_sender(session, vault, "+243970000780", clock.now())
    start = threading.Barrier(8)

    def reveal(_: int) -> bool:
        start.wait()
        with write_transaction(factory) as session:
            outcome = reveal_number(
                session,
                vault,
                sender.id,
                actor="user:amina",
                actor_role="cla",
                reason="call back after a beep",
                now=clock.now(),
                limit=Rate(3, timedelta(hours=1)),
            )
        return outcome.number is not None

    with ThreadPoolExecutor(8) as pool:
        shown = list(pool.map(reveal, range(8)))
    assert shown.count(True) == 3
    with factory() as session:
        kinds = list(session.scalars(select(Event.kind).where(Event.actor == "user:amina")))
    assert sorted(kinds) == ["sender.number_revealed"] * 3 + ["sender.reveal_refused"] * 5
