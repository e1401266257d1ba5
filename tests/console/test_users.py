"""Accounts and server-side sessions: argon2, logout, disable, reset, idle timeout."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from alerts.console import users
from alerts.console.models import User
from alerts.console.users import AccountError
from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction

IDLE = timedelta(minutes=30)
PASSWORD = "correct horse battery"


def add(factory: sessionmaker[Session], clock: FakeClock, name: str = "amina") -> None:
    with write_transaction(factory) as session:
        users.add_user(
            session,
            clock.now(),
            username=name,
            password=PASSWORD,
            role="joc_officer",
            mission="MONUSCO",
            sector="Beni",
        )


def login(factory: sessionmaker[Session], clock: FakeClock, name: str = "amina") -> str:
    with write_transaction(factory) as session:
        user = users.authenticate(session, name, PASSWORD)
        assert user is not None
        return users.start_session(session, user, clock.now())


def current(factory: sessionmaker[Session], clock: FakeClock, token: str) -> object:
    with write_transaction(factory) as session:
        return users.session_user(session, token, clock.now(), IDLE, touch=True)


def test_password_is_hashed_with_argon2(factory: sessionmaker[Session], clock: FakeClock) -> None:
    add(factory, clock)
    with factory() as session:
        user = users.find_user(session, "Amina")
        assert isinstance(user, User)
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert users.authenticate(session, "amina", "wrong password!") is None
        assert users.authenticate(session, "nobody", PASSWORD) is None


def test_logout_ends_the_session_on_the_server(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    add(factory, clock)
    token = login(factory, clock)
    assert current(factory, clock, token) is not None
    with write_transaction(factory) as session:
        users.end_session(session, token, clock.now())
    assert current(factory, clock, token) is None


def test_disable_and_reset_end_sessions(factory: sessionmaker[Session], clock: FakeClock) -> None:
    add(factory, clock)
    token = login(factory, clock)
    with write_transaction(factory) as session:
        assert users.disable_user(session, clock.now(), "amina") == 1
    assert current(factory, clock, token) is None
    with factory() as session:
        assert users.authenticate(session, "amina", PASSWORD) is None
    with write_transaction(factory) as session:
        users.reset_password(session, clock.now(), "amina", "another long password")
    with factory() as session:
        assert users.authenticate(session, "amina", "another long password") is not None


def test_idle_timeout(factory: sessionmaker[Session], clock: FakeClock) -> None:
    add(factory, clock)
    token = login(factory, clock)
    clock.advance(timedelta(minutes=29))
    assert current(factory, clock, token) is not None
    clock.advance(timedelta(minutes=29))
    assert current(factory, clock, token) is not None  # the last request counted
    clock.advance(timedelta(minutes=31))
    assert current(factory, clock, token) is None


def test_refuses_bad_accounts(factory: sessionmaker[Session], clock: FakeClock) -> None:
    with write_transaction(factory) as session:
        with pytest.raises(AccountError, match="role"):
            users.add_user(
                session, clock.now(), username="x", password=PASSWORD, role="god", mission="M"
            )
        with pytest.raises(AccountError, match="12 characters"):
            users.add_user(
                session, clock.now(), username="x", password="short", role="cla", mission="M"
            )
