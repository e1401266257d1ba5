"""On PostgreSQL the application's role cannot change or remove events (migration 0007).

The trigger refuses every role that is not a superuser, whatever it was
granted: here a role with every privilege on every table, as the app's own
role or the tables' owner would have.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject
from alerts.timeline.log_key import generate_log_key, load_log_key
from alerts.timeline.sequencer import seal_all
from tests.timeline.raw_event import RawEvent


@pytest.fixture
def app_role(engine: Engine, factory: sessionmaker[Session]) -> Iterator[str]:
    if engine.dialect.name != "postgresql":
        pytest.skip("roles and triggers are PostgreSQL's; SQLite relies on the hash chain")
    role = f"alerts_test_app_{secrets.token_hex(4)}"
    with engine.begin() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar_one()
        connection.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
        connection.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
        connection.execute(text(f'GRANT ALL ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'))
        connection.execute(text(f'GRANT ALL ON ALL SEQUENCES IN SCHEMA "{schema}" TO "{role}"'))
    yield role
    with engine.begin() as connection:
        connection.execute(text(f'DROP OWNED BY "{role}"'))
        connection.execute(text(f'DROP ROLE "{role}"'))


def as_role(session: Session, role: str) -> None:
    session.execute(text(f'SET LOCAL ROLE "{role}"'))


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE events SET data = '{\"n\": 99}'",
        "UPDATE events SET occurred_at = occurred_at - interval '1 hour'",
        "DELETE FROM events",
        "TRUNCATE events CASCADE",
    ],
)
def test_the_app_role_cannot_rewrite_the_timeline(
    app_role: str, factory: sessionmaker[Session], clock: FakeClock, statement: str
) -> None:
    with write_transaction(factory) as session:
        as_role(session, app_role)
        ledger.record(session, clock.now(), RawEvent("test.event", {"n": 1}), Subject("test", 1))
    with (
        pytest.raises(DBAPIError, match="events are append-only") as raised,
        factory() as session,
        session.begin(),
    ):
        as_role(session, app_role)
        session.execute(text(statement))
    assert getattr(raised.value.orig, "sqlstate", None) == "42501"  # insufficient_privilege
    with factory() as session:
        assert session.execute(text("SELECT data FROM events")).scalar_one() == {"n": 1}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE log_leaves SET leaf_hash = repeat('0', 64)",
        "DELETE FROM log_leaves",
        "UPDATE tree_heads SET root_hash = repeat('0', 64)",
        "DELETE FROM tree_heads",
        "UPDATE log_nodes SET hash = repeat('0', 64)",
        "TRUNCATE log_nodes",
    ],
)
def test_the_app_role_cannot_rewrite_the_log(
    app_role: str, factory: sessionmaker[Session], clock: FakeClock, statement: str
) -> None:
    for n in range(2):  # two leaves make a node
        with write_transaction(factory) as session:
            ledger.record(session, clock.now(), RawEvent("test.event", {"n": n}), Subject("t", n))
    seal_all(factory, load_log_key(generate_log_key()), clock.now())
    with (
        pytest.raises(DBAPIError, match="the log is append-only") as raised,
        factory() as session,
        session.begin(),
    ):
        as_role(session, app_role)
        session.execute(text(statement))
    assert getattr(raised.value.orig, "sqlstate", None) == "42501"


def test_the_app_role_still_appends_and_changes_other_tables(
    app_role: str, factory: sessionmaker[Session], clock: FakeClock
) -> None:
    for n in range(3):
        with write_transaction(factory) as session:
            as_role(session, app_role)
            event = RawEvent("test.event", {"n": n})
            ledger.record(session, clock.now(), event, Subject("test", n))
    with factory() as session, session.begin():
        as_role(session, app_role)
        session.execute(text("INSERT INTO missions (name) VALUES ('MONUSCO')"))
        session.execute(text("UPDATE missions SET name = 'UNMISS'"))
        session.execute(text("DELETE FROM missions"))
    with factory() as session:
        assert session.execute(text("SELECT count(*) FROM events")).scalar_one() == 3
