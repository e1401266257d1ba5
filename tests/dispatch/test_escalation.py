"""Escalation beyond the headline scenarios: races with an ACK, contacts taking
charge, units that acknowledge but never move, and the tasking policy."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from alerts import pipeline
from alerts.console import operator
from alerts.core.db.session import write_transaction
from alerts.correlation.models import Incident
from alerts.dispatch import escalation, sweeper
from alerts.dispatch.models import Deadline, Tasking
from alerts.intake.models import InboundMessage
from alerts.registry.models import Contact, Mission, Unit
from alerts.timeline.models import Event
from tests.dispatch.helpers import (
    BENI_COMMANDER,
    QRF_BUTEMBO,
    attack_at_mavivi,
    kinds,
    records,
    reply,
    sms_to,
    taskings,
)
from tests.live import (
    FOCAL_POINT_KIWANJA,
    FOCAL_POINT_MAVIVI,
    QRF_BENI_PRIMARY,
    QRF_GOMA,
    LiveSystem,
)
from workers.context import WorkerSetup

ACK_TIMEOUT_S = 300


@pytest.mark.parametrize("trial", range(6))
def test_an_ack_racing_the_deadline_leaves_one_consistent_state(
    system: LiveSystem, trial: int
) -> None:
    """The ACK arrives just as the deadline falls due and both are processed at once,
    by two workers: whichever wins, the unit keeps its order and the timeline has both."""
    incident = attack_at_mavivi(system)
    system.text(QRF_BENI_PRIMARY, f"ACK {incident.ref}")
    system.clock.advance(timedelta(seconds=ACK_TIMEOUT_S + 1))  # type: ignore[attr-defined]
    services = WorkerSetup(system.settings, clock=system.clock).services()
    with system.factory() as session:
        ack_id = session.scalars(
            select(InboundMessage.id).order_by(InboundMessage.id.desc())
        ).first()
        deadline_id = session.scalars(select(Deadline.id)).one()
    assert ack_id is not None
    start = threading.Barrier(2)

    def reply_worker() -> None:
        start.wait()
        pipeline.process_message(services, ack_id)

    def scheduler() -> None:
        start.wait()
        sweeper.fire(services, deadline_id)

    threads = [threading.Thread(target=reply_worker), threading.Thread(target=scheduler)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert taskings(system) == [("QRF-BENI", "acknowledged")]
    with system.factory() as session:
        deadline = session.get(Deadline, deadline_id)
        assert deadline is not None
        unit = session.scalars(select(Unit).where(Unit.callsign == "QRF-BENI")).one()
        assert unit.status == "tasked"
        ack = session.scalars(select(Event).where(Event.kind == "tasking.acknowledged")).one()
    story = kinds(system, incident.id, {"tasking.deadline_missed", "tasking.acknowledged"})
    if deadline.status == "fired":  # the scheduler won: a failure on record, then the ACK
        assert story == ["tasking.deadline_missed", "tasking.acknowledged"]
        assert [r.trigger for r in records(system)] == ["no_ack"]
    else:  # the ACK won, late: no escalation, but its lateness is in the ACK itself
        assert deadline.status == "cancelled" and story == ["tasking.acknowledged"]
        assert ack.data["overdue"] == [{"deadline": "ack", "late_s": 1}]
        assert records(system) == []


def test_a_late_ack_after_the_order_passed_on_is_recorded_and_refused(system: LiveSystem) -> None:
    incident = attack_at_mavivi(system)
    system.pass_time(ACK_TIMEOUT_S + 1)
    system.pass_time(ACK_TIMEOUT_S + 1)
    assert taskings(system)[0] == ("QRF-BENI", "lapsed")
    reply(system, QRF_BENI_PRIMARY, f"ACK {incident.ref}")
    assert taskings(system) == [("QRF-BENI", "lapsed"), ("QRF-BUTEMBO", "pending")]
    assert "tasking lapsed, call the JOC" in sms_to(system, QRF_BENI_PRIMARY)[0]
    assert kinds(system, incident.id, {"tasking.lapsed", "reply.refused"}) == [
        "tasking.lapsed",
        "reply.refused",
    ]


def test_a_contact_taking_charge_stops_the_chain(system: LiveSystem) -> None:
    incident = attack_at_mavivi(system)
    system.pass_time(ACK_TIMEOUT_S + 1)
    assert sms_to(system, BENI_COMMANDER)
    reply(system, BENI_COMMANDER, f"ack {incident.ref}")
    assert "took charge" in sms_to(system, BENI_COMMANDER, 2)[0]
    system.pass_time(10 * ACK_TIMEOUT_S)
    assert taskings(system) == [("QRF-BENI", "pending")]  # no further automatic step
    assert kinds(system, incident.id, {"escalation.acknowledged"}) == ["escalation.acknowledged"]


def test_an_ack_with_no_departure_is_a_failure_and_another_qrf_is_tasked(
    system: LiveSystem,
) -> None:
    incident = attack_at_mavivi(system)
    reply(system, QRF_BENI_PRIMARY, f"ACK {incident.ref}")
    system.pass_time(1800 - 10)
    assert records(system) == []
    system.pass_time(11)
    assert [(r.category, r.trigger) for r in records(system)] == [("failure", "no_departure")]
    # The unit that acknowledged keeps its order; another is sent as well.
    assert taskings(system) == [("QRF-BENI", "acknowledged"), ("QRF-BUTEMBO", "pending")]
    assert "QRF-BENI acknowledged, no DEP" in sms_to(system, BENI_COMMANDER)[0]


def test_a_departure_never_followed_by_an_arrival_is_a_failure(system: LiveSystem) -> None:
    incident = attack_at_mavivi(system)
    reply(system, QRF_BENI_PRIMARY, f"DEP {incident.ref}")  # DEP stands for ACK too
    system.pass_time(3600 + 1)
    assert [(r.category, r.trigger) for r in records(system)] == [("failure", "no_arrival")]
    reply(system, QRF_BENI_PRIMARY, f"ARR {incident.ref}")
    assert taskings(system)[0] == ("QRF-BENI", "arrived")


def test_a_sighting_waits_for_a_joc_officer_to_verify_it(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_MAVIVI, "Hommes armes vus a 0.5447, 29.4639")
    system.run_workers()
    with system.factory() as session:
        incident = session.scalars(select(Incident)).one()
    assert incident.status == "to_verify" and taskings(system) == []
    assert incident.route is not None and incident.route["unit_id"] is not None  # suggested

    with write_transaction(system.factory) as session:
        services = WorkerSetup(system.settings, clock=system.clock).services()
        operator.verify_incident(session, services, incident.id, actor="user:joc-1")
    system.run_workers()
    assert taskings(system) == [("QRF-BENI", "pending")]
    events = kinds(system, incident.id, {"incident.to_verify", "incident.verified",
                                         "tasking.created"})  # fmt: skip
    assert events == ["incident.to_verify", "incident.verified", "tasking.created"]


def test_six_informants_of_one_sighting_make_it_severe_enough_to_task_at_once(
    system: LiveSystem,
) -> None:
    phones = [FOCAL_POINT_MAVIVI, FOCAL_POINT_KIWANJA] + [f"+24399000111{i}" for i in range(4)]
    for count, phone in enumerate(phones, start=1):
        system.text(phone, "Hommes armes vus a 0.5447, 29.4639")
        system.run_workers()
        if count == 5:  # severity 3 (a sighting's 2, plus one for three informants)
            assert taskings(system) == []
    with system.factory() as session:
        incident = session.scalars(select(Incident)).one()
        assert (incident.informants, incident.severity) == (6, 4)
    assert taskings(system) == [("QRF-BENI", "pending")]


def test_a_role_nobody_fills_is_recorded_with_what_to_do(system: LiveSystem) -> None:
    with system.factory() as session, session.begin():
        for contact in session.scalars(select(Contact).where(Contact.role == "joc_duty")):
            for phone in contact.phones:
                phone.contact_id = None
            session.delete(contact)
    incident = attack_at_mavivi(system)
    for phone in (QRF_BENI_PRIMARY, QRF_BUTEMBO, QRF_GOMA):
        reply(system, phone, f"NO {incident.ref}")
    with system.factory() as session:
        gap = session.scalars(select(Event).where(Event.kind == "escalation.no_contact")).one()
    assert gap.data["role"] == "joc_duty" and "network file" in gap.data["advice"]


def test_a_mission_s_own_ack_timeout_overrides_the_setting(system: LiveSystem) -> None:
    with system.factory() as session, session.begin():
        mission = session.scalars(select(Mission)).one()
        mission.dispatch = {"ack_timeout_s": 60}
    attack_at_mavivi(system)
    with system.factory() as session:
        deadline = session.scalars(select(Deadline)).one()
    assert deadline.due_at - deadline.created_at == timedelta(seconds=60)
    system.pass_time(61)
    assert [r.trigger for r in records(system)] == ["no_ack"]


def test_when_silence_exhausts_the_chain_the_last_unit_is_released_for_the_joc(
    system: LiveSystem,
) -> None:
    attack_at_mavivi(system)
    for _ in range(5):  # resend, next QRF twice, then the sector and the JOC
        system.pass_time(ACK_TIMEOUT_S + 1)
    assert taskings(system) == [
        ("QRF-BENI", "lapsed"),
        ("QRF-BUTEMBO", "lapsed"),
        ("QRF-GOMA", "lapsed"),
    ]
    with system.factory() as session:
        held = session.scalars(select(Unit.callsign).where(Unit.status != "ready")).all()
        assert session.scalars(select(Deadline).where(Deadline.status == "pending")).all() == []
    assert held == []  # nobody stays tied to an order that is the JOC's now
    assert [r.trigger for r in records(system)] == ["no_ack", "no_ack", "no_ack"]


def test_an_exhausted_chain_waits_for_the_joc_and_a_new_report_tasks_nobody(
    system: LiveSystem,
) -> None:
    incident = attack_at_mavivi(system)
    for phone in (QRF_BENI_PRIMARY, QRF_BUTEMBO, QRF_GOMA):
        reply(system, phone, f"NO {incident.ref}")
    with system.factory() as session:
        waiting = session.get(Incident, incident.id)
        assert waiting is not None
        assert (waiting.status, waiting.triage_reason) == ("triage", "escalated")
    system.text("+243990002222", "Attaque a 0.5447, 29.4639 encore")
    system.run_workers()
    assert len(taskings(system)) == 3  # no fourth unit behind the JOC's back
    with write_transaction(system.factory) as session:
        services = WorkerSetup(system.settings, clock=system.clock).services()
        patrol = session.scalars(select(Unit.id).where(Unit.callsign == "PATROL-BENI")).one()
        operator.task_unit(session, services, incident.id, patrol, actor="user:joc-1",
                           reason="the patrol is nearest")  # fmt: skip
    with system.factory() as session:
        tasked = session.get(Incident, incident.id)
        assert tasked is not None and (tasked.status, tasked.triage_reason) == ("tasked", None)


def test_one_deadline_that_cannot_be_handled_holds_up_no_other(
    system: LiveSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = attack_at_mavivi(system)
    system.text("+243990003333", "Attaque a 1.5594, 30.2519 des morts")  # Bunia: far away
    system.run_workers()
    real = escalation.on_trigger

    def broken_for_the_first(session: object, ctx: object, tasking: Tasking, *a: object,
                             **k: object) -> None:  # fmt: skip
        if tasking.incident_id == first.id:
            raise RuntimeError("a bug")
        real(session, ctx, tasking, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(escalation, "on_trigger", broken_for_the_first)
    system.pass_time(ACK_TIMEOUT_S + 1)
    assert [r.trigger for r in records(system)] == ["no_ack"]  # the other incident's
    with system.factory() as session:
        pending = session.scalars(select(Deadline).where(Deadline.status == "pending")).all()
    assert [d.incident_id for d in pending if d.kind == "ack"].count(first.id) == 1
