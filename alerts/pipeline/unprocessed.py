"""Every stored SMS is processed: the scheduler's sweep of messages nobody handled.

Once Redis has accepted a job, the outbox marks it relayed and forgets it. If
Redis then loses the job (a crash inside its fsync window, a failover, a
restore), or the job uses up its retries while the database is down, the
message stays unhandled in the database. Each tick, a message still unhandled
`reprocess_after` after its last hand-over gets a new outbox row (the relay
that follows in the same tick enqueues it, under that row's own job id, so a
relay repeated after a crash queues nothing twice). After
`max_process_attempts` re-queues it is stuck: recorded, logged, and listed in
the console with the last error a worker met, never dropped in silence.

A message waiting in the outbox is left alone: the queue is down or full, the
outbox alarm says so, and a re-queue would only wait beside it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.context import ServiceContext
from alerts.core.db.inserts import insert_unless_taken
from alerts.core.db.session import write_transaction
from alerts.core.domain.health import HealthBounds
from alerts.core.domain.jobs import Job
from alerts.core.log import redact
from alerts.intake.domain.priority import message_priority
from alerts.intake.models import InboundMessage
from alerts.messaging.models import Outbox
from alerts.pipeline.domain.events import MessageRequeued, MessageStuck
from alerts.pipeline.domain.unprocessed import next_step
from alerts.pipeline.models import MessageRetry
from alerts.registry.models import Sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

log = logging.getLogger(__name__)

NO_ERROR = "no worker reported an error: the queue lost the job, or no worker took it"


@dataclass(frozen=True)
class Lapsed:
    """An unhandled message as the sweep found it."""

    message_id: int
    handed_over_at: datetime
    requeues: int
    failures: int
    last_error: str | None


@dataclass(frozen=True)
class SweepResult:
    requeued: int = 0
    stuck: int = 0


def sweep(ctx: ServiceContext, bounds: HealthBounds, limit: int = 100) -> SweepResult:
    """Queue again what lapsed; declare stuck what lapsed after its last re-queue."""
    now = ctx.clock.now()
    with ctx.factory() as session:
        lapsed = _lapsed(session, now - bounds.reprocess_after, limit)
    requeued = stuck = 0
    for item in lapsed:
        step = next_step(
            item.handed_over_at,
            item.requeues,
            now,
            bounds.reprocess_after,
            bounds.max_process_attempts,
        )
        try:
            if step == "requeue":
                requeued += _requeue(ctx, item, now)
            elif step == "stuck":
                stuck += _declare_stuck(ctx, item, now)
        except Exception:
            # One bad row must not hold up the rest, nor the relay after this sweep.
            log.exception("message %s could not be swept; retrying next tick", item.message_id)
    return SweepResult(requeued, stuck)


def _lapsed(session: Session, cutoff: datetime, limit: int) -> list[Lapsed]:
    rows = session.execute(
        select(
            InboundMessage.id,
            InboundMessage.received_at,
            MessageRetry.requeues,
            MessageRetry.requeued_at,
            MessageRetry.failures,
            MessageRetry.last_error,
        )
        .outerjoin(MessageRetry, MessageRetry.message_id == InboundMessage.id)
        .where(
            InboundMessage.handled_as.is_(None),
            InboundMessage.received_at <= cutoff,
            MessageRetry.stuck_at.is_(None),
            or_(MessageRetry.requeued_at.is_(None), MessageRetry.requeued_at <= cutoff),
        )
        .order_by(InboundMessage.received_at, InboundMessage.id)
        .limit(limit)
    ).all()
    if not rows:
        return []
    hand_overs = {
        ref_id: (last_relayed, waiting)
        for ref_id, last_relayed, waiting in session.execute(
            select(
                Outbox.ref_id,
                func.max(Outbox.relayed_at),
                func.count(Outbox.id) - func.count(Outbox.relayed_at),
            )
            .where(Outbox.job == Job.PROCESS_MESSAGE, Outbox.ref_id.in_([r.id for r in rows]))
            .group_by(Outbox.ref_id)
        )
    }
    lapsed = []
    for row in rows:
        last_relayed, waiting = hand_overs.get(row.id, (None, 0))
        if waiting:
            continue  # still in the outbox: not lost, the queue has not taken it yet
        moments = [row.received_at, row.requeued_at, last_relayed]
        lapsed.append(
            Lapsed(
                row.id,
                max(m for m in moments if m is not None),
                row.requeues or 0,
                row.failures or 0,
                row.last_error,
            )
        )
    return lapsed


def _ensure_row(session: Session, message_id: int) -> None:
    dialect = session.get_bind().dialect.name
    session.execute(
        insert_unless_taken(dialect, MessageRetry).values(
            message_id=message_id, requeues=0, failures=0
        )
    )


def _still_unhandled(session: Session, message_id: int) -> bool:
    handled = session.scalar(
        select(InboundMessage.handled_as).where(InboundMessage.id == message_id)
    )
    return handled is None


def _requeue(ctx: ServiceContext, item: Lapsed, now: datetime) -> bool:
    with write_transaction(ctx.factory) as session:
        if not _still_unhandled(session, item.message_id):
            return False  # handled meanwhile
        _ensure_row(session, item.message_id)
        # Conditional on the count we saw: of two schedulers, one queues this attempt.
        won = session.execute(
            update(MessageRetry)
            .where(
                MessageRetry.message_id == item.message_id,
                MessageRetry.requeues == item.requeues,
                MessageRetry.stuck_at.is_(None),
            )
            .values(requeues=item.requeues + 1, requeued_at=now)
        )
        if not won.rowcount:  # type: ignore[attr-defined]
            return False
        role = session.scalar(
            select(Sender.role)
            .join(InboundMessage, InboundMessage.sender_id == Sender.id)
            .where(InboundMessage.id == item.message_id)
        )
        session.add(
            Outbox(job=Job.PROCESS_MESSAGE, ref_id=item.message_id, created_at=now, attempts=0,
                   priority=message_priority(role))  # a unit's reply keeps its place
        )  # fmt: skip
        waited_s = int((now - item.handed_over_at).total_seconds())
        ledger.record(
            session,
            now,
            MessageRequeued(
                attempt=item.requeues + 1, waited_s=waited_s, last_error=item.last_error
            ),
            Subject("message", item.message_id),
        )
    log.warning(
        "message %s unhandled %d s after its hand-over; queued again (attempt %d)",
        item.message_id,
        waited_s,
        item.requeues + 1,
    )
    return True


def _declare_stuck(ctx: ServiceContext, item: Lapsed, now: datetime) -> bool:
    with write_transaction(ctx.factory) as session:
        if not _still_unhandled(session, item.message_id):
            return False
        _ensure_row(session, item.message_id)
        won = session.execute(
            update(MessageRetry)
            .where(MessageRetry.message_id == item.message_id, MessageRetry.stuck_at.is_(None))
            .values(stuck_at=now)
        )
        if not won.rowcount:  # type: ignore[attr-defined]
            return False
        error = item.last_error or NO_ERROR
        ledger.record(
            session,
            now,
            MessageStuck(attempts=item.requeues, failures=item.failures, error=error),
            Subject("message", item.message_id),
        )
    log.error("message %s is stuck after %d re-queues: %s", item.message_id, item.requeues, error)
    return True


def record_failure(
    factory: sessionmaker[Session], message_id: int, error: BaseException, now: datetime
) -> None:
    """A worker failed on this message: keep the error, for the stuck list. Never raises:
    in a database outage this write fails too, and the sweep notices the lapse later."""
    text = redact(f"{type(error).__name__}: {error}")[:200]
    try:
        with write_transaction(factory) as session:
            _ensure_row(session, message_id)
            session.execute(
                update(MessageRetry)
                .where(MessageRetry.message_id == message_id)
                .values(failures=MessageRetry.failures + 1, last_error=text, failed_at=now)
            )
    except Exception as failure:
        log.warning("failure of message %s not recorded (%s)", message_id, type(failure).__name__)


@dataclass(frozen=True)
class StuckMessage:
    message_id: int
    ref: str
    sender: str
    received_at: datetime
    stuck_at: datetime
    attempts: int
    error: str
    text: str


def stuck_messages(session: Session, limit: int = 20) -> list[StuckMessage]:
    """Stuck messages nobody has handled since, oldest first."""
    rows = session.execute(
        select(InboundMessage, MessageRetry, Sender.pseudonym)
        .join(MessageRetry, MessageRetry.message_id == InboundMessage.id)
        .join(Sender, Sender.id == InboundMessage.sender_id)
        .where(MessageRetry.stuck_at.is_not(None), InboundMessage.handled_as.is_(None))
        .order_by(InboundMessage.received_at, InboundMessage.id)
        .limit(limit)
    ).all()
    return [
        StuckMessage(
            message.id,
            message.ref,
            pseudonym,
            message.received_at,
            retry.stuck_at or message.received_at,
            retry.requeues,
            retry.last_error or NO_ERROR,
            message.body,
        )
        for message, retry, pseudonym in rows
    ]
