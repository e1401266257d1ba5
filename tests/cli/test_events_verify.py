"""`alerts events verify` is `alerts audit verify` under the name older runbooks use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from click.testing import CliRunner
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli import main
from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.core.settings import Settings
from alerts.timeline import ledger
from alerts.timeline.domain.kinds import EventData, EventKind
from alerts.timeline.ledger import Subject
from alerts.timeline.log_key import load_log_key
from alerts.timeline.models import Event
from alerts.timeline.sequencer import seal_all


@dataclass(frozen=True)
class Note(EventData):
    kind: ClassVar[EventKind] = EventKind.INCIDENT_NOTE
    n: int


def verify(settings: Settings) -> tuple[int, str]:
    env = {"ALERTS_DATABASE_URL": settings.database_url, "ALERTS_LOG_KEY": settings.log_key or ""}
    result = CliRunner().invoke(main, ["events", "verify"], env=env)
    return result.exit_code, result.output


def test_the_old_name_runs_the_same_check(
    settings: Settings, factory: sessionmaker[Session], clock: FakeClock
) -> None:
    for n in range(5):
        with write_transaction(factory) as session:
            ledger.record(session, clock.now(), Note(n), Subject("test", n))
    seal_all(factory, load_log_key(settings.log_key), clock.now())
    code, output = verify(settings)
    assert code == 0 and "OK: 5 leaves rebuilt from their events" in output
    with factory() as session, session.begin():
        session.execute(update(Event).where(Event.subject_id == 2).values(data={"n": 99}))
    code, output = verify(settings)
    assert code == 1 and "TAMPERED (edited)" in output
