"""Duplicate reports of one attack become one incident, in the real pipeline."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from alerts.core.db.session import write_transaction
from alerts.correlation.incidents import close_incident
from alerts.correlation.models import Incident, Report
from alerts.dispatch.models import Tasking
from alerts.intake.models import InboundMessage
from alerts.timeline.models import Event
from tests.live import FOCAL_POINT_MAVIVI, LiveSystem


def incidents(system: LiveSystem) -> list[Incident]:
    with system.factory() as session:
        return list(session.scalars(select(Incident).order_by(Incident.id)))


def test_a_burst_from_many_informants_is_one_corroborated_incident(system: LiveSystem) -> None:
    for index in range(6):
        system.text(f"+24399000010{index}", f"attaque {0.5447 + index * 0.0005:.4f}, 29.4639")
    system.run_workers()
    [incident] = incidents(system)
    assert incident.informants == 6
    assert incident.severity > 2  # corroboration raises it
    with system.factory() as session:
        assert len(session.scalars(select(Tasking)).all()) == 1
        attached = session.scalars(
            select(Event).where(Event.kind == "incident.report_attached").order_by(Event.id)
        ).all()
        assert len(attached) == 5 and attached[-1].data["informants"] == 6


def test_the_same_text_again_is_stored_and_linked_but_no_second_report(
    system: LiveSystem,
) -> None:
    system.text(FOCAL_POINT_MAVIVI, "Attaque à Beni!")
    system.text(FOCAL_POINT_MAVIVI, "attaque a beni")
    system.run_workers()
    with system.factory() as session:
        messages = session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()
        assert len(messages) == 2
        assert messages[1].duplicate_of_id == messages[0].id
        assert messages[1].handled_as == "duplicate"
        assert len(session.scalars(select(Report)).all()) == 1


def test_two_attacks_8_km_apart_stay_apart_despite_a_coarse_report(system: LiveSystem) -> None:
    system.text("+243990000201", "attaque 0.5447, 29.4639")  # Mavivi
    system.text("+243990000202", "attaque 0.4914, 29.4731")  # Beni, ~6 km south
    system.text(FOCAL_POINT_MAVIVI, "ils attaquent!")  # located only by the sender's village
    system.run_workers()
    located = [i for i in incidents(system) if i.radius_m is not None and i.radius_m < 2_000]
    assert len(located) == 2
    with system.factory() as session:
        coarse = session.scalars(
            select(Report).where(Report.location_method == "sender_place")
        ).one()
        assert coarse.incident_id in {i.id for i in located}
    for incident in located:
        assert incident.radius_m is not None and incident.radius_m < 2_000  # not widened


def test_an_unlocated_report_never_joins_a_located_incident(system: LiveSystem) -> None:
    system.text("+243990000301", "attaque 0.5447, 29.4639")
    system.text("+243990000302", "aidez nous ils tirent")
    system.run_workers()
    assert len(incidents(system)) == 2
    assert {i.status for i in incidents(system)} == {"tasked", "triage"}


def test_after_close_a_matching_report_is_a_continuation(system: LiveSystem) -> None:
    system.text("+243990000401", "attaque 0.5447, 29.4639")
    system.run_workers()
    [first] = incidents(system)
    with write_transaction(system.factory) as session:
        incident = session.get(Incident, first.id)
        assert incident is not None
        close_incident(
            session, incident, actor="joc:amina", outcome=["patrol"], now=system.clock.now()
        )
    system.clock.advance(timedelta(hours=3))
    system.text("+243990000402", "attaque encore 0.5447, 29.4639")
    system.run_workers()
    second = incidents(system)[-1]
    assert second.id != first.id
    assert second.continuation_of_id == first.id


def test_a_report_soon_after_close_reopens_and_is_routed_again(system: LiveSystem) -> None:
    system.text("+243990000601", "attaque 0.5447, 29.4639")
    system.run_workers()
    [first] = incidents(system)
    with write_transaction(system.factory) as session:
        incident = session.get(Incident, first.id)
        assert incident is not None
        close_incident(
            session, incident, actor="joc:amina", outcome=["patrol"], now=system.clock.now()
        )
        for tasking in session.scalars(select(Tasking)):
            tasking.status = "done"  # the first response is over
    system.clock.advance(timedelta(minutes=20))
    system.text("+243990000602", "ils sont revenus 0.5447, 29.4639")
    system.run_workers()
    [reopened] = incidents(system)
    assert reopened.closed_at is None
    with system.factory() as session:
        assert len(session.scalars(select(Tasking)).all()) == 2
        assert session.scalars(select(Event).where(Event.kind == "incident.reopened")).one()
