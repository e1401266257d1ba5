"""A live system in the test process: web app and sandbox on loopback ports,
real Redis, real RQ workers run in burst mode, and the real twilio SDK."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import requests
from flask import Flask
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy.orm import Session, sessionmaker
from twilio.rest import Client
from werkzeug.serving import BaseWSGIServer, make_server

from alerts.cli.network import read_network_file
from alerts.core.clock import Clock, FakeClock
from alerts.core.settings import Settings
from alerts.core.vault import PhoneVault
from alerts.messaging.twilio_sms import build_twilio_client
from alerts.network.load import load_network
from alerts.sandbox.app import SandboxApp
from workers import context, scheduler
from workers.health import probe_client
from workers.queue import QUEUE_NAMES

ALERT_NUMBER = "+243810009999"
FOCAL_POINT_MAVIVI = "+243970000001"
FOCAL_POINT_KIWANJA = "+243970000002"
QRF_BENI_PRIMARY = "+243810000201"
QRF_BENI_ALTERNATE = "+243810000202"
QRF_GOMA = "+243810000221"


def process_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment for an `alerts` worker or scheduler process of this system:
    the test's settings, none of the shell's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALERTS_", "TWILIO_"))}
    env |= {
        "ALERTS_DATABASE_URL": settings.database_url,
        "ALERTS_REDIS_URL": settings.redis_url,
        "ALERTS_PUBLIC_URL": settings.public_url,
        "ALERTS_DATA_KEY": settings.data_key or "",
        "ALERTS_LOG_KEY": settings.log_key or "",
        "ALERTS_KEYWORDS_DIR": str(settings.keywords_dir),
        "ALERTS_CORRELATION_FILE": str(settings.correlation_file),
        "ALERTS_DISPATCH_FILE": str(settings.dispatch_file),
        "ALERTS_SMS_FROM": settings.sms_from,
        "ALERTS_SMS_SEGMENTS_PER_S": str(settings.sms_segments_per_s),
        "ALERTS_SPOOL_DIR": str(settings.spool_dir),
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "TWILIO_API_BASE": settings.twilio_api_base or "",
        "ALERTS_LOG_LEVEL": "WARNING",
    }
    return env | extra


def serve(app: Flask, port: int) -> BaseWSGIServer:
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server


def wait_until(condition: Callable[[], object], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met within the time allowed")
        time.sleep(0.05)


def load_test_network(
    factory: sessionmaker[Session], vault: PhoneVault, clock: Clock, path: Path
) -> None:
    load_network(factory, vault, read_network_file(path), clock.now())


@dataclass
class LiveSystem:
    settings: Settings
    factory: sessionmaker[Session]
    sandbox: SandboxApp
    sandbox_url: str
    web_url: str
    redis: Redis
    clock: Clock
    web_app: Flask

    @property
    def twilio(self) -> Client:
        return build_twilio_client(self.settings)

    def text(self, sender: str, body: str, sid: str | None = None) -> dict[str, object]:
        """An SMS from `sender`, posted to the app by the sandbox exactly as Twilio would."""
        payload = {"from": sender, "body": body}
        if sid:
            payload["sid"] = sid
        response = requests.post(f"{self.sandbox_url}/_sandbox/inbound", json=payload, timeout=15)
        response.raise_for_status()
        result: dict[str, object] = response.json()
        return result

    def run_workers(self) -> None:
        """Drain the queues with a real RQ worker, in burst mode, in this process, highest
        priority first, as `alerts worker` does."""
        context.install(context.WorkerSetup(self.settings, clock=self.clock))
        queues = [Queue(name, connection=self.redis) for name in QUEUE_NAMES]
        SimpleWorker(queues, connection=self.redis).work(burst=True, with_scheduler=False)

    def messages_to(self, number: str) -> list[str]:
        """Bodies of the SMS sent to `number`, newest first."""
        return [m.body for m in self.twilio.messages.list(to=number)]

    def call(self, caller: str) -> dict[str, object]:
        """A beep: `caller` rings the alert number and the sandbox asks the voice webhook."""
        response = requests.post(f"{self.sandbox_url}/_sandbox/call", json={"from": caller},
                                 timeout=15)  # fmt: skip
        response.raise_for_status()
        result: dict[str, object] = response.json()
        return result

    def sweep(self) -> None:
        """One scheduler tick at the fake clock's time: deadlines, failed SMS, lost
        messages, the outbox. (No heartbeat: `beat` does that.)"""
        setup = context.WorkerSetup(self.settings, clock=self.clock)
        scheduler.tick(setup.services(), setup.queue(), self.settings.health)

    def beat(self) -> None:
        """The scheduler's heartbeat at the fake clock's time."""
        setup = context.WorkerSetup(self.settings, clock=self.clock)
        scheduler.beat(setup.services(), probe_client(self.settings.redis_url),
                       self.settings.health)  # fmt: skip

    def pass_time(self, seconds: float) -> None:
        """Move the fake clock on, then let the scheduler and the workers do what falls due."""
        assert isinstance(self.clock, FakeClock), "only a fake clock can be moved on"
        self.clock.advance(timedelta(seconds=seconds))
        self.sweep()
        self.run_workers()
