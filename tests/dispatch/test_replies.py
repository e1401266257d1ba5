"""A unit's replies, through the webhook and real workers."""

from __future__ import annotations

from sqlalchemy import select

from alerts.correlation.models import Incident
from alerts.dispatch.models import Tasking
from alerts.registry.models import Unit
from alerts.timeline.models import Event
from tests.live import (
    FOCAL_POINT_MAVIVI,
    QRF_BENI_ALTERNATE,
    QRF_BENI_PRIMARY,
    LiveSystem,
    wait_until,
)


def tasked_incident(system: LiveSystem) -> Incident:
    system.text(FOCAL_POINT_MAVIVI, "attaque 0.5447, 29.4639")
    system.run_workers()
    with system.factory() as session:
        return session.scalars(select(Incident)).one()


def reply(system: LiveSystem, phone: str, text: str) -> list[str]:
    """Send a reply, run the workers, return the unit phone's new SMS (newest first)."""
    before = len(system.messages_to(phone))
    system.text(phone, text)
    system.run_workers()
    wait_until(lambda: len(system.messages_to(phone)) > before)
    return system.messages_to(phone)[: len(system.messages_to(phone)) - before]


def tasking_of(system: LiveSystem) -> Tasking:
    """The first tasking: a decline or silence may have tasked another unit since."""
    with system.factory() as session:
        return session.scalars(select(Tasking).order_by(Tasking.id)).first()  # type: ignore[return-value]


def test_ack_updates_the_tasking_unit_and_incident(system: LiveSystem) -> None:
    incident = tasked_incident(system)
    answers = reply(system, QRF_BENI_PRIMARY, f"  Ack   {incident.ref.lower()} ")
    assert f"REF {incident.ref}: ACK recorded" in answers[0]
    assert tasking_of(system).status == "acknowledged"
    with system.factory() as session:
        assert (
            session.scalars(select(Unit.status).where(Unit.callsign == "QRF-BENI")).one()
            == "tasked"
        )
        assert session.get(Incident, incident.id).status == "acknowledged"  # type: ignore[union-attr]
        event = session.scalars(select(Event).where(Event.kind == "tasking.acknowledged")).one()
        assert event.actor == "unit:QRF-BENI" and event.incident_id == incident.id


def test_decline_keeps_the_reason_verbatim(system: LiveSystem) -> None:
    incident = tasked_incident(system)
    reply(system, QRF_BENI_PRIMARY, f"NO {incident.ref} vehicules en panne, pas de carburant")
    tasking = tasking_of(system)
    assert tasking.status == "declined"
    assert tasking.reason_text == "vehicules en panne, pas de carburant"
    with system.factory() as session:
        event = session.scalars(select(Event).where(Event.kind == "tasking.declined")).one()
        assert event.data["reason"] == "vehicules en panne, pas de carburant"


def test_full_sequence_and_a_late_duplicate(system: LiveSystem) -> None:
    incident = tasked_incident(system)
    for verb in ["ACK", "DEP", "ARR", "DONE"]:
        reply(system, QRF_BENI_PRIMARY, f"{verb} {incident.ref}")
    assert tasking_of(system).status == "done"
    late = reply(system, QRF_BENI_PRIMARY, f"ACK {incident.ref}")
    assert "not recorded, tasking is already done" in late[0]


def test_the_alternate_duty_phone_may_answer(system: LiveSystem) -> None:
    incident = tasked_incident(system)
    reply(system, QRF_BENI_ALTERNATE, f"ACK {incident.ref}")
    assert tasking_of(system).status == "acknowledged"


def test_unknown_ref_and_gibberish_get_help(system: LiveSystem) -> None:
    tasked_incident(system)
    unknown = reply(system, QRF_BENI_PRIMARY, "ACK ZZZZZ")
    assert "REF ZZZZZ is not a tasking of your unit" in unknown[0]
    gibberish = reply(system, QRF_BENI_PRIMARY, "roger that")
    assert "Command not understood" in gibberish[0] and "ACK" in gibberish[0]
    assert tasking_of(system).status == "pending"


def test_another_units_ref_is_not_accepted(system: LiveSystem) -> None:
    incident = tasked_incident(system)
    answers = reply(system, "+243810000221", f"ACK {incident.ref}")  # QRF-GOMA's phone
    assert "is not a tasking of your unit" in answers[0]
    assert tasking_of(system).status == "pending"
