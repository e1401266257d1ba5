"""Escalations fire on time from the database, even when a worker is killed with
SIGKILL in the middle of a job: two real RQ worker processes and the real
scheduler process, on the system clock, through the Twilio sandbox."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
from rq import Worker
from sqlalchemy import select

from alerts.correlation.models import Incident
from alerts.dispatch.models import Deadline
from alerts.timeline.models import Event
from tests.dispatch.helpers import BENI_COMMANDER
from tests.live import FOCAL_POINT_MAVIVI, LiveSystem, wait_until
from tests.workers.processes import busy_sending, kill_session, running

pytestmark = pytest.mark.e2e

ACK_TIMEOUT_S = 4
ON_TIME_S = 5.0


@pytest.fixture
def processes(realtime_system: LiveSystem) -> Iterator[list[subprocess.Popen[bytes]]]:
    with running(realtime_system, ALERTS_ACK_TIMEOUT_S=str(ACK_TIMEOUT_S),
                 ALERTS_TWILIO_TIMEOUT_S="30") as started:  # fmt: skip
        yield started


def test_an_escalation_fires_on_time_though_the_worker_sending_the_order_was_killed(
    realtime_system: LiveSystem, processes: list[subprocess.Popen[bytes]]
) -> None:
    system = realtime_system
    wait_until(lambda: len(Worker.all(connection=system.redis)) == 2, 30)
    # Twilio hangs on the first send: the worker sending the order is stuck inside the job.
    requests.post(f"{system.sandbox_url}/_sandbox/api_faults",
                  json={"kind": "slow", "delay_s": 60}, timeout=5).raise_for_status()  # fmt: skip
    system.text(FOCAL_POINT_MAVIVI, "Attaque en cours 0.5447, 29.4639, des morts")
    # Inside the call: Twilio (the sandbox) has taken the request and hangs on it.
    wait_until(lambda: not system.sandbox.faults.pending(), 30)
    stuck = busy_sending(system.redis)
    assert stuck is not None
    victim = next(p for p in processes if p.pid == stuck.pid)
    killed = kill_session(victim.pid)
    killed_at = time.monotonic()
    assert victim.pid in killed and len(killed) >= 2, killed  # the horse in the send too
    victim.wait(5)

    def deadline_fired() -> Event | None:
        with system.factory() as session:
            return session.scalars(
                select(Event).where(Event.kind == "tasking.deadline_missed")
            ).first()

    wait_until(deadline_fired, ACK_TIMEOUT_S + 15)
    with system.factory() as session:
        deadline = session.scalars(select(Deadline).order_by(Deadline.id)).first()
        incident = session.scalars(select(Incident)).one()
    assert deadline is not None and deadline.settled_at is not None
    fired = deadline_fired()
    assert fired is not None
    assert timedelta(0) <= fired.occurred_at - deadline.due_at <= timedelta(seconds=ON_TIME_S)
    # The surviving worker carries the escalation's SMS to the base commander.
    wait_until(lambda: system.messages_to(BENI_COMMANDER), ON_TIME_S + 10)
    commander = system.twilio.messages.list(to=BENI_COMMANDER)[0]
    assert f"REF {incident.ref}" in commander.body
    assert commander.date_created is not None
    assert commander.date_created - deadline.due_at <= timedelta(seconds=ON_TIME_S)
    assert time.monotonic() - killed_at < 60  # long before RQ would notice the dead worker
