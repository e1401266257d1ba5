"""Sending SMS through the port: provider refusals, outages and interrupted sends."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from alerts import pipeline
from alerts.core.context import ServiceContext
from alerts.core.db.session import write_transaction
from alerts.core.ports import SmsSendError
from alerts.intake.models import InboundMessage
from alerts.messaging import outgoing as messaging
from alerts.messaging.models import OutboundMessage
from alerts.timeline.models import Event
from tests.live import FOCAL_POINT_MAVIVI, QRF_BENI_PRIMARY, LiveSystem
from workers.context import WorkerSetup


class FailingSender:
    """Our SMS port failing as Twilio can: refusing, or unreachable."""

    def __init__(self, error: SmsSendError) -> None:
        self.error = error
        self.calls = 0

    def send(self, to: str, body: str, status_callback: str | None) -> str:
        self.calls += 1
        raise self.error

    def find_sent(self, to: str, body: str, since: datetime) -> list[str]:
        return []


def queued_tasking_sms(system: LiveSystem, services: ServiceContext) -> int:
    system.text(FOCAL_POINT_MAVIVI, "attaque 0.5447, 29.4639")
    with system.factory() as session:
        message_id = session.scalars(select(InboundMessage.id)).one()
    pipeline.process_message(services, message_id)
    with system.factory() as session:
        return session.scalars(
            select(OutboundMessage.id).where(OutboundMessage.purpose == "tasking")
        ).one()


def status_of(system: LiveSystem, outbound_id: int) -> str:
    with system.factory() as session:
        message = session.get(OutboundMessage, outbound_id)
        assert message is not None
        return message.status


def test_refusal_is_recorded_as_failed_and_not_retried(system: LiveSystem) -> None:
    sender = FailingSender(SmsSendError("HTTP 400, code 21211", retryable=False, code=21211))
    services = WorkerSetup(system.settings, clock=system.clock, sms=sender).services()
    outbound_id = queued_tasking_sms(system, services)

    outcome = messaging.send(services, outbound_id)
    assert outcome.status == "failed"
    assert messaging.send(services, outbound_id).status == "failed"
    assert sender.calls == 1
    with system.factory() as session:
        event = session.scalars(select(Event).where(Event.kind == "sms.failed")).one()
        assert event.data["error_code"] == "21211" and event.incident_id is not None


def test_outage_is_raised_for_retry_and_the_retry_sends(system: LiveSystem) -> None:
    down = FailingSender(SmsSendError("Twilio unreachable", retryable=True))
    failing = WorkerSetup(system.settings, clock=system.clock, sms=down).services()
    outbound_id = queued_tasking_sms(system, failing)
    with pytest.raises(SmsSendError):
        messaging.send(failing, outbound_id)
    assert status_of(system, outbound_id) == "pending"

    working = WorkerSetup(system.settings, clock=system.clock).services()  # the real SDK
    assert messaging.send(working, outbound_id).provider_sid
    assert system.messages_to(QRF_BENI_PRIMARY)


def test_a_send_interrupted_mid_call_is_sent_again(system: LiveSystem) -> None:
    services = WorkerSetup(system.settings, clock=system.clock).services()
    outbound_id = queued_tasking_sms(system, services)
    with system.factory() as session, session.begin():
        # As if a worker was killed after claiming the send, before storing the sid,
        # longer ago than the send lease: the attempt is taken for dead.
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == outbound_id)
            .values(status="sending", send_lease_until=system.clock.now() - timedelta(seconds=1))
        )
    assert messaging.send(services, outbound_id).provider_sid
    assert status_of(system, outbound_id) in {"accepted", "sent", "delivered"}


class FixedSidSender:
    def __init__(self, sid: str) -> None:
        self.sid = sid

    def send(self, to: str, body: str, status_callback: str | None) -> str:
        return self.sid

    def find_sent(self, to: str, body: str, since: datetime) -> list[str]:
        return []


def test_a_callback_that_beat_the_api_response_is_applied_once_the_sid_is_stored(
    system: LiveSystem,
) -> None:
    sid = "SM" + "7" * 32
    with write_transaction(system.factory) as session:
        messaging.record_delivery_status(session, system.clock.now(), sid, "delivered", None)
    services = WorkerSetup(system.settings, clock=system.clock, sms=FixedSidSender(sid)).services()
    outbound_id = queued_tasking_sms(system, services)
    messaging.send(services, outbound_id)
    assert status_of(system, outbound_id) == "delivered"
    with system.factory() as session:
        kinds = [e.kind for e in session.scalars(select(Event).order_by(Event.id))]
    assert kinds[-2:] == ["tasking.sent", "sms.delivered"]


def test_a_send_still_under_its_lease_is_left_to_the_attempt_in_progress(
    system: LiveSystem,
) -> None:
    services = WorkerSetup(system.settings, clock=system.clock).services()
    outbound_id = queued_tasking_sms(system, services)
    with system.factory() as session, session.begin():
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == outbound_id)
            .values(status="sending", send_lease_until=system.clock.now() + timedelta(seconds=20))
        )
    assert messaging.send(services, outbound_id).status == "sending"
    assert system.messages_to(QRF_BENI_PRIMARY) == []
