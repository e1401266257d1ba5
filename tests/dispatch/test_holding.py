"""Decisions about one incident are made one at a time, about different incidents at once.

There is no global lock: a transaction holds the incident it decides about and the unit
it tasks. These run two transactions at the same moment on PostgreSQL, the first held
open, and check what an officer would see once both are done.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts import pipeline
from alerts.console import operator
from alerts.core.context import ServiceContext
from alerts.core.db.session import write_transaction
from alerts.correlation.domain.status import IncidentStatus
from alerts.correlation.models import Incident, Report
from alerts.dispatch.domain.tasking import OPEN_STATUSES
from alerts.dispatch.models import Tasking
from alerts.intake.models import InboundMessage
from alerts.timeline.models import Event
from tests.dispatch.helpers import attack_at_mavivi, taskings
from tests.live import FOCAL_POINT_KIWANJA, FOCAL_POINT_MAVIVI, LiveSystem
from workers.context import WorkerSetup

# Long enough for the second transaction to reach its wait on this shared machine.
SETTLE_S = 1.5


@pytest.fixture
def services(system: LiveSystem) -> ServiceContext:
    if not system.settings.database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time, so nothing here can race (use PostgreSQL)")
    return WorkerSetup(system.settings, clock=system.clock).services()


def test_two_incidents_verified_at_once_never_task_the_same_unit(
    system: LiveSystem, services: ServiceContext
) -> None:
    """Two officers verify two sightings near Beni at the same moment: the nearest QRF
    is tasked once, and the second sighting gets the next ready QRF."""
    first, second = _sightings_to_verify(system)

    def verify_second() -> None:
        with write_transaction(system.factory) as db:
            operator.verify_incident(db, services, second, actor="officer:binta")

    racer = _held_while(
        system,
        lambda db: operator.verify_incident(db, services, first, actor="officer:amina"),
        verify_second,
    )
    assert racer.waited, "the second verification should wait for the unit the first holds"
    tasked = taskings(system)
    assert len(tasked) == 2 and tasked[0] == ("QRF-BENI", "pending")
    assert tasked[1][0] != "QRF-BENI", tasked
    with system.factory() as session:
        open_per_unit = session.execute(
            select(Tasking.unit_id).where(Tasking.status.in_(OPEN_STATUSES))
        ).all()
    assert len(open_per_unit) == len(set(open_per_unit)) == 2


def test_an_alert_waits_for_an_officer_closing_its_incident_and_sees_it_closed(
    system: LiveSystem, services: ServiceContext
) -> None:
    """A new report of the attack arrives while an officer closes the incident: it must
    not slip into the closed incident unseen, but reopen it or open a new one."""
    incident = attack_at_mavivi(system)
    system.text(FOCAL_POINT_MAVIVI, "Les tirs continuent a 0.5447, 29.4639")
    with system.factory() as session:
        message_id = session.scalars(
            select(InboundMessage.id).where(InboundMessage.handled_as.is_(None))
        ).one()

    def close(db: Session) -> None:
        operator.close(db, services, incident.id, actor="officer:amina", outcomes=["show_of_force"])

    racer = _held_while(system, close, lambda: pipeline.process_message(services, message_id))
    assert racer.waited, "the report should wait for the incident the officer holds"
    with system.factory() as session:
        report = session.scalars(select(Report).where(Report.message_id == message_id)).one()
        joined = session.get(Incident, report.incident_id)
        assert joined is not None
        reopened = session.scalars(
            select(Event.kind).where(
                Event.incident_id == incident.id, Event.kind == "incident.reopened"
            )
        ).all()
    if joined.id == incident.id:
        assert reopened and joined.status != IncidentStatus.CLOSED
    else:
        assert joined.continuation_of_id == incident.id


class _Racer(threading.Thread):
    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__(daemon=True)
        self.work, self.error, self.waited = work, None, False

    def run(self) -> None:
        try:
            self.work()
        except BaseException as error:
            self.error = error


def _held_while(
    system: LiveSystem, first: Callable[[Session], object], second: Callable[[], object]
) -> _Racer:
    """Run `first` in a transaction left open while `second` starts in another thread;
    then commit the first and wait for the second. `waited` says whether the second
    was still running when the first let go."""
    racer = _Racer(second)
    with write_transaction(system.factory) as db:
        first(db)
        db.flush()
        racer.start()
        time.sleep(SETTLE_S)
        racer.waited = racer.is_alive()
    racer.join(30)
    assert not racer.is_alive(), "the second transaction never finished"
    if racer.error is not None:
        raise racer.error
    return racer


def _sightings_to_verify(system: LiveSystem) -> tuple[int, int]:
    """Two sightings of armed men near Beni, 8 km apart: the policy waits for an officer."""
    system.text(FOCAL_POINT_MAVIVI, "Hommes armes vus a 0.5447, 29.4639")
    system.text(FOCAL_POINT_KIWANJA, "Hommes armes vus a 0.4700, 29.4900")
    system.run_workers()
    with system.factory() as session:
        waiting = session.scalars(
            select(Incident.id)
            .where(Incident.status == IncidentStatus.TO_VERIFY)
            .order_by(Incident.id)
        ).all()
    assert len(waiting) == 2, "both sightings should wait for an officer to verify them"
    return waiting[0], waiting[1]
