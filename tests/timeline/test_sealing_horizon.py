"""The sequencer never seals past a running writer, whatever role it runs as.

pg_stat_activity hides other roles' queries from a role without pg_read_all_stats, but
not their transaction ids: an ordinary role's horizon still stops at another's writer.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from alerts.timeline.sequencer import _oldest_running_writer


@pytest.fixture
def unprivileged_role(engine: Engine) -> Iterator[str]:
    if engine.dialect.name != "postgresql":
        pytest.skip("transaction ids and pg_stat_activity are PostgreSQL's")
    role = f"alerts_test_seq_{secrets.token_hex(4)}"
    with engine.begin() as connection:
        connection.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
    yield role
    with engine.begin() as connection:
        connection.execute(text(f'DROP ROLE "{role}"'))


@pytest.mark.parametrize("as_unprivileged", [False, True])
def test_the_horizon_stays_at_or_below_a_running_writer(
    factory: sessionmaker[Session], unprivileged_role: str, as_unprivileged: bool
) -> None:
    writer = factory()
    writer.begin()
    running = int(writer.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one())
    try:
        with factory() as session, session.begin():
            if as_unprivileged:
                session.execute(text(f'SET LOCAL ROLE "{unprivileged_role}"'))
            assert _oldest_running_writer(session) <= running
    finally:
        writer.rollback()
        writer.close()
