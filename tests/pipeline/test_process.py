"""From a received SMS to a tasked QRF, through the real database and RQ workers."""

from __future__ import annotations

import logging

import pytest
from rq import Queue
from rq.job import Job
from sqlalchemy import select

from alerts import pipeline
from alerts.correlation.models import Incident, Report
from alerts.correlation.timeline import incident_timeline
from alerts.dispatch.models import Tasking
from alerts.intake.models import InboundMessage
from alerts.registry.models import Sender, Unit
from alerts.timeline.models import Event
from tests.live import (
    FOCAL_POINT_KIWANJA,
    FOCAL_POINT_MAVIVI,
    QRF_BENI_PRIMARY,
    QRF_GOMA,
    LiveSystem,
    wait_until,
)
from workers import context
from workers.queue import QUEUE_NAME, QUEUE_NAMES


def kinds(system: LiveSystem, incident_id: int) -> list[str]:
    with system.factory() as session:
        return [e.kind for e in incident_timeline(session, incident_id)]


def only_incident(system: LiveSystem) -> Incident:
    with system.factory() as session:
        incidents = session.scalars(select(Incident)).all()
        assert len(incidents) == 1
        return incidents[0]


def test_sms_with_coordinates_tasks_the_nearest_base_qrf(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_KIWANJA, "Attaque en cours 0.5447, 29.4639 coups de feu")
    system.run_workers()

    incident = only_incident(system)
    assert incident.status == "tasked"
    assert (incident.lat, incident.lon, incident.radius_m) == (0.5447, 29.4639, 100.0)
    assert incident.route and incident.route["unit_reason"] == "base-qrf-ready"
    wait_until(lambda: system.messages_to(QRF_BENI_PRIMARY))
    tasking_sms = system.messages_to(QRF_BENI_PRIMARY)[0]
    assert f"REF {incident.ref}" in tasking_sms
    assert FOCAL_POINT_KIWANJA not in tasking_sms
    assert kinds(system, incident.id)[:7] == [
        "message.received",
        "alert.located",
        "incident.opened",
        "incident.routed",
        "tasking.created",
        "unit.status_changed",
        "tasking.sent",
    ]


def test_without_coordinates_the_senders_village_locates_the_alert(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_MAVIVI, "Watu wenye silaha wameingia kijijini")
    system.run_workers()
    with system.factory() as session:
        report = session.scalars(select(Report)).one()
        assert (report.location_method, report.place_name) == ("sender_place", "Mavivi")
        assert report.radius_m == 10_000


def test_unknown_sender_without_coordinates_goes_to_triage(system: LiveSystem) -> None:
    system.text("+243990001234", "aidez nous ils brulent les maisons")
    system.run_workers()
    incident = only_incident(system)
    assert incident.status == "triage"
    assert incident.lat is None
    assert kinds(system, incident.id) == ["message.received", "alert.unlocated", "incident.opened"]
    with system.factory() as session:
        assert session.scalars(select(Tasking)).all() == []


def test_same_sender_repeat_joins_their_incident(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_MAVIVI, "attaque!")
    system.text(FOCAL_POINT_MAVIVI, "attaque! ils sont encore la")
    system.run_workers()
    incident = only_incident(system)
    with system.factory() as session:
        assert (
            len(session.scalars(select(Report).where(Report.incident_id == incident.id)).all()) == 2
        )
    assert "incident.report_attached" in kinds(system, incident.id)


def test_falls_back_to_another_bases_qrf_when_own_is_busy(system: LiveSystem) -> None:
    with system.factory() as session, session.begin():
        for unit in session.scalars(select(Unit).where(Unit.callsign != "QRF-GOMA")):
            unit.status = "unavailable"
    system.text(FOCAL_POINT_MAVIVI, "attack now")
    system.run_workers()
    incident = only_incident(system)
    assert incident.route and incident.route["unit_reason"] == "nearest-other-qrf-ready"
    wait_until(lambda: system.messages_to(QRF_GOMA))


