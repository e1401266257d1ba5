"""Hand committed work to the job queue, at least once, without duplicates.

A row is first claimed with a short lease (so two relays never enqueue it
together), then enqueued, then marked relayed. If the queue is down, the
claim is released and the row waits for the next relay; if the relay dies
mid-way, the lease expires and another relay picks it up.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from alerts.db.models import Outbox
from alerts.db.session import write_transaction
from alerts.services.ports import JobQueue, QueueUnavailable

log = logging.getLogger(__name__)

CLAIM_LEASE = timedelta(seconds=60)


def _claim(factory: sessionmaker[Session], row_id: int, now: datetime) -> bool:
    with write_transaction(factory, ledger=False) as session:
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
    with write_transaction(factory, ledger=False) as session:
        values: dict[str, object]
        if error is None:
            values = {"relayed_at": now, "last_error": None}
        else:
            values = {"claimed_until": None, "last_error": error[:200]}
        session.execute(update(Outbox).where(Outbox.id == row_id).values(**values))


def relay(
    factory: sessionmaker[Session],
    queue: JobQueue,
    now: datetime,
    only_ids: list[int] | None = None,
    limit: int = 200,
) -> int:
    """Enqueue pending outbox rows (all, or just `only_ids`). Returns how many went."""
    with factory() as session:
        query = select(Outbox.id, Outbox.job, Outbox.ref_id).where(Outbox.relayed_at.is_(None))
        if only_ids is not None:
            query = query.where(Outbox.id.in_(only_ids))
        pending = session.execute(query.order_by(Outbox.id).limit(limit)).all()
    relayed = 0
    for row in pending:
        if not _claim(factory, row.id, now):
            continue
        try:
            queue.enqueue(row.job, row.ref_id, job_id=f"outbox-{row.id}")
        except QueueUnavailable as error:
            log.warning("outbox %s not relayed, will retry: %s", row.id, error)
            _finish(factory, row.id, now, str(error))
            # The queue is down: the remaining rows would fail the same way.
            break
        except Exception as error:
            # One bad row (say, a job name from a newer release) must not block the rest.
            log.exception("outbox %s cannot be relayed", row.id)
            _finish(factory, row.id, now, f"{type(error).__name__}: {error}")
            continue
        _finish(factory, row.id, now, None)
        relayed += 1
    return relayed


def pending_count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        query = select(func.count()).select_from(Outbox).where(Outbox.relayed_at.is_(None))
        return int(session.scalar(query) or 0)
