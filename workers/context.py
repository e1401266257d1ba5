"""The services' context inside a worker process, set up once at start-up.

RQ's default worker forks a child (a work horse) per job. What was read at
start-up (keyword lists, rules, the gazetteer index) is built once in the
parent and inherited by every child; connections must never cross a fork, so
each child opens its own database engine, Twilio client and Redis clients.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from alerts.bootstrap import service_context
from alerts.core.clock import Clock
from alerts.core.context import ServiceContext
from alerts.core.db.session import make_engine, session_factory
from alerts.core.ports import JobQueue, SmsSender
from alerts.core.settings import Settings
from alerts.messaging.twilio_sms import TwilioSmsSender, build_twilio_client
from alerts.timeline import live
from alerts.timeline.live_redis import RedisPublisher
from workers.queue import RqJobQueue


@dataclass
class WorkerSetup:
    settings: Settings
    clock: Clock | None = None  # the database's (see `service_context`)
    sms: SmsSender | None = None
    _services: ServiceContext | None = None
    _queue: JobQueue | None = None
    _pid: int | None = None

    def services(self) -> ServiceContext:
        if self._services is None:
            self._services = service_context(self.settings, clock=self.clock, sms=self.sms)
            self._connected()
        elif self._pid != os.getpid():
            # Inherited from the parent: drop its pool without closing its sockets, and
            # open this process's own connections; keep everything else it had read.
            self._services.factory.kw["bind"].dispose(close=False)
            sms = self.sms or TwilioSmsSender(
                build_twilio_client(self.settings), self.settings.sms_from
            )
            factory = session_factory(
                make_engine(self.settings.database_url, self.settings.db_timeouts)
            )
            self._services = dataclasses.replace(self._services, factory=factory, sms=sms)
            self._connected()
        return self._services

    def _connected(self) -> None:
        assert self._services is not None
        # Open consoles hear of this worker's events after each commit.
        live.publish_after_commit(self._services.factory, RedisPublisher(self.settings.redis_url))
        self._queue = RqJobQueue.from_url(self.settings.redis_url)
        self._pid = os.getpid()

    def warm_up(self) -> None:
        """Build what every job needs before the first fork: the gazetteer index above
        all, which takes seconds for a full GeoNames import and would otherwise be
        rebuilt by every job. Then close the parent's connections: no child may share them."""
        services = self.services()
        with services.factory() as session:
            services.locator.places.get(session)
        services.factory.kw["bind"].dispose()

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
