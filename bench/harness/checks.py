"""Inside the app's run: advisory locks sampled during it, and what it left behind."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from redis import Redis
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from alerts.audit.log_verify import verify_log
from alerts.core.db.session import session_factory
from alerts.intake.models import InboundMessage
from alerts.messaging.models import Outbox
from alerts.timeline.models import Event, LogLeaf
from alerts.timeline.sequencer import seal_all
from workers.queue import QUEUE_NAMES

SEAL_WITHIN_S = 60


class LockSampler:
    """Every 100 ms, how many of the app's database sessions wait on an advisory lock.

    Since the transparency log, intake takes none: events are appended without a
    lock, and only dispatch decisions and the sequencer take one. So a waiter here
    is a regression. The servers connect under their own application_name, so
    other users of the database are not counted.
    """

    QUERY = text(
        "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock' AND wait_event = 'advisory'),"
        " count(*) FILTER (WHERE state = 'active')"
        " FROM pg_stat_activity WHERE application_name = :ours"
    )

    EVERY_S = 0.1

    def __init__(self, engine: Engine, application_name: str) -> None:
        self.engine, self.ours = engine, application_name
        self.samples: list[tuple[int, int]] = []  # (waiting on the lock, running a statement)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with self.engine.connect() as connection:
            while not self._stop.wait(self.EVERY_S):
                waiting, active = connection.execute(self.QUERY, {"ours": self.ours}).one()
                connection.rollback()  # pg_stat_activity is a snapshot per transaction
                self.samples.append((int(waiting), int(active)))
                self.sampled()

    def sampled(self) -> None:
        """What a subclass samples beside the sessions, at the same moment."""

    def __enter__(self) -> LockSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def summary(self) -> tuple[float, float, float]:
        """Mean sessions waiting on the lock, mean running a statement, share of samples
        with at least one waiting."""
        n = len(self.samples) or 1
        return (
            sum(w for w, _ in self.samples) / n,
            sum(a for _, a in self.samples) / n,
            sum(1 for w, _ in self.samples if w) / n,
        )


@dataclass(frozen=True)
class Checks:
    timed: int  # webhooks the app was sent in the timed run
    stored: int  # ...of which stored as messages
    expected_total: int  # webhooks sent to the app, warm-up included
    messages: int  # messages in the schema
    outbox_rows: int
    unrelayed: int  # outbox rows never handed to Redis
    jobs: int  # jobs waiting in the RQ queue (no worker runs, so all of them)
    events: int  # events in the schema
    leaves: int  # ...sealed into the log and rebuilt from their events by `verify_log`
    log_finding: str | None  # the first tampering it named, if any

    @property
    def ok(self) -> bool:
        everything = {self.messages, self.outbox_rows, self.jobs}
        return (
            self.stored == self.timed
            and everything == {self.expected_total}
            and self.unrelayed == 0
            and self.log_finding is None
            and self.leaves == self.events
        )

    def summary(self) -> str:
        log = "intact" if self.log_finding is None else f"not intact: {self.log_finding}"
        return (
            f"Loss check ({'as expected' if self.ok else '**MISMATCH**'}): {self.stored} of "
            f"the {self.timed} timed webhooks stored; {self.expected_total} sent in all (warm-up "
            f"included) gave {self.messages} messages, {self.outbox_rows} outbox rows "
            f"({self.unrelayed} unrelayed) and {self.jobs} RQ jobs; event log {log} "
            f"({self.leaves} of its {self.events} events sealed, then rebuilt by `verify_log`)."
        )


def seal_everything(factory: sessionmaker[Session], key: Ed25519PrivateKey) -> int:
    """Seal every event, with a key of the run's own: no scheduler runs during the intake
    benchmark. The sequencer seals only what no older transaction could still precede,
    and on a shared PostgreSQL another database's open transaction holds that back: try
    again for a while. The number of events in the schema."""
    deadline = time.monotonic() + SEAL_WITHIN_S
    while True:
        seal_all(factory, key, datetime.now(UTC))
        with factory() as session:
            events = int(session.scalar(select(func.count()).select_from(Event)) or 0)
            leaves = int(session.scalar(select(func.count()).select_from(LogLeaf)) or 0)
        if leaves >= events or time.monotonic() > deadline:
            return events
        time.sleep(0.5)


def check(engine: Engine, redis_url: str, timed_sids: list[str], expected_total: int) -> Checks:
    factory = session_factory(engine)
    key = Ed25519PrivateKey.generate()
    events = seal_everything(factory, key)
    with factory() as session:
        stored = session.scalar(
            select(func.count())
            .select_from(InboundMessage)
            .where(InboundMessage.provider_sid.in_(timed_sids))
        )
        messages = session.scalar(select(func.count()).select_from(InboundMessage))
        outbox_rows = session.scalar(select(func.count()).select_from(Outbox))
        unrelayed = session.scalar(
            select(func.count()).select_from(Outbox).where(Outbox.relayed_at.is_(None))
        )
        audit = verify_log(session, key.public_key())
        finding = audit.first
    with Redis.from_url(redis_url) as redis:
        jobs = sum(int(redis.llen(f"rq:queue:{name}")) for name in QUEUE_NAMES)
    return Checks(
        timed=len(timed_sids),
        stored=int(stored or 0),
        expected_total=expected_total,
        messages=int(messages or 0),
        outbox_rows=int(outbox_rows or 0),
        unrelayed=int(unrelayed or 0),
        jobs=jobs,
        events=events,
        leaves=audit.leaves,
        log_finding=None if finding is None else f"{finding.kind}: {finding.detail}",
    )
