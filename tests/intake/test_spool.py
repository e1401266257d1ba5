"""SMS that arrive while the database is down are kept on disk, answered with a
reference, and stored once, each with its receive time and reference, when it is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import select

from alerts.core.clock import FakeClock
from alerts.core.db.session import make_engine, session_factory
from alerts.core.vault import PhoneVault
from alerts.db import migrate
from alerts.intake.models import InboundMessage
from alerts.timeline.models import Event
from tests.conftest import live_system
from tests.live import FOCAL_POINT_KIWANJA, FOCAL_POINT_MAVIVI, LiveSystem, wait_until
from tests.private_postgres import PrivatePostgres, private_postgres


@pytest.fixture
def database() -> Iterator[PrivatePostgres]:
    with private_postgres() as server:
        migrate.upgrade(server.url)
        yield server


@pytest.fixture
def on_private_database(
    database: PrivatePostgres, redis: Redis, redis_url: str, clock: FakeClock, vault: PhoneVault
) -> Iterator[LiveSystem]:
    engine = make_engine(database.url)
    with live_system(
        session_factory(engine), redis, redis_url, database.url, clock, vault
    ) as system:
        yield system
    engine.dispose()


def test_sms_arriving_while_the_database_is_down_are_stored_once_when_it_is_back(
    on_private_database: LiveSystem, database: PrivatePostgres
) -> None:
    system = on_private_database
    system.text(FOCAL_POINT_MAVIVI, "Attaque en cours 0.5447, 29.4639")  # before the outage
    database.stop()
    answers = [
        system.text(FOCAL_POINT_KIWANJA, f"Tirs a Kiwanja, maisons brulees ({n})") for n in range(5)
    ]
    assert all(a["webhook_status"] == 200 for a in answers)
    spool = system.settings.spool_dir
    kept = [path.read_text("utf-8") for path in spool.glob("*.json")]
    assert len(kept) == 5
    assert not any(FOCAL_POINT_KIWANJA.lstrip("+") in text for text in kept)  # encrypted
    database.start()
    wait_until(lambda: not list(spool.glob("*.json")), timeout_s=30)
    system.run_workers()

    with system.factory() as session:
        stored = {m.provider_sid: m for m in session.scalars(select(InboundMessage))}
        recovered = session.scalars(select(Event).where(Event.kind == "message.recovered")).all()
    assert len(stored) == 6
    for answer in answers:
        message = stored[str(answer["sid"])]
        assert message.ref in str(answer["replies"])  # the reference the informant was told
        assert message.handled_as in {"alert", "duplicate"}
    assert sorted(e.data["source"] for e in recovered) == ["spool"] * 5


def test_with_neither_the_database_nor_the_spool_the_webhook_answers_503(
    on_private_database: LiveSystem, database: PrivatePostgres
) -> None:
    system = on_private_database
    # A spool that cannot be written: its directory would have to live inside a file.
    system.web_app.extensions["alerts"].spool.directory = Path("/dev/null/spool")
    database.stop()
    answer = system.text(FOCAL_POINT_KIWANJA, "Tirs a Kiwanja")
    # Twilio keeps the SMS in its records; the recoverer fetches it back later.
    assert answer["webhook_status"] == 503
