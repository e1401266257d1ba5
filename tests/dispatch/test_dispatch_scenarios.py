"""The dispatch scenarios of issue 5, through the Twilio sandbox with real RQ
workers: the Juba pattern, silence, an undeliverable order and a beep. The
clock is fake, so "five minutes of silence" takes no time; the scheduler's
tick is run by the test (`system.pass_time`)."""

from __future__ import annotations

import requests
from sqlalchemy import select

from alerts.correlation.models import Incident, Report
from alerts.dispatch.models import CallbackTask
from alerts.messaging.models import OutboundMessage
from alerts.timeline.models import Event
from tests.dispatch.helpers import (
    BENI_COMMANDER,
    CLA_BENI,
    GRAND_NORD_HQ,
    JOC_DUTY,
    QRF_BUTEMBO,
    attack_at_mavivi,
    kinds,
    records,
    reply,
    sms_to,
    taskings,
    timeline,
)
from tests.live import (
    FOCAL_POINT_MAVIVI,
    QRF_BENI_ALTERNATE,
    QRF_BENI_PRIMARY,
    QRF_GOMA,
    LiveSystem,
    wait_until,
)

ACK_TIMEOUT_S = 300


def test_the_juba_pattern_three_refusals_reach_the_joc_duty_officer(system: LiveSystem) -> None:
    incident = attack_at_mavivi(system)
    assert taskings(system) == [("QRF-BENI", "pending")]

    reply(system, QRF_BENI_PRIMARY, f"NO {incident.ref} no vehicles, no fuel")
    assert taskings(system)[-1] == ("QRF-BUTEMBO", "pending")
    assert "QRF-BENI declined" in sms_to(system, BENI_COMMANDER)[0]
    reply(system, QRF_BUTEMBO, f"NO {incident.ref} CAVEAT orders from capital")
    assert taskings(system)[-1] == ("QRF-GOMA", "pending")
    reply(system, QRF_GOMA, f"no {incident.ref}")

    assert taskings(system) == [
        ("QRF-BENI", "declined"),
        ("QRF-BUTEMBO", "declined"),
        ("QRF-GOMA", "declined"),
    ]
    refusals = records(system)
    assert [(r.category, r.trigger, r.reason_code) for r in refusals] == [
        ("refusal", "declined", "under_resourcing"),
        ("refusal", "declined", "national_caveat"),
        ("refusal", "declined", "other"),
    ]
    assert [r.reason_text for r in refusals] == [
        "no vehicles, no fuel",
        "CAVEAT orders from capital",
        None,
    ]
    assert [r.country for r in refusals] == ["Country A", "Country B", "Country C"]
    joc = sms_to(system, JOC_DUTY)[0]
    assert f"REF {incident.ref}" in joc and "QRF-GOMA declined" in joc
    assert f"REF {incident.ref}" in sms_to(system, GRAND_NORD_HQ)[0]
    # Every step, in order: each refusal, its record, and the escalation it caused.
    steps = kinds(
        system,
        incident.id,
        {
            "tasking.created",
            "tasking.declined",
            "noncompliance.recorded",
            "escalation.notified",
            "escalation.exhausted",
        },
    )
    assert steps == [
        "tasking.created",
        "tasking.declined",
        "noncompliance.recorded",
        "tasking.created",
        "escalation.notified",  # Beni's commander: his QRF refused
        "tasking.declined",
        "noncompliance.recorded",
        "tasking.created",
        "tasking.declined",
        "noncompliance.recorded",
        "escalation.notified",  # the sector HQ
        "escalation.notified",  # the JOC duty officer
        "escalation.exhausted",
    ]


def test_silence_is_a_failure_and_escalates_on_time(system: LiveSystem) -> None:
    incident = attack_at_mavivi(system)
    system.pass_time(ACK_TIMEOUT_S - 1)
    assert records(system) == []

    system.pass_time(2)  # one second past the ACK deadline
    failure = records(system)[0]
    assert (failure.category, failure.trigger, failure.reason_code) == (
        "failure",
        "no_ack",
        "other",
    )
    # The order goes again, to the alternate duty phone, and the commander hears of it.
    assert f"TASKING REF {incident.ref}" in sms_to(system, QRF_BENI_ALTERNATE)[0]
    assert "no ACK from QRF-BENI" in sms_to(system, BENI_COMMANDER)[0]
    with system.factory() as session:
        missed = session.scalars(select(Event).where(Event.kind == "tasking.deadline_missed")).one()
    assert 0 <= missed.data["late_ms"] <= 5_000

    system.pass_time(ACK_TIMEOUT_S)  # silent again: the next nearest ready QRF
    assert taskings(system) == [("QRF-BENI", "lapsed"), ("QRF-BUTEMBO", "pending")]
    assert len(records(system)) == 1  # the re-sent order met the same silence: one failure
    reply(system, QRF_BUTEMBO, f"ACK {incident.ref}")
    system.pass_time(ACK_TIMEOUT_S)
    assert taskings(system)[-1] == ("QRF-BUTEMBO", "acknowledged")
    assert kinds(
        system,
        incident.id,
        {
            "tasking.created",
            "tasking.deadline_missed",
            "noncompliance.recorded",
            "tasking.resent",
            "escalation.notified",
            "tasking.lapsed",
            "tasking.acknowledged",
            "escalation.stopped",
        },
    ) == [
        "tasking.created",
        "tasking.deadline_missed",
        "noncompliance.recorded",
        "tasking.resent",
        "escalation.notified",
        "tasking.deadline_missed",
        "tasking.lapsed",
        "tasking.created",
        "tasking.acknowledged",
        "escalation.stopped",
    ]


