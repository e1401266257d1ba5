"""`alerts events verify` names the first broken event."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli import main
from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.core.settings import Settings
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject
from alerts.timeline.models import Event


def write_events(factory: sessionmaker[Session], clock: FakeClock, count: int) -> None:
    for index in range(count):
        with write_transaction(factory) as session:
            ledger.record(session, clock.now(), "test.event", Subject("test", index), {"n": index})


def verify(settings: Settings) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["events", "verify"], env={"ALERTS_DATABASE_URL": settings.database_url}
    )
    return result.exit_code, result.output


def test_intact_chain(settings: Settings, factory: sessionmaker[Session], clock: FakeClock) -> None:
    write_events(factory, clock, 5)
    code, output = verify(settings)
    assert code == 0 and "OK: 5 events, chain intact" in output  # after a note on PostgreSQL


def test_edited_event_is_named(
    settings: Settings, factory: sessionmaker[Session], clock: FakeClock
) -> None:
    write_events(factory, clock, 5)
    with factory() as session, session.begin():
        session.execute(update(Event).where(Event.seq == 3).values(data={"n": 99}))
    code, output = verify(settings)
    assert code == 1
    assert "TAMPERED at event seq 3 (altered)" in output


def test_deleted_event_is_named(
    settings: Settings, factory: sessionmaker[Session], clock: FakeClock
) -> None:
    write_events(factory, clock, 5)
    with factory() as session, session.begin():
        session.delete(session.scalars(select(Event).where(Event.seq == 2)).one())
    code, output = verify(settings)
    assert code == 1 and "TAMPERED at event seq 2 (deleted)" in output


def test_times_never_run_backwards(factory: sessionmaker[Session], clock: FakeClock) -> None:
    write_events(factory, clock, 1)
    behind = clock.now().replace(year=2025)
    with write_transaction(factory) as session:
        event = ledger.record(session, behind, "test.late", Subject("test", 1))
    assert event.occurred_at == clock.now()
    assert event.data["clock_behind_us"] > 0
