"""A full Redis (maxmemory with noeviction, as deploy/ sets it) refuses jobs: the
SMS is stored, its job waits in the outbox, readiness and the console say so, and
the scheduler relays it once memory is freed."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import OutOfMemoryError
from sqlalchemy import select

from alerts.intake.models import InboundMessage
from alerts.messaging.models import Outbox
from alerts.timeline.models import Event
from alerts.web import create_app
from tests.live import FOCAL_POINT_KIWANJA, QRF_BENI_PRIMARY, LiveSystem, wait_until
from tests.private_redis import private_redis
from tests.web.console.helpers import add_user, logged_in_client
from workers.queue import RqJobQueue
from workers.scheduler import run_scheduler

TINY = ("--maxmemory", "4mb", "--maxmemory-policy", "noeviction")


def fill(redis: Redis) -> list[str]:
    """Ballast until Redis refuses a write; returns the keys, to free them later."""
    keys: list[str] = []
    with pytest.raises(OutOfMemoryError):
        while True:
            redis.set(f"ballast:{len(keys)}", b"x" * 64 * 1024)
            keys.append(f"ballast:{len(keys)}")
    return keys


def test_a_full_redis_keeps_jobs_in_the_outbox_until_memory_is_freed(
    system: LiveSystem, tmp_path: Path
) -> None:
    with private_redis(tmp_path, *TINY) as server:
        redis = Redis.from_url(server.url)
        context = system.web_app.extensions["alerts"]
        system.web_app.extensions["alerts"] = dataclasses.replace(
            context, queue=RqJobQueue.from_url(server.url)
        )
        settings = system.settings.replace(redis_url=server.url)
        ballast = fill(redis)

        result = system.text(FOCAL_POINT_KIWANJA, "Attaque en cours 0.5447, 29.4639")
        assert result["webhook_status"] == 200 and result["replies"]  # stored, answered
        with system.factory() as session:
            assert session.scalars(select(InboundMessage)).one().handled_as is None
            row = session.scalars(select(Outbox)).one()
            assert row.relayed_at is None and row.last_error == "OutOfMemoryError"

        assert run_scheduler(settings, once=True, clock=system.clock) == 0  # it waits
        readyz = create_app(settings, clock=system.clock).test_client().get("/readyz")
        assert readyz.status_code == 503 and readyz.get_json()["failing"] == ["redis"]
        assert "memory" in readyz.get_json()["checks"]["redis"]["problem"]
        add_user(system.factory, system.clock, "amina", "joc_officer")
        console = logged_in_client(system, "amina")
        rows = console.get("/console/queue/rows").get_data(as_text=True)
        assert "Redis cannot take jobs" in rows and "Jobs waiting in the outbox" in rows

        # However long it waits there, it is not "lost": it is not queued twice.
        lapse = settings.health.reprocess_after + timedelta(seconds=1)
        system.clock.advance(lapse)  # type: ignore[attr-defined]
        assert run_scheduler(settings, once=True, clock=system.clock) == 0
        with system.factory() as session:
            requeued = select(Event).where(Event.kind == "message.requeued")
            assert session.scalars(requeued).all() == []

        redis.delete(*ballast)
        assert run_scheduler(settings, once=True, clock=system.clock) == 1
        with system.factory() as session:
            assert session.scalars(select(Outbox)).one().relayed_at is not None
        system.redis, system.settings = redis, settings
        system.run_workers()
        wait_until(lambda: system.messages_to(QRF_BENI_PRIMARY))
        readyz = create_app(settings, clock=system.clock).test_client().get("/readyz")
        assert readyz.status_code == 200
        rows = console.get("/console/queue/rows").get_data(as_text=True)
        assert "Redis cannot take jobs" not in rows and "Jobs waiting in the outbox" not in rows
