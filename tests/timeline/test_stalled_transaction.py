"""One stalled writer (a paused host, a partition) holds up nothing but its own rows.

Before the log, every event took one cluster-wide lock, so a transaction stalled after
writing an event froze intake, every escalation and the console together. Now a writer
holds only the rows it touched, and the server ends it once it idles too long.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import ClassVar

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

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

    # A worker that wrote an event about the other incident, locked it, and stalled. It
    # stays (pinged) while the rest of the system is watched; once it goes idle, the server
    # ends it after 3 s (ALERTS_DB_IDLE_TX_TIMEOUT_MS; 15 s by default).
    limits = DatabaseTimeouts(idle_in_transaction_ms=3000)
    stalled = session_factory(make_engine(system.settings.database_url, limits))()
    stalled.begin()
    holding = threading.Event()
    holding.set()

    def hold() -> None:
        while holding.is_set():
            stalled.execute(text("SELECT 1"))
            time.sleep(0.5)

    holder = threading.Thread(target=hold)
    stalling = ledger.record(
        stalled, system.clock.now(), Note("stalling"), Subject("incident", other.id)
    )
    stalled.execute(select(Incident).where(Incident.id == other.id).with_for_update())
    holder.start()

    # Intake: a new alert is stored, answered and processed.
    answer = system.text(FOCAL_POINT_KIWANJA, "Encore des tirs a Kiwanja")
    assert answer["webhook_status"] == 200
    system.run_workers()
    # Escalation: the tasked unit's silence escalates on time.
    system.pass_time(system.settings.ack_timeout.total_seconds() + 1)
    assert "escalation.step" in kinds(system, tasked.id)
    assert any("no ACK" in body for body in system.messages_to(BENI_COMMANDER))
    # The console: the live queue still renders.
    assert logged_in_client(system, "amina").get("/console/").status_code == 200

    # Sealing stops short of the stalled writer: it could still commit...
    key = load_log_key(system.settings.log_key)
    seal_all(system.factory, key, system.clock.now())
    with system.factory() as session:
        since = session.scalars(select(Event.id).where(Event.id > stalling.id)).all()
        assert since, "the alert, the escalation and the console wrote events meanwhile"
        assert not session.scalars(
            select(LogLeaf.event_id).where(LogLeaf.event_id.in_(since))
        ).all()
    # ...until it goes idle and the server ends it; then everything committed is sealed.
    holding.clear()
    holder.join()
    time.sleep(3.5)
    with pytest.raises(DBAPIError, match="idle-in-transaction"):
        stalled.execute(text("SELECT 1"))
    stalled.close()
    seal_all(system.factory, key, system.clock.now())
    with system.factory() as session:
        events = session.scalars(select(Event.id)).all()
        sealed = session.scalars(select(LogLeaf.event_id)).all()
    assert sorted(sealed) == sorted(events)
