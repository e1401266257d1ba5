"""`alerts audit verify` names each kind of tampering done in the database itself."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli import main
from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.core.settings import Settings
from alerts.timeline import ledger
from alerts.timeline.domain.chain import event_hash
from alerts.timeline.ledger import Subject
from alerts.timeline.models import Event


def write_events(factory: sessionmaker[Session], clock: FakeClock, count: int) -> None:
    for index in range(count):
        clock.advance(timedelta(seconds=1))
        with write_transaction(factory) as session:
            ledger.record(session, clock.now(), "test.event", Subject("test", index), {"n": index})


def run(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["audit", *args], env={"ALERTS_DATABASE_URL": settings.database_url}
    )
    return result.exit_code, result.output


def edit(session: Session) -> None:
    session.execute(update(Event).where(Event.seq == 3).values(data={"n": 99}))


def delete(session: Session) -> None:
    session.delete(session.scalars(select(Event).where(Event.seq == 3)).one())


def shift_up_from(session: Session, seq: int) -> None:
    # Two steps, so the unique seq never collides on the way.
    session.execute(update(Event).where(Event.seq >= seq).values(seq=Event.seq + 1000))
    session.execute(update(Event).where(Event.seq >= 1000).values(seq=Event.seq - 999))


def insert(session: Session) -> None:
    """A forger's row at position 3, hashed properly and linked to event 2."""
    two = session.scalars(select(Event).where(Event.seq == 2)).one()
    shift_up_from(session, 3)
    fields = {
        "seq": 3,
        "occurred_at": two.occurred_at,
        "actor": "system",
        "kind": "test.event",
        "subject_type": "test",
        "subject_id": 42,
        "incident_id": None,
        "data": {"n": 42},
    }
    digest = event_hash(prev_hash=two.hash, **fields)  # type: ignore[arg-type]
    # The old event 3 now links to the forgery; the unique prev_hash allows nothing else.
    session.execute(update(Event).where(Event.seq == 4).values(prev_hash=digest))
    session.add(Event(prev_hash=two.hash, hash=digest, **fields))


def reorder(session: Session) -> None:
    session.execute(update(Event).where(Event.seq == 3).values(seq=1003))
    session.execute(update(Event).where(Event.seq == 4).values(seq=3))
    session.execute(update(Event).where(Event.seq == 1003).values(seq=4))


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (edit, "TAMPERED at event seq 3 (altered) [test.event"),
        (delete, "TAMPERED at event seq 3 (deleted)"),
        (insert, "TAMPERED at event seq 3 (inserted) [test.event"),
        (reorder, "TAMPERED at event seq 3 (reordered) [test.event"),
    ],
)
def test_each_kind_of_tampering_is_named(
    settings: Settings,
    factory: sessionmaker[Session],
    clock: FakeClock,
    tamper,
    expected,  # type: ignore[no-untyped-def]
) -> None:
    write_events(factory, clock, 6)
    assert run(settings, "verify")[0] == 0
    with factory() as session, session.begin():
        tamper(session)
    code, output = run(settings, "verify")
    assert code == 1
    assert expected in output
    assert "2 events before it are intact" in output


def test_intact_chain(settings: Settings, factory: sessionmaker[Session], clock: FakeClock) -> None:
    write_events(factory, clock, 4)
    code, output = run(settings, "verify")
    assert code == 0 and "OK: 4 events, chain intact" in output
    # The tests connect to PostgreSQL as `postgres`, whom the append-only trigger lets through.
    postgres = settings.database_url.startswith("postgresql")
    assert ("connected as a PostgreSQL superuser" in output) is postgres


def test_anchor_catches_deleted_newest_events(
    settings: Settings, factory: sessionmaker[Session], clock: FakeClock, tmp_path: Path
) -> None:
    write_events(factory, clock, 5)
    code, saved = run(settings, "anchor")
    assert code == 0 and saved.startswith("anchor ") and "5 events, the last at" in saved
    token = saved.split()[1]
    assert run(settings, "verify", "--anchor", token)[0] == 0
    with factory() as session, session.begin():
        session.execute(text("DELETE FROM events WHERE seq >= 4"))
    assert run(settings, "verify")[0] == 0  # nothing inside the chain shows it
    code, output = run(settings, "verify", "--anchor", token)
    assert code == 1 and "(truncated)" in output and "events 4–5 were deleted" in output
    file = tmp_path / "anchors.txt"
    file.write_text(saved)
    assert run(settings, "verify", "--anchor-file", str(file))[0] == 1


def test_anchor_json_and_errors(
    settings: Settings, factory: sessionmaker[Session], clock: FakeClock
) -> None:
    code, output = run(settings, "anchor")
    assert code == 1 and "timeline is empty" in output
    write_events(factory, clock, 2)
    code, output = run(settings, "anchor", "--json")
    record = json.loads(output)
    assert record["count"] == 2 and record["anchor"] == f"{record['hash']}:2"
    code, output = run(settings, "verify", "--anchor", "nonsense")
    assert code == 2 and "not an anchor" in output
