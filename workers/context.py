"""The services' context inside a worker process, set up once at start-up.

RQ's default worker forks a child per job. A database connection must never
cross a fork, so the engine and clients are built lazily, per process id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from alerts.adapters.live_redis import RedisPublisher
from alerts.bootstrap import service_context
from alerts.clock import Clock, SystemClock
from alerts.services import live
from alerts.services.context import ServiceContext
from alerts.services.ports import JobQueue, SmsSender
from alerts.settings import Settings
from workers.queue import RqJobQueue


@dataclass
class WorkerSetup:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    sms: SmsSender | None = None
    _services: ServiceContext | None = None
    _queue: JobQueue | None = None
    _pid: int | None = None

    def _fresh(self) -> bool:
        return self._services is not None and self._pid == os.getpid()

    def services(self) -> ServiceContext:
        if not self._fresh():
            if self._services is not None:
                # Inherited from the parent: drop its pool without closing its sockets.
                engine = self._services.factory.kw["bind"]
                engine.dispose(close=False)
            self._services = service_context(self.settings, clock=self.clock, sms=self.sms)
            # Open consoles hear of this worker's events after each commit.
            live.publish_after_commit(
                self._services.factory, RedisPublisher(self.settings.redis_url)
            )
            self._queue = RqJobQueue.from_url(self.settings.redis_url)
            self._pid = os.getpid()
        assert self._services is not None
        return self._services

    def queue(self) -> JobQueue:
        self.services()
        assert self._queue is not None
        return self._queue


_setup: WorkerSetup | None = None


def install(setup: WorkerSetup) -> None:
    """Called by the worker's start-up (or a test) before any job runs."""
    global _setup
    _setup = setup


def current() -> WorkerSetup:
    if _setup is None:
        raise RuntimeError(
            "worker not set up: start it with `alerts worker`, which reads the settings"
        )
    return _setup
