"""The whole system as `make run` starts it: `alerts up` with gunicorn, an RQ
worker, the scheduler and the sandbox as separate processes, driven only over
HTTP and the real twilio SDK."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from twilio.rest import Client

from alerts.core.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, Settings
from alerts.correlation.models import Incident
from alerts.correlation.timeline import incident_timeline
from alerts.messaging.twilio_sms import build_twilio_client
from alerts.supervisor import free_port, http_answers, redis_answers
from tests.conftest import ROOT
from tests.live import wait_until

pytestmark = pytest.mark.e2e

# From config/network.example.yaml: a focal point and QRF-BENI's duty phones.
FOCAL_POINT = "+243970000001"
QRF_BENI_DUTY_PHONE = "+243810000213"


@dataclass
class Running:
    process: subprocess.Popen[str]
    web_url: str
    sandbox_url: str
    settings: Settings
    output: Path

    @property
    def twilio(self) -> Client:
        return build_twilio_client(self.settings)

    def text(self, sender: str, body: str) -> dict[str, object]:
        response = requests.post(
            f"{self.sandbox_url}/_sandbox/inbound", json={"from": sender, "body": body}, timeout=15
        )
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]


def start_up(tmp_path: Path, env: dict[str, str]) -> Running:
    web_port, sandbox_port = free_port(), free_port()
    output = tmp_path / "up.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "alerts",
            "up",
            "--web",
            f"127.0.0.1:{web_port}",
            "--sandbox-port",
            str(sandbox_port),
            "--instance",
            str(tmp_path / "instance"),
        ],
        cwd=ROOT,
        env=env,
        stdout=output.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = Running(
        process,
        f"http://127.0.0.1:{web_port}",
        f"http://127.0.0.1:{sandbox_port}",
        Settings(
            twilio_account_sid=SANDBOX_ACCOUNT_SID,
            twilio_auth_token=SANDBOX_AUTH_TOKEN,
            twilio_api_base=f"http://127.0.0.1:{sandbox_port}",
        ),
        output,
    )
    try:
        wait_until(lambda: "Ready." in output.read_text() or process.poll() is not None, 60)
    finally:
        if process.poll() is not None:
            pytest.fail(f"alerts up exited early:\n{output.read_text()}")
    return running


def stop(running: Running) -> None:
    running.process.send_signal(signal.SIGINT)
    running.process.wait(30)


@pytest.fixture
def up_env(database_url: str, redis_url: str, redis: object) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALERTS_", "TWILIO_"))}
    env["ALERTS_DATABASE_URL"] = database_url
    env["ALERTS_REDIS_URL"] = redis_url
    return env


@pytest.fixture
def running(
    tmp_path: Path, up_env: dict[str, str], factory: sessionmaker[Session]
) -> Iterator[Running]:
    system = start_up(tmp_path, up_env)
    yield system
    if system.process.poll() is None:
        stop(system)


def test_sms_to_tasked_qrf_to_acknowledgement(
    running: Running, factory: sessionmaker[Session], redis_url: str
) -> None:
    reply = running.text(FOCAL_POINT, "Attaque ADF en cours 0.5447, 29.4639 tirs")
    assert reply["webhook_status"] == 200

    # Within seconds, QRF-BENI's primary duty phone has the tasking.
    duty_phone = QRF_BENI_DUTY_PHONE
    wait_until(lambda: running.twilio.messages.list(to=duty_phone), timeout_s=20)
    tasking = running.twilio.messages.list(to=duty_phone)[0].body
    with factory() as session:
        incident = session.scalars(select(Incident)).one()
    assert f"REF {incident.ref}" in tasking
    assert FOCAL_POINT not in tasking

    # The duty officer answers once the SMS has reached the phone.
    wait_until(lambda: running.twilio.messages.list(to=duty_phone)[0].status == "delivered")
    ack = running.text(duty_phone, f"ack {incident.ref}")
    assert ack["webhook_status"] == 200

    def kinds() -> list[str]:
        with factory() as session:
            return [e.kind for e in incident_timeline(session, incident.id)]

    wait_until(lambda: {"sms.delivered", "tasking.acknowledged"} <= set(kinds()), timeout_s=20)
    # The unit is told, in its language, that its ACK was recorded.
    wait_until(lambda: len(running.twilio.messages.list(to=duty_phone)) == 2, timeout_s=10)
    assert f"REF {incident.ref}: ACK" in running.twilio.messages.list(to=duty_phone)[0].body
    with factory() as session:
        timeline = incident_timeline(session, incident.id)
    expected = [
        "message.received",
        "alert.located",
        "incident.opened",
        "incident.routed",
        "tasking.sent",
        "sms.delivered",
        "message.received",  # the unit's ACK, itself an SMS in
        "tasking.acknowledged",
    ]
    seen = [e.kind for e in timeline if e.kind in expected]
    assert seen == expected, seen
    times = [e.occurred_at for e in timeline]
    assert all(t.utcoffset() is not None and t.utcoffset().total_seconds() == 0 for t in times)
    assert times == sorted(times)

    stop(running)
    assert running.process.returncode == 0
    assert "stopped" in running.output.read_text()
    assert not http_answers(f"{running.web_url}/healthz")
    assert not http_answers(f"{running.sandbox_url}/_sandbox/health")
    assert redis_answers(redis_url), "alerts up must not stop a Redis it did not start"


def test_starts_and_stops_its_own_redis_when_none_answers(
    tmp_path: Path, up_env: dict[str, str], factory: sessionmaker[Session]
) -> None:
    up_env["ALERTS_REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    running = start_up(tmp_path, up_env)
    try:
        log = running.output.read_text()
        assert "(private, started)" in log
        private_url = next(
            line.split()[1] for line in log.splitlines() if line.startswith("redis ")
        )
        assert redis_answers(private_url)
        assert running.text(FOCAL_POINT, "test")["webhook_status"] == 200
    finally:
        stop(running)
    deadline = time.monotonic() + 5
    while redis_answers(private_url) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not redis_answers(private_url)
