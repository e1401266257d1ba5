"""Dispatch at its edges: odd network data, phones that cannot be reached, and
staff commands that must not do more than their sender may."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlalchemy import select, update

from alerts.core.db.session import write_transaction
from alerts.core.ports import SmsSendError
from alerts.dispatch import sweeper
from alerts.dispatch.models import CallbackTask
from alerts.messaging import outgoing as messaging
from alerts.messaging.models import OutboundMessage
from alerts.registry.models import Sender, Unit
from alerts.timeline.models import Event
from tests.dispatch.helpers import (
    BENI_COMMANDER,
    CLA_BENI,
    attack_at_mavivi,
    records,
    reply,
    sms_to,
    taskings,
)
from tests.live import FOCAL_POINT_MAVIVI, QRF_BENI_PRIMARY, LiveSystem, wait_until
from workers.context import WorkerSetup


def events(system: LiveSystem, kind: str) -> list[Event]:
    with system.factory() as session:
        return list(session.scalars(select(Event).where(Event.kind == kind)))


def test_a_callsign_outside_gsm7_still_gets_its_escalation_out(system: LiveSystem) -> None:
    with system.factory() as session, session.begin():
        beni = session.scalars(select(Unit).where(Unit.callsign == "QRF-BENI")).one()
        beni.callsign = "QRF Bôma ✓"
    incident = attack_at_mavivi(system)
    reply(system, QRF_BENI_PRIMARY, f"NO {incident.ref}")
    escalation = sms_to(system, BENI_COMMANDER)[0]
    assert "QRF Boma ? declined" in escalation and f"ACK {incident.ref}" in escalation


def test_a_unit_with_no_duty_phone_escalates_at_the_next_tick(system: LiveSystem) -> None:
    with system.factory() as session, session.begin():
        beni = session.scalars(select(Unit).where(Unit.callsign == "QRF-BENI")).one()
        session.execute(update(Sender).where(Sender.unit_id == beni.id).values(duty_rank=None))
    attack_at_mavivi(system)
    system.pass_time(1)
    assert taskings(system) == [("QRF-BENI", "lapsed"), ("QRF-BUTEMBO", "pending")]
    assert [(r.trigger, r.reason_code) for r in records(system)] == [
        ("undelivered", "communication")
    ]


def test_a_retry_is_not_fooled_by_the_same_words_sent_before(system: LiveSystem) -> None:
    """Two identical replies to one phone; the second's call times out after Twilio took
    it. The check before the retry must find the second, not the first."""
    services = WorkerSetup(system.settings.replace(twilio_timeout_s=1.0), clock=system.clock)
    context = services.services()
    with system.factory() as session:
        cla = session.scalars(select(Sender).where(Sender.role == "cla")).one()
    with write_transaction(system.factory) as session:
        first = messaging.queue_sms(session, context, cla, "Merci.", purpose="reply").id
        second = messaging.queue_sms(session, context, cla, "Merci.", purpose="reply").id
    assert messaging.send(context, first).provider_sid
    requests.post(f"{system.sandbox_url}/_sandbox/api_faults",
                  json={"kind": "timeout", "delay_s": 2}, timeout=5).raise_for_status()  # fmt: skip
    with pytest.raises(SmsSendError):  # the timeout, raised for the job queue to retry
        messaging.send(context, second)
    outcome = messaging.send(context, second)
    with system.factory() as session:
        sids = session.scalars(select(OutboundMessage.provider_sid)).all()
    assert outcome.provider_sid is not None and len(set(sids)) == 2
    wait_until(lambda: len(system.messages_to(CLA_BENI)) == 2)  # two sent, none twice


def test_an_sms_that_keeps_failing_to_go_is_failed_after_its_attempts(
    system: LiveSystem,
) -> None:
    context = WorkerSetup(system.settings, clock=system.clock).services()
    attack_at_mavivi(system)
    with system.factory() as session, session.begin():
        session.execute(
            update(OutboundMessage).values(
                status="pending", provider_sid=None, attempts=messaging.MAX_ATTEMPTS,
                send_lease_until=system.clock.now() - timedelta(seconds=1),
            )
        )  # fmt: skip
    sweeper.tick(context)
    with system.factory() as session:
        message = session.scalars(select(OutboundMessage)).first()
        assert message is not None and (message.status, message.error_code) == (
            "failed",
            "gave_up",
        )


def test_a_number_goes_only_to_the_cla_of_an_open_task(system: LiveSystem) -> None:
    system.call("+243990004444")  # a stranger: no network, no CLA for the task
    system.run_workers()
    with system.factory() as session:
        stranger_task = session.scalars(select(CallbackTask)).one()
    reply(system, CLA_BENI, f"NUM {stranger_task.ref}")
    assert "no CLA" in sms_to(system, CLA_BENI)[0]
    assert "+243990004444" not in " ".join(system.messages_to(CLA_BENI))

    system.call(FOCAL_POINT_MAVIVI)
    system.run_workers()
    with system.factory() as session:
        task = session.scalars(select(CallbackTask).where(CallbackTask.cla_id.is_not(None))).one()
    reply(system, CLA_BENI, f"DONE {task.ref}")
    reply(system, CLA_BENI, f"NUM {task.ref}")
    assert "already done" in system.messages_to(CLA_BENI)[0]
    assert FOCAL_POINT_MAVIVI not in " ".join(system.messages_to(CLA_BENI))
    assert len(events(system, "callback.refused")) == 2
    assert events(system, "sender.number_revealed") == []


def test_a_contact_cannot_take_charge_of_an_incident_nobody_escalated_to_them(
    system: LiveSystem,
) -> None:
    incident = attack_at_mavivi(system)
    reply(system, BENI_COMMANDER, f"ACK {incident.ref}")  # a typo, or a guess
    assert "no escalation of this incident was sent to you" in sms_to(system, BENI_COMMANDER)[0]
    assert events(system, "escalation.acknowledged") == []
    system.pass_time(301)
    assert [r.trigger for r in records(system)] == ["no_ack"]  # its escalation went on
