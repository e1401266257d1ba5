"""One stalled writer (a paused host, a partition) holds up nothing but its own rows.

Before the log, every event took one cluster-wide lock, so a transaction stalled after
writing an event froze intake, every escalation and the console together. Now a writer
holds only the rows it touched, and the server ends it once it idles too long.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import ClassVar

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from alerts.core.db.session import make_engine, session_factory
from alerts.core.db.timeouts import DatabaseTimeouts
from alerts.correlation.models import Incident
from alerts.timeline import ledger
from alerts.timeline.domain.kinds import EventData, EventKind
from alerts.timeline.ledger import Subject
from alerts.timeline.log_key import load_log_key
from alerts.timeline.models import Event, LogLeaf
from alerts.timeline.sequencer import seal_all
from tests.dispatch.helpers import BENI_COMMANDER, attack_at_mavivi, kinds
from tests.live import FOCAL_POINT_KIWANJA, LiveSystem
from tests.web.console.helpers import add_user, logged_in_client


@dataclass(frozen=True)
class Note(EventData):
    kind: ClassVar[EventKind] = EventKind.INCIDENT_NOTE
    note: str


def test_a_stalled_writer_holds_up_neither_intake_nor_escalation_nor_the_console(
    system: LiveSystem,
) -> None:
    if not system.settings.database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time: a stalled writer stalls all (use PostgreSQL)")
    tasked = attack_at_mavivi(system)
    system.text(FOCAL_POINT_KIWANJA, "Attaque a Kiwanja, maisons brulees")
    system.run_workers()
    with system.factory() as session:
        other = session.scalars(select(Incident).where(Incident.id != tasked.id)).one()
    add_user(system.factory, system.clock, "amina", "joc_officer")

    with stalled_writer(system, other.id) as stall:
        _system_carries_on(system, tasked.id, stall)
    with system.factory() as session:
        events = session.scalars(select(Event.id)).all()
        sealed = session.scalars(select(LogLeaf.event_id)).all()
    assert sorted(sealed) == sorted(events)


def _system_carries_on(system: LiveSystem, tasked_id: int, stall: Stall) -> None:
    # Intake: a new alert is stored, answered and processed.
    answer = system.text(FOCAL_POINT_KIWANJA, "Encore des tirs a Kiwanja")
    assert answer["webhook_status"] == 200
    system.run_workers()
    # Escalation: the tasked unit's silence escalates on time.
    system.pass_time(system.settings.ack_timeout.total_seconds() + 1)
    assert "escalation.step" in kinds(system, tasked_id)
    assert any("no ACK" in body for body in system.messages_to(BENI_COMMANDER))
    # The console: the live queue still renders.
    assert logged_in_client(system, "amina").get("/console/").status_code == 200

    # Sealing stops short of the stalled writer: it could still commit...
    key = load_log_key(system.settings.log_key)
    seal_all(system.factory, key, system.clock.now())
    with system.factory() as session:
        since = session.scalars(select(Event.id).where(Event.id > stall.event_id)).all()
        assert since, "the alert, the escalation and the console wrote events meanwhile"
        assert not session.scalars(
            select(LogLeaf.event_id).where(LogLeaf.event_id.in_(since))
        ).all()
    # ...until it goes idle and the server ends it; then everything committed is sealed.
    stall.stop_pinging()
    time.sleep(3.5)
    with pytest.raises(DBAPIError, match="idle-in-transaction"):
        stall.session.execute(text("SELECT 1"))
    seal_all(system.factory, key, system.clock.now())


@dataclass
class Stall:
    session: Session
    event_id: int
    pinging: threading.Event

    def stop_pinging(self) -> None:
        self.pinging.clear()


@contextmanager
def stalled_writer(system: LiveSystem, incident_id: int) -> Iterator[Stall]:
    """A worker that wrote an event about an incident, locked it, and stalled. It is
    pinged while the rest of the system is watched; once it goes idle, the server ends it
    after 3 s (ALERTS_DB_IDLE_TX_TIMEOUT_MS; 15 s by default). Always let go of, even
    when an assertion fails: a forgotten one would hold the test schema's teardown."""
    limits = DatabaseTimeouts(idle_in_transaction_ms=3000)
    engine = make_engine(system.settings.database_url, limits)
    session = session_factory(engine)()
    session.begin()
    event = ledger.record(
        session, system.clock.now(), Note("stalling"), Subject("incident", incident_id)
    )
    session.execute(select(Incident).where(Incident.id == incident_id).with_for_update())
    stall = Stall(session, event.id, threading.Event())
    stall.pinging.set()

    def ping() -> None:
        while stall.pinging.is_set():
            session.execute(text("SELECT 1"))
            time.sleep(0.5)

    pinger = threading.Thread(target=ping, daemon=True)
    pinger.start()
    try:
        yield stall
    finally:
        stall.stop_pinging()
        pinger.join()
        with suppress(DBAPIError):
            session.close()
        engine.dispose()
