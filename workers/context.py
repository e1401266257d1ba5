"""The services' context inside a worker process, set up once at start-up.

RQ's default worker forks a child per job. A database connection must never
cross a fork, so the engine and clients are built lazily, per process id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from alerts.adapters.correlation_rules import load_correlation_rules
from alerts.adapters.geocoder import HttpGeocoder
from alerts.adapters.keywords import load_keyword_lists
from alerts.adapters.twilio_sms import TwilioSmsSender, build_twilio_client
from alerts.adapters.vault import PhoneVault
from alerts.clock import Clock, SystemClock
from alerts.db.session import make_engine, session_factory
from alerts.services.context import ServiceContext
from alerts.services.locating import Geocoder, Locator, PlaceIndexCache
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
            engine = make_engine(self.settings.database_url)
            sms = self.sms or TwilioSmsSender(
                build_twilio_client(self.settings), self.settings.sms_from
            )
            self._services = ServiceContext(
                factory=session_factory(engine),
                vault=PhoneVault(self.settings.require_data_key()),
                clock=self.clock,
                sms=sms,
                status_callback_url=self.settings.url_for("/sms/twilio/status"),
                locator=Locator(PlaceIndexCache(), geocoder_from(self.settings)),
                keywords=load_keyword_lists(self.settings.keywords_dir),
                correlation=load_correlation_rules(self.settings.correlation_file),
                duplicate_window=self.settings.duplicate_window,
                same_sender_window=self.settings.same_sender_window,
                default_language=self.settings.default_language,
            )
            self._queue = RqJobQueue.from_url(self.settings.redis_url)
            self._pid = os.getpid()
        assert self._services is not None
        return self._services

    def queue(self) -> JobQueue:
        self.services()
        assert self._queue is not None
        return self._queue


def geocoder_from(settings: Settings) -> Geocoder | None:
    if not settings.geocoder_url:
        return None
    return HttpGeocoder(
        settings.geocoder_url,
        "photon" if settings.geocoder_kind == "photon" else "nominatim",
        timeout_s=settings.geocoder_timeout_s,
        min_interval_s=settings.geocoder_min_interval_s,
    )


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
