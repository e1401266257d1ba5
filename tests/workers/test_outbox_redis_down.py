"""The webhook keeps answering while Redis is down; nothing is lost when it returns."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select

from alerts.intake.models import InboundMessage
from alerts.messaging import outbox
from alerts.messaging.models import Outbox
from alerts.supervisor import free_port, redis_answers, redis_server_command
from tests.live import FOCAL_POINT_MAVIVI, QRF_BENI_PRIMARY, LiveSystem, wait_until
from workers.queue import QUEUE_NAME, RqJobQueue
from workers.scheduler import run_scheduler


class StoppableRedis:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "redis-server"
        self.process = subprocess.Popen(
            redis_server_command(binary, self.port, self.workdir),
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not redis_answers(self.url):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def flaky_redis(tmp_path: Path) -> Iterator[StoppableRedis]:
    server = StoppableRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def test_webhook_answers_while_redis_is_down_and_relay_delivers_later(
    system: LiveSystem, flaky_redis: StoppableRedis
) -> None:
    # Point the running web app's queue at a Redis this test can stop.
    context = system.web_app.extensions["alerts"]
    system.web_app.extensions["alerts"] = dataclasses.replace(
        context, queue=RqJobQueue.from_url(flaky_redis.url)
    )
    flaky_redis.stop()

    result = system.text(FOCAL_POINT_MAVIVI, "attaque 0.5447, 29.4639, Redis est en panne")
    assert result["webhook_status"] == 200
    assert result["replies"]  # the informant still gets a reference
    with system.factory() as session:
        assert session.scalars(select(InboundMessage)).one()
        row = session.scalars(select(Outbox)).one()
        assert row.relayed_at is None and row.last_error == "ConnectionError"

    flaky_redis.start()
    settings = system.settings.replace(redis_url=flaky_redis.url)
    assert run_scheduler(settings, once=True, clock=system.clock) == 1
    queue = Queue(QUEUE_NAME, connection=Redis.from_url(flaky_redis.url))
    assert queue.job_ids == [f"outbox-{row.id}"]
    assert outbox.pending_count(system.factory) == 0
    # And the alert goes all the way: a worker on that Redis tasks the QRF.
    system.redis = Redis.from_url(flaky_redis.url)
    system.settings = settings
    system.run_workers()
    wait_until(lambda: system.messages_to(QRF_BENI_PRIMARY))
