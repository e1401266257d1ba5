"""Heartbeats and backlogs: what the database says about the pipeline's health.

The scheduler beats once a tick, in the database, with what it saw of Redis and
the RQ workers; readiness (`/readyz`) and the console's alarms read it back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.inserts import insert_unless_taken
from alerts.core.db.session import write_transaction
from alerts.core.domain.health import (
    Check,
    HealthBounds,
    RedisState,
    backlog_problem,
    heartbeat_problem,
    redis_problem,
)
from alerts.intake.models import InboundMessage
from alerts.messaging.models import Outbox
from alerts.pipeline.models import Heartbeat

SCHEDULER = "scheduler"


def beat(factory: sessionmaker[Session], name: str, now: datetime, seen: dict[str, Any]) -> None:
    """Record that `name` is alive at `now`, and what it saw."""
    with write_transaction(factory) as session:
        updated = session.execute(
            update(Heartbeat).where(Heartbeat.name == name).values(beat_at=now, seen=seen)
        )
        if not updated.rowcount:  # type: ignore[attr-defined]
            dialect = session.get_bind().dialect.name
            session.execute(
                insert_unless_taken(dialect, Heartbeat).values(name=name, beat_at=now, seen=seen)
            )


def last_beat(session: Session, name: str) -> Heartbeat | None:
    return session.get(Heartbeat, name)


@dataclass(frozen=True)
class Backlog:
    """Work waiting, counted up to a cap (the count past it says nothing more)."""

    unprocessed: int
    unrelayed: int
    oldest_unrelayed: datetime | None = None
    relay_error: str | None = None


def _capped_count(session: Session, query: Any, cap: int) -> int:
    return int(session.scalar(select(func.count()).select_from(query.limit(cap).subquery())) or 0)


def backlog(session: Session, now: datetime, cap: int = 10_000) -> Backlog:
    unprocessed = _capped_count(
        session, select(InboundMessage.id).where(InboundMessage.handled_as.is_(None)), cap
    )
    due = (Outbox.relayed_at.is_(None)) & ((Outbox.due_at.is_(None)) | (Outbox.due_at <= now))
    unrelayed = _capped_count(session, select(Outbox.id).where(due), cap)
    oldest = None
    if unrelayed:
        oldest = session.execute(
            select(Outbox.created_at, Outbox.last_error)
            .where(due)
            .order_by(Outbox.last_error.is_(None), Outbox.id)
            .limit(1)
        ).first()
    return Backlog(
        unprocessed,
        unrelayed,
        oldest.created_at if oldest else None,
        oldest.last_error if oldest else None,
    )


def readiness(
    factory: sessionmaker[Session], redis: RedisState, now: datetime, bounds: HealthBounds
) -> list[Check]:
    """The checks behind `/readyz`: the database, Redis, a live scheduler, the backlog."""
    redis_check = Check(
        "redis",
        redis_problem(redis, bounds),
        {"memory_pct": None if redis.memory_pct is None else round(redis.memory_pct, 1)},
    )
    cap = max(bounds.max_unprocessed, bounds.max_unrelayed) + 1
    try:
        with factory() as session:
            heartbeat = last_beat(session, SCHEDULER)
            waiting = backlog(session, now, cap)
    except SQLAlchemyError as error:
        # Neither a heartbeat nor a backlog can be read: only the database is known to fail.
        unknown: dict[str, object] = {"unknown": "the database cannot be read"}
        return [
            Check("database", f"unreachable: {type(error).__name__}"),
            redis_check,
            Check("scheduler", None, unknown),
            Check("backlog", None, unknown),
        ]
    beat_at = heartbeat.beat_at if heartbeat else None
    return [
        Check("database"),
        redis_check,
        Check(
            "scheduler",
            heartbeat_problem(beat_at, now, bounds.scheduler_stale),
            {"last_beat": beat_at.isoformat() if beat_at else None},
        ),
        Check(
            "backlog",
            backlog_problem(waiting.unprocessed, waiting.unrelayed, bounds),
            {"unprocessed": waiting.unprocessed, "unrelayed": waiting.unrelayed},
        ),
    ]
