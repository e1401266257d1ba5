"""When more than one unit holds an order for one incident: a backup tasked while
the first was slow, then one of them answers."""

from __future__ import annotations

from sqlalchemy import select

from alerts.console import operator
from alerts.core.db.session import write_transaction
from alerts.correlation.models import Incident
from alerts.dispatch.models import Deadline
from alerts.registry.models import Unit
from tests.dispatch.helpers import QRF_BUTEMBO, attack_at_mavivi, records, reply, sms_to, taskings
from tests.live import QRF_BENI_PRIMARY, LiveSystem
from workers.context import WorkerSetup

DEPART_TIMEOUT_S = 1800


def backup_tasked(system: LiveSystem) -> Incident:
    """QRF-BENI acknowledges, then does not depart in time: QRF-BUTEMBO is tasked too."""
    incident = attack_at_mavivi(system)
    reply(system, QRF_BENI_PRIMARY, f"ACK {incident.ref}")
    system.pass_time(DEPART_TIMEOUT_S + 1)
    assert taskings(system) == [("QRF-BENI", "acknowledged"), ("QRF-BUTEMBO", "pending")]
    return incident


def status_of(system: LiveSystem, incident_id: int) -> str:
    with system.factory() as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        return incident.status


def unit_statuses(system: LiveSystem) -> dict[str, str]:
    with system.factory() as session:
        return {u.callsign: u.status for u in session.scalars(select(Unit))}


def test_the_slow_unit_departing_stands_the_silent_backup_down(system: LiveSystem) -> None:
    incident = backup_tasked(system)
    reply(system, QRF_BENI_PRIMARY, f"DEP {incident.ref}")
    assert taskings(system) == [("QRF-BENI", "departed"), ("QRF-BUTEMBO", "cancelled")]
    assert (
        "STAND DOWN" in sms_to(system, QRF_BUTEMBO, 2)[0]
        or "ANNULE" in sms_to(system, QRF_BUTEMBO, 2)[0]
    )  # Butembo reads French
    system.pass_time(600)  # the backup's ACK deadline would have fallen due
    assert len(taskings(system)) == 2  # no third unit
    assert unit_statuses(system)["QRF-BUTEMBO"] == "ready"
    assert status_of(system, incident.id) == "responding"


def test_one_unit_s_no_does_not_undo_another_s_departure(system: LiveSystem) -> None:
    incident = backup_tasked(system)
    reply(system, QRF_BUTEMBO, f"ACK {incident.ref}")  # both acknowledged now
    reply(system, QRF_BENI_PRIMARY, f"DEP {incident.ref}")
    reply(system, QRF_BUTEMBO, f"NO {incident.ref} vehicle broke down")
    assert status_of(system, incident.id) == "responding"
    assert [r.category for r in records(system)] == ["failure", "refusal"]


def test_done_ends_the_other_orders_and_the_incident_can_still_be_closed(
    system: LiveSystem,
) -> None:
    incident = backup_tasked(system)
    reply(system, QRF_BENI_PRIMARY, f"DEP {incident.ref}")
    reply(system, QRF_BENI_PRIMARY, f"DONE {incident.ref}")
    assert status_of(system, incident.id) == "responded"
    assert unit_statuses(system)["QRF-BENI"] == "ready"
    reply(system, QRF_BUTEMBO, f"ACK {incident.ref}")  # too late: it was stood down
    assert status_of(system, incident.id) == "responded"
    with write_transaction(system.factory) as session:
        services = WorkerSetup(system.settings, clock=system.clock).services()
        operator.close(session, services, incident.id, actor="user:joc", outcomes=["patrol"])
    assert status_of(system, incident.id) == "closed"
    with system.factory() as session:
        assert session.scalars(select(Deadline).where(Deadline.status == "pending")).all() == []
