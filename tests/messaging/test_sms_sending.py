"""Outgoing SMS against a misbehaving Twilio (the sandbox's API faults), paced
per sending number, and re-sent when the worker sending them died."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select, update

from alerts import pipeline
from alerts.core.context import ServiceContext
from alerts.core.db.session import write_transaction
from alerts.core.domain.jobs import Job
from alerts.core.ports import SmsSendError
from alerts.dispatch import sweeper
from alerts.messaging import outgoing as messaging
from alerts.messaging.models import OutboundMessage, Outbox
from alerts.registry.models import Sender
from alerts.timeline.models import Event
from tests.dispatch.helpers import (
    JOC_DUTY,
    JOC_DUTY_ALTERNATE,
    QRF_BUTEMBO,
    attack_at_mavivi,
    reply,
)
from tests.live import FOCAL_POINT_MAVIVI, QRF_BENI_PRIMARY, QRF_GOMA, LiveSystem, wait_until
from workers.context import WorkerSetup


def fault(system: LiveSystem, kind: str, count: int = 1, delay_s: float = 2.0) -> None:
    requests.post(
        f"{system.sandbox_url}/_sandbox/api_faults",
        json={"kind": kind, "count": count, "delay_s": delay_s},
        timeout=5,
    ).raise_for_status()


def queued_order(system: LiveSystem) -> tuple[ServiceContext, int]:
    """A tasking SMS queued but not sent: the pipeline ran, no worker ran the send job."""
    services = WorkerSetup(system.settings.replace(twilio_timeout_s=1.0), clock=system.clock)
    context = services.services()
    system.text(FOCAL_POINT_MAVIVI, "attaque 0.5447, 29.4639")
    with system.factory() as session:
        message_id = session.scalars(select(Event.subject_id).where(
            Event.kind == "message.received")).one()  # fmt: skip
    assert message_id is not None
    pipeline.process_message(context, message_id)
    with system.factory() as session:
        outbound = session.scalars(
            select(OutboundMessage.id).where(OutboundMessage.purpose == "tasking")
        ).one()
    return context, outbound


def sent_to(system: LiveSystem, number: str) -> int:
    return len(system.messages_to(number))


@pytest.mark.parametrize("kind", ["429", "500", "500_after_create", "timeout"])
def test_a_failing_twilio_call_is_retried_without_a_duplicate_send(
    system: LiveSystem, kind: str
) -> None:
    context, outbound_id = queued_order(system)
    fault(system, kind)
    with pytest.raises(SmsSendError) as raised:
        messaging.send(context, outbound_id)
    assert raised.value.retryable
    # The job queue retries: exactly one SMS reaches the unit, whatever Twilio did.
    outcome = messaging.send(context, outbound_id)
    assert outcome.provider_sid is not None
    wait_until(lambda: sent_to(system, QRF_BENI_PRIMARY) >= 1)
    assert sent_to(system, QRF_BENI_PRIMARY) == 1
    with system.factory() as session:
        message = session.get(OutboundMessage, outbound_id)
        assert message is not None and message.provider_sid == outcome.provider_sid
        retrying = session.scalars(select(Event).where(Event.kind == "sms.retrying")).one()
    assert retrying.data["ambiguous"] == (kind != "429")


def test_a_send_whose_worker_died_is_queued_again_and_not_sent_twice(system: LiveSystem) -> None:
    context, outbound_id = queued_order(system)
    fault(system, "timeout", delay_s=2.0)
    with pytest.raises(SmsSendError):
        messaging.send(context, outbound_id)  # Twilio took it; we never heard back
    with system.factory() as session, session.begin():
        # As if the worker died mid-call on the retry: "sending", its lease run out.
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == outbound_id)
            .values(status="sending", send_lease_until=system.clock.now() - timedelta(seconds=1))
        )
    result = sweeper.tick(context)
    assert result.requeued == 1
    with system.factory() as session:
        jobs = session.scalars(select(Outbox).where(Outbox.ref_id == outbound_id,
                                                    Outbox.job == Job.SEND_SMS)).all()  # fmt: skip
    assert len(jobs) == 2  # the first hand-over, and the scheduler's
    assert messaging.send(context, outbound_id).provider_sid
    wait_until(lambda: sent_to(system, QRF_BENI_PRIMARY) >= 1)
    assert sent_to(system, QRF_BENI_PRIMARY) == 1


def test_sms_are_paced_one_segment_a_second_and_a_long_queue_raises_an_alarm(
    system: LiveSystem,
) -> None:
    paced = dataclasses.replace(
        WorkerSetup(system.settings, clock=system.clock).services(), sms_segments_per_s=1.0
    )
    with write_transaction(system.factory) as session:
        joc = session.scalars(select(Sender).where(Sender.role == "contact")).first()
        assert joc is not None
        queued = [
            messaging.queue_sms(session, paced, joc, "x" * 200, purpose="escalation")
            for _ in range(160)  # two segments each: 320 s of sending
        ]
    start = system.clock.now()
    assert queued[0].not_before is None  # an idle lane sends at once
    assert queued[1].not_before == start + timedelta(seconds=2)
    assert queued[-1].not_before == start + timedelta(seconds=2 * 159)
    with system.factory() as session:
        alarm = session.scalars(select(Event).where(Event.kind == "sms.queue_alarm")).first()
        due = session.scalars(select(Outbox.due_at).order_by(Outbox.id)).all()
    assert alarm is not None and alarm.data["wait_s"] > 300
    assert due[0] is None and due[1] == start + timedelta(seconds=2)
    assert sum(1 for d in due if d is None or d <= start) == 1  # the rest wait for their slot


def test_an_escalation_that_cannot_reach_a_contact_tries_their_next_phone(
    system: LiveSystem,
) -> None:
    requests.post(
        f"{system.sandbox_url}/_sandbox/failures",
        json={"number": JOC_DUTY, "status": "failed"},
        timeout=5,
    ).raise_for_status()
    incident = attack_at_mavivi(system)
    for phone in (QRF_BENI_PRIMARY, QRF_BUTEMBO, QRF_GOMA):
        reply(system, phone, f"NO {incident.ref}")

    def failed() -> bool:
        with system.factory() as session:
            return bool(
                session.scalars(
                    select(OutboundMessage).where(OutboundMessage.status == "failed")
                ).all()
            )

    wait_until(failed)
    system.pass_time(1)
    wait_until(lambda: sent_to(system, JOC_DUTY_ALTERNATE) == 1)
    assert f"REF {incident.ref}" in system.messages_to(JOC_DUTY_ALTERNATE)[0]


def test_an_sms_whose_job_was_lost_is_queued_again_after_a_grace(system: LiveSystem) -> None:
    context, _ = queued_order(system)
    with system.factory() as session, session.begin():
        # Handed to Redis, then lost there (a flush, a failover without persistence).
        session.execute(update(Outbox).values(relayed_at=system.clock.now()))
    system.clock.advance(timedelta(seconds=60))  # type: ignore[attr-defined]
    assert sweeper.tick(context).requeued == 0  # its job may still be waiting in the queue
    system.clock.advance(timedelta(seconds=61))  # type: ignore[attr-defined]
    assert sweeper.tick(context).requeued == 1
    assert sweeper.tick(context).requeued == 0  # once per lease, not every tick
    system.sweep()
    system.run_workers()
    wait_until(lambda: sent_to(system, QRF_BENI_PRIMARY) == 1)


def test_a_sid_recorded_by_one_attempt_is_never_overwritten_by_another(
    system: LiveSystem,
) -> None:
    """Twilio hangs on a send past its lease; meanwhile a second attempt asks, finds
    nothing yet, and sends. The recipient got two SMS: the first sid recorded stays, and
    the other is kept as evidence rather than lost."""
    _, outbound_id = queued_order(system)
    # Patient enough to hear Twilio's late answer.
    context = WorkerSetup(system.settings, clock=system.clock).services()
    fault(system, "slow", delay_s=3.0)
    first = threading.Thread(target=messaging.send, args=(context, outbound_id), daemon=True)
    first.start()
    wait_until(lambda: not system.sandbox.faults.pending())  # the first is inside the call
    system.clock.advance(context.send_lease + timedelta(seconds=1))  # type: ignore[attr-defined]
    second = messaging.send(context, outbound_id)
    assert second.provider_sid is not None
    first.join(15)
    wait_until(lambda: sent_to(system, QRF_BENI_PRIMARY) == 2)
    with system.factory() as session:
        message = session.get(OutboundMessage, outbound_id)
        twice = session.scalars(select(Event).where(Event.kind == "sms.sent_twice")).one()
    assert message is not None and message.provider_sid == second.provider_sid
    assert twice.data["recorded_sid"] == second.provider_sid
    assert twice.data["other_sid"] not in (None, second.provider_sid)