def test_processing_twice_changes_nothing(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_MAVIVI, "attaque")
    system.run_workers()

    def pipeline_events() -> list[int]:
        # Delivery callbacks keep arriving from the sandbox; they are not the pipeline's.
        with system.factory() as session:
            return list(session.scalars(select(Event.id).where(Event.kind.not_like("sms.%"))))

    with system.factory() as session:
        message_id = session.scalars(select(InboundMessage.id)).one()
    events_before = pipeline_events()
    outcome = pipeline.process_message(context.current().services(), message_id)
    assert outcome.already_done
    assert pipeline_events() == events_before


def test_informant_numbers_reach_no_log_line_and_no_event(
    system: LiveSystem, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    system.text(FOCAL_POINT_MAVIVI, "attaque 0.5447, 29.4639")
    system.text("+243990001234", "stranger here")
    system.run_workers()
    wait_until(lambda: system.messages_to(QRF_BENI_PRIMARY))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "alerts.web.sms" in {record.name for record in caplog.records}
    for number in (FOCAL_POINT_MAVIVI, "+243990001234", "243970000001", "%2B243970000001"):
        assert number not in logged
    with system.factory() as session:
        sender = session.scalars(select(Sender).where(Sender.role == "focal_point")).first()
        assert sender is not None and sender.pseudonym.startswith("FP-")
        assert all(
            FOCAL_POINT_MAVIVI not in str(event.data) for event in session.scalars(select(Event))
        )


def test_a_located_repeat_routes_an_incident_waiting_in_triage(system: LiveSystem) -> None:
    system.text("+243990001234", "aidez nous ils attaquent")
    system.text("+243990001234", "ils sont a 0.5447, 29.4639")
    system.run_workers()
    incident = only_incident(system)
    assert incident.status == "tasked"
    assert (incident.lat, incident.lon, incident.radius_m) == (0.5447, 29.4639, 100.0)
    assert [
        k
        for k in kinds(system, incident.id)
        if k in {"incident.relocated", "incident.routed", "tasking.created"}
    ] == ["incident.relocated", "incident.routed", "tasking.created"]


def test_a_repeat_does_not_task_a_second_unit(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_MAVIVI, "attaque 0.5447, 29.4639")
    system.text(FOCAL_POINT_MAVIVI, "attaque 0.5447, 29.4639 encore")
    system.run_workers()
    with system.factory() as session:
        assert len(session.scalars(select(Tasking)).all()) == 1


def test_a_tasked_qrf_is_not_tasked_again_for_another_incident(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_MAVIVI, "attaque 0.5447, 29.4639")
    system.text(FOCAL_POINT_KIWANJA, "attaque 0.3500, 29.5200")  # 22 km away: another event
    system.run_workers()
    with system.factory() as session:
        units = [
            session.get(Unit, t.unit_id).callsign  # type: ignore[union-attr]
            for t in session.scalars(select(Tasking).order_by(Tasking.id))
        ]
    assert units == ["QRF-BENI", "QRF-BUTEMBO"]  # Butembo can be there before Goma


def test_no_number_reaches_redis_keys_or_job_arguments(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_MAVIVI, "attaque 0.5447, 29.4639")
    queue = Queue(QUEUE_NAME, connection=system.redis)
    jobs = queue.get_jobs()
    assert jobs and all(all(isinstance(a, int) for a in job.args) for job in jobs)
    system.run_workers()
    for key in system.redis.scan_iter():
        assert b"970000001" not in key
        if system.redis.type(key) == b"hash":
            for field, value in system.redis.hgetall(key).items():
                if field not in {b"data", b"result"}:  # pickled, checked below
                    assert b"970000001" not in value
    for name in QUEUE_NAMES:  # the alert's job, and the SMS jobs it queued
        for job_id in Queue(name, connection=system.redis).finished_job_registry.get_job_ids():
            job = Job.fetch(job_id, connection=system.redis)
            assert FOCAL_POINT_MAVIVI not in repr((job.args, job.kwargs, job.return_value()))
