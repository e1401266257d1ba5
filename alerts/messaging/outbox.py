"""Hand committed work to the job queue, at least once, without duplicates.

A row is first claimed with a short lease (so two relays never enqueue it
together), then enqueued, then marked relayed. If the queue is down, the
claim is released and the row waits for the next relay; if the relay dies
mid-way, the lease expires and another relay picks it up.

A webhook's own row is marked relayed a batch at a time (`RelayedMarks`): a
second transaction per request cost intake a sixth of its CPU.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import bindparam, case, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.session import write_transaction
from alerts.core.domain.jobs import PRIORITIES, Job, Priority
from alerts.core.ports import JobQueue, QueueUnavailable
from alerts.messaging.models import Outbox

log = logging.getLogger(__name__)

# Long enough for one enqueue; short enough that a row orphaned by a crash
# between commit and enqueue is picked up by the scheduler within seconds.
CLAIM_LEASE = timedelta(seconds=30)

HandOver = Literal["relayed", "queue_down", "failed"]


@dataclass(frozen=True)
class OutboxItem:
    id: int
    # As stored, not a `Job`: a row written by a newer release may name a job this
    # one does not know, and the queue refuses that row alone (see `hand_over`).
    job: str
    ref_id: int
    priority: str = Priority.ALERTS


def claimed_row(
    job: Job, ref_id: int, now: datetime, priority: Priority = Priority.ALERTS
) -> Outbox:
    """An outbox row its writer will hand over itself, right after commit.

    Claimed from birth, so no relay races the writer for it; if the writer
    dies before handing it over, the lease runs out and the scheduler does it.
    """
    return Outbox(
        job=job,
        ref_id=ref_id,
        created_at=now,
        claimed_until=now + CLAIM_LEASE,
        attempts=1,
        priority=priority,
    )


def _claim(factory: sessionmaker[Session], row_id: int, now: datetime) -> bool:
    with write_transaction(factory) as session:
        claimed = session.execute(
            update(Outbox)
            .where(
                Outbox.id == row_id,
                Outbox.relayed_at.is_(None),
                (Outbox.claimed_until.is_(None)) | (Outbox.claimed_until < now),
            )
            .values(claimed_until=now + CLAIM_LEASE, attempts=Outbox.attempts + 1)
        )
        return bool(claimed.rowcount)  # type: ignore[attr-defined]


def _finish(factory: sessionmaker[Session], row_id: int, now: datetime, error: str | None) -> None:
    with write_transaction(factory) as session:
        values: dict[str, object]
        if error is None:
            values = {"relayed_at": now, "last_error": None}
        else:
            values = {"claimed_until": None, "last_error": error[:200]}
        session.execute(update(Outbox).where(Outbox.id == row_id).values(**values))


def hand_over(
    factory: sessionmaker[Session],
    queue: JobQueue,
    item: OutboxItem,
    now: datetime,
    marks: RelayedMarks | None = None,
) -> HandOver:
    """Enqueue one row this process holds the claim on, and mark it relayed: at once,
    or with `marks` in the next batch.

    On failure the claim is released, so the next relay retries it.
    """
    try:
        queue.enqueue(item.job, item.ref_id, job_id=f"outbox-{item.id}", priority=item.priority)
    except QueueUnavailable as error:
        log.warning("outbox %s not relayed, will retry: %s", item.id, error)
        _finish(factory, item.id, now, str(error))
        return "queue_down"
    except Exception as error:
        # One bad row (say, a job name from a newer release) must not block the rest.
        log.exception("outbox %s cannot be relayed", item.id)
        _finish(factory, item.id, now, f"{type(error).__name__}: {error}")
        return "failed"
    if marks is None:
        _finish(factory, item.id, now, None)
    else:
        marks.add(item.id, now)
    return "relayed"


class RelayedMarks:
    """Rows this process has handed to the queue, marked relayed a batch at a time.

    A thread of its own writes what gathered every `interval_s` while there is
    work, then ends; `flush()` writes at once (at exit, and in tests). A mark lost
    with its process costs only time: the row's claim runs out, the scheduler
    relays it again, and the job, which skips a message already handled, does
    nothing the second time.
    """

    def __init__(self, factory: sessionmaker[Session], interval_s: float = 0.2) -> None:
        self._factory = factory
        self._interval_s = interval_s
        self._lock = threading.Lock()
        self._pending: list[dict[str, object]] = []
        self._writer: threading.Thread | None = None
        self._writer_pid = 0
        atexit.register(_flush_if_alive, weakref.ref(self))

    def add(self, row_id: int, now: datetime) -> None:
        with self._lock:
            self._pending.append({"row_id": row_id, "relayed_at": now})
            # A forked process (gunicorn's workers) inherits the list but not the thread.
            if self._writer is None or self._writer_pid != os.getpid():
                self._writer = threading.Thread(
                    target=self._write_while_busy, name="outbox-marks", daemon=True
                )
                self._writer_pid = os.getpid()
                self._writer.start()

    def flush(self) -> int:
        """Mark what has gathered; returns how many rows. Never raises: a failed batch
        is left to the scheduler, as a lost one would be."""
        with self._lock:
            batch, self._pending = self._pending, []
        if not batch:
            return 0
        try:
            with write_transaction(self._factory) as session:
                session.connection().execute(
                    update(Outbox)
                    .where(Outbox.id == bindparam("row_id"), Outbox.relayed_at.is_(None))
                    .values(relayed_at=bindparam("relayed_at"), last_error=None),
                    batch,
                )
        except Exception as error:
            log.warning(
                "%d outbox rows relayed but not marked (%s); the scheduler will see to them",
                len(batch),
                type(error).__name__,
            )
            return 0
        return len(batch)

    def _write_while_busy(self) -> None:
        while True:
            time.sleep(self._interval_s)
            self.flush()
            with self._lock:
                if not self._pending:
                    self._writer = None
                    return


def _flush_if_alive(marks: weakref.ref[RelayedMarks]) -> None:
    alive = marks()
    if alive is not None:
        alive.flush()


_RANK = case(
    {priority.value: rank for rank, priority in enumerate(PRIORITIES)},
    value=Outbox.priority,
    else_=len(PRIORITIES),
)


def relay(factory: sessionmaker[Session], queue: JobQueue, now: datetime, limit: int = 200) -> int:
    """Enqueue pending outbox rows that are due and nobody holds a live claim on.
    Returns how many went."""
    with factory() as session:
        pending = session.execute(
            select(Outbox.id, Outbox.job, Outbox.ref_id, Outbox.priority)
            .where(
                Outbox.relayed_at.is_(None),
                (Outbox.claimed_until.is_(None)) | (Outbox.claimed_until < now),
                # A paced SMS waits in the database for its slot, not in Redis.
                (Outbox.due_at.is_(None)) | (Outbox.due_at <= now),
            )
            # Orders first here too, when more are waiting than one relay takes.
            .order_by(_RANK, Outbox.due_at.is_not(None), Outbox.due_at, Outbox.id)
            .limit(limit)
        ).all()
    relayed = 0
    for row in pending:
        if not _claim(factory, row.id, now):
            continue
        item = OutboxItem(row.id, row.job, row.ref_id, row.priority)
        outcome = hand_over(factory, queue, item, now)
        if outcome == "queue_down":
            break  # the remaining rows would fail the same way
        relayed += outcome == "relayed"
    return relayed


def pending_count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        query = select(func.count()).select_from(Outbox).where(Outbox.relayed_at.is_(None))
        return int(session.scalar(query) or 0)
