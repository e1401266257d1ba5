"""An order reaches its unit exactly once, though the worker sending it is killed with
SIGKILL at any step of the send: real worker and scheduler processes, the sandbox as
Twilio, on the system clock."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from rq import Worker
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from alerts.messaging.models import OutboundMessage
from tests.live import FOCAL_POINT_MAVIVI, QRF_BENI_PRIMARY, LiveSystem, wait_until
from tests.workers.processes import busy_sending, kill_session, running

pytestmark = pytest.mark.e2e

# Twilio's timeout for the workers: their send lease is twice this plus 10 s.
TWILIO_TIMEOUT_S = 3
LEASE_S = 2 * TWILIO_TIMEOUT_S + 10

STEPS = (
    "inside the call, before Twilio took the SMS",
    "after Twilio took the SMS, before it answered",
    "after Twilio answered, before the sid was recorded",
)


@pytest.mark.parametrize("step", STEPS)
def test_a_send_killed_at_any_step_reaches_the_unit_exactly_once(
    realtime_system: LiveSystem, step: str
) -> None:
    system = realtime_system
    recording = step == STEPS[2]
    if recording and not system.settings.database_url.startswith("postgresql"):
        pytest.skip("holds a row lock while the worker records the sid (use PostgreSQL)")
    with running(system, ALERTS_TWILIO_TIMEOUT_S=str(TWILIO_TIMEOUT_S)) as processes:
        wait_until(lambda: len(Worker.all(connection=system.redis)) == 2, 30)
        # "slow": Twilio holds the request, then takes it; "timeout": it takes it at
        # once, then holds the answer.
        kind = "timeout" if step == STEPS[1] else "slow"
        requests.post(f"{system.sandbox_url}/_sandbox/api_faults",
                      json={"kind": kind, "delay_s": 2}, timeout=5).raise_for_status()  # fmt: skip
        system.text(FOCAL_POINT_MAVIVI, "Attaque en cours 0.5447, 29.4639, des morts")
        wait_until(lambda: not system.sandbox.faults.pending(), 30)  # the send is in the call
        sender = busy_sending(system.redis)
        assert sender is not None
        victim = next(p for p in processes if p.pid == sender.pid)
        if recording:
            with order_row_locked(system):
                # Twilio answers after 2 s; the worker then waits for the row to record it.
                wait_until(lambda: recording_waits(system), 15)
                assert kill_session(victim.pid)
        else:
            assert kill_session(victim.pid)
        victim.wait(5)

        def order_sent() -> bool:
            with system.factory() as session:
                order = session.scalars(
                    select(OutboundMessage).where(OutboundMessage.purpose == "tasking")
                ).one()
                return order.provider_sid is not None

        # The lease runs out, the scheduler queues the SMS again, the other worker asks
        # Twilio first, finds it, and records it.
        wait_until(order_sent, LEASE_S + 20)
        time.sleep(1)  # a second send, if there were one, would have reached the sandbox
    assert len(system.messages_to(QRF_BENI_PRIMARY)) == 1


@contextmanager
def order_row_locked(system: LiveSystem) -> Iterator[Session]:
    """The tasking SMS's row, locked by this test until the block ends."""
    with system.factory() as session, session.begin():
        session.scalars(
            select(OutboundMessage).where(OutboundMessage.purpose == "tasking").with_for_update()
        ).one()
        yield session


def recording_waits(system: LiveSystem) -> bool:
    # Its own session: PostgreSQL shows a transaction one snapshot of the activity.
    with system.factory() as session:
        waiting = session.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND query ILIKE '%outbound_messages%FOR UPDATE%'"
            )
        ).scalar_one()
    return bool(waiting)
