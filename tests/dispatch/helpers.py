"""Shared steps of the dispatch scenarios: an attack reported at Mavivi, the
tasking that follows, replies from duty phones, and reading the timeline."""

from __future__ import annotations

from sqlalchemy import select

from alerts.correlation.models import Incident
from alerts.correlation.timeline import incident_timeline
from alerts.dispatch.models import NonCompliance, Tasking
from alerts.registry.models import Unit
from alerts.timeline.models import Event
from tests.live import FOCAL_POINT_MAVIVI, LiveSystem, wait_until

# Duty and contact phones of tests/data/network.yaml.
QRF_BUTEMBO = "+243810000241"
BENI_COMMANDER = "+243810000301"
BUTEMBO_COMMANDER = "+243810000302"
GRAND_NORD_HQ = "+243810000311"
JOC_DUTY = "+243810000321"
JOC_DUTY_ALTERNATE = "+243810000322"
CLA_BENI = "+243970000003"


def attack_at_mavivi(system: LiveSystem) -> Incident:
    """A killing reported with coordinates: tasked at once, to QRF-BENI."""
    system.text(FOCAL_POINT_MAVIVI, "Attaque en cours a 0.5447, 29.4639, des morts")
    system.run_workers()
    with system.factory() as session:
        return session.scalars(select(Incident)).one()


def reply(system: LiveSystem, phone: str, text: str) -> None:
    system.text(phone, text)
    system.run_workers()


def taskings(system: LiveSystem) -> list[tuple[str, str]]:
    """(unit, status) of every tasking, in order."""
    with system.factory() as session:
        rows = session.execute(
            select(Unit.callsign, Tasking.status)
            .join(Unit, Unit.id == Tasking.unit_id)
            .order_by(Tasking.id)
        ).all()
    return [(r.callsign, r.status) for r in rows]


def records(system: LiveSystem) -> list[NonCompliance]:
    with system.factory() as session:
        return list(session.scalars(select(NonCompliance).order_by(NonCompliance.id)))


def timeline(system: LiveSystem, incident_id: int) -> list[Event]:
    with system.factory() as session:
        return incident_timeline(session, incident_id)


def kinds(system: LiveSystem, incident_id: int, among: set[str] | None = None) -> list[str]:
    return [e.kind for e in timeline(system, incident_id) if among is None or e.kind in among]


def sms_to(system: LiveSystem, number: str, count: int = 1) -> list[str]:
    """The SMS `number` received, newest first, once at least `count` arrived."""
    wait_until(lambda: len(system.messages_to(number)) >= count)
    return system.messages_to(number)
