"""Hand committed work to the job queue, at least once, without duplicates.

A row is first claimed with a short lease (so two relays never enqueue it
together), then enqueued, then marked relayed. If the queue is down, the
claim is released and the row waits for the next relay; if the relay dies
mid-way, the lease expires and another relay picks it up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.session import write_transaction
from alerts.core.domain.jobs import Job
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


def claimed_row(job: Job, ref_id: int, now: datetime) -> Outbox:
    """An outbox row its writer will hand over itself, right after commit.

    Claimed from birth, so no relay races the writer for it; if the writer
    dies before handing it over, the lease runs out and the scheduler does it.
    """
    return Outbox(
        job=job, ref_id=ref_id, created_at=now, claimed_until=now + CLAIM_LEASE, attempts=1
    )


def _claim(factory: sessionmaker[Session], row_id: int, now: datetime) -> bool:
    with write_transaction(factory, dispatch=False) as session:
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
    with write_transaction(factory, dispatch=False) as session:
        values: dict[str, object]
        if error is None:
            values = {"relayed_at": now, "last_error": None}
        else:
            values = {"claimed_until": None, "last_error": error[:200]}
        session.execute(update(Outbox).where(Outbox.id == row_id).values(**values))


def hand_over(
    factory: sessionmaker[Session], queue: JobQueue, item: OutboxItem, now: datetime
) -> HandOver:
    """Enqueue one row this process holds the claim on, and mark it relayed.

    On failure the claim is released, so the next relay retries it.
    """
    try:
        queue.enqueue(item.job, item.ref_id, job_id=f"outbox-{item.id}")
    except QueueUnavailable as error:
        log.warning("outbox %s not relayed, will retry: %s", item.id, error)
        _finish(factory, item.id, now, str(error))
        return "queue_down"
    except Exception as error:
        # One bad row (say, a job name from a newer release) must not block the rest.
        log.exception("outbox %s cannot be relayed", item.id)
        _finish(factory, item.id, now, f"{type(error).__name__}: {error}")
        return "failed"
    _finish(factory, item.id, now, None)
    return "relayed"


def relay(factory: sessionmaker[Session], queue: JobQueue, now: datetime, limit: int = 200) -> int:
    """Enqueue pending outbox rows that are due and nobody holds a live claim on.
    Returns how many went."""
    with factory() as session:
        pending = session.execute(
            select(Outbox.id, Outbox.job, Outbox.ref_id)
            .where(
                Outbox.relayed_at.is_(None),
                (Outbox.claimed_until.is_(None)) | (Outbox.claimed_until < now),
                # A paced SMS waits in the database for its slot, not in Redis.
                (Outbox.due_at.is_(None)) | (Outbox.due_at <= now),
            )
            .order_by(Outbox.due_at.is_not(None), Outbox.due_at, Outbox.id)
            .limit(limit)
        ).all()
    relayed = 0
    for row in pending:
        if not _claim(factory, row.id, now):
            continue
        outcome = hand_over(factory, queue, OutboxItem(row.id, row.job, row.ref_id), now)
        if outcome == "queue_down":
            break  # the remaining rows would fail the same way
        relayed += outcome == "relayed"
    return relayed


def pending_count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        query = select(func.count()).select_from(Outbox).where(Outbox.relayed_at.is_(None))
        return int(session.scalar(query) or 0)