def test_an_undeliverable_order_tries_the_alternate_phone_then_escalates(
    system: LiveSystem,
) -> None:
    for number in (QRF_BENI_PRIMARY, QRF_BENI_ALTERNATE):
        requests.post(
            f"{system.sandbox_url}/_sandbox/failures",
            json={"number": number, "status": "undelivered"},
            timeout=5,
        ).raise_for_status()
    incident = attack_at_mavivi(system)

    def failed_orders() -> int:
        with system.factory() as session:
            return len(
                session.scalars(
                    select(OutboundMessage).where(
                        OutboundMessage.purpose == "tasking",
                        OutboundMessage.status == "undelivered",
                    )
                ).all()
            )

    wait_until(lambda: failed_orders() == 1)  # the sandbox's status callback came back
    system.pass_time(1)  # the scheduler acts on it: the alternate phone
    wait_until(lambda: failed_orders() == 2)
    system.pass_time(1)  # that failed too: the next QRF
    assert taskings(system) == [("QRF-BENI", "lapsed"), ("QRF-BUTEMBO", "pending")]
    failure = records(system)[0]
    assert (failure.category, failure.trigger, failure.reason_code) == (
        "failure",
        "undelivered",
        "communication",
    )
    assert "order undelivered to QRF-BENI" in sms_to(system, BENI_COMMANDER)[0]
    assert f"ACK {incident.ref}" in sms_to(system, QRF_BUTEMBO)[0]  # in French, its language
    assert kinds(
        system,
        incident.id,
        {"sms.undelivered", "noncompliance.recorded", "tasking.resent", "tasking.lapsed",
         "tasking.created"},
    ) == [
        "tasking.created",
        "sms.undelivered",
        "noncompliance.recorded",
        "tasking.resent",
        "sms.undelivered",
        "tasking.lapsed",
        "tasking.created",
    ]  # fmt: skip


def test_a_beep_becomes_a_located_alert_and_a_call_back_task_for_the_cla(
    system: LiveSystem,
) -> None:
    call = system.call(FOCAL_POINT_MAVIVI)
    assert call["outcome"] == "rejected-busy"  # never answered: the caller pays nothing
    system.run_workers()
    with system.factory() as session:
        report = session.scalars(select(Report)).one()
        incident = session.get(Incident, report.incident_id)
        task = session.scalars(select(CallbackTask)).one()
    assert (report.location_method, report.place_name) == ("sender_place", "Mavivi")
    assert incident is not None and incident.status == "to_verify"
    assert task.status == "open" and task.incident_id == incident.id
    callback = sms_to(system, CLA_BENI)[0]
    assert f"REF {task.ref}" in callback and "Mavivi" in callback
    assert FOCAL_POINT_MAVIVI not in callback  # the number only on request

    reply(system, CLA_BENI, f"NUM {task.ref}")
    assert FOCAL_POINT_MAVIVI in sms_to(system, CLA_BENI, 2)[0]
    with system.factory() as session:
        stored = session.scalars(select(OutboundMessage.body)).all()
    assert not any(FOCAL_POINT_MAVIVI in body for body in stored)  # never at rest
    reply(system, CLA_BENI, f"DONE {task.ref} spoke to her, armed men passed at dawn")
    assert "rappel enregistre" in sms_to(system, CLA_BENI, 3)[0]  # she reads French
    assert kinds(
        system,
        incident.id,
        {"message.received", "alert.located", "incident.opened", "callback.created",
         "sender.number_revealed", "callback.done"},
    ) == [
        "message.received",
        "alert.located",
        "incident.opened",
        "callback.created",
        "sender.number_revealed",
        "callback.done",
    ]  # fmt: skip


def test_a_stranger_s_beep_is_an_unlocated_alert_for_triage(system: LiveSystem) -> None:
    assert system.call("+243990007777")["outcome"] == "rejected-busy"
    system.run_workers()
    with system.factory() as session:
        incident = session.scalars(select(Incident)).one()
        task = session.scalars(select(CallbackTask)).one()
    assert (incident.status, incident.triage_reason) == ("triage", "unlocated")
    assert task.cla_id is None  # no network knows the caller: the JOC calls back
    assert "callback.created" in kinds(system, incident.id)


def test_a_repeated_beep_asks_for_one_call_back(system: LiveSystem) -> None:
    system.call(FOCAL_POINT_MAVIVI)
    system.call(FOCAL_POINT_MAVIVI)
    system.run_workers()
    with system.factory() as session:
        assert len(session.scalars(select(CallbackTask)).all()) == 1
        assert len(session.scalars(select(Report)).all()) == 1
    assert len(sms_to(system, CLA_BENI)) == 1


def test_the_timeline_of_a_full_response_is_complete_and_in_order(system: LiveSystem) -> None:
    incident = attack_at_mavivi(system)
    for verb in ("ACK", "DEP", "ARR", "DONE"):
        reply(system, QRF_BENI_PRIMARY, f"{verb} {incident.ref}")
    events = timeline(system, incident.id)
    assert [e.id for e in events] == sorted(e.id for e in events)
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
    story = [e.kind for e in events if e.kind.startswith(("tasking.", "message.received"))]
    assert story == [
        "message.received",
        "tasking.created",
        "tasking.sent",
        "message.received",
        "tasking.acknowledged",
        "message.received",
        "tasking.departed",
        "message.received",
        "tasking.arrived",
        "message.received",
        "tasking.completed",
    ]
    assert records(system) == []  # a unit that answered every step is no failure
    assert not [e for e in events if e.kind.startswith("escalation.")]
    assert system.messages_to(BENI_COMMANDER) == []
