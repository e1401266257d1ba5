"""What "healthy" means, as values: the bounds an operator sets, and the verdicts
readiness and the console's alarms draw from what was observed.

Pure: the observations (a heartbeat's time, Redis's memory, a backlog's size) are
gathered by the callers, from the database and from Redis.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal


@dataclass(frozen=True)
class HealthBounds:
    """Bounds past which something is wrong (ALERTS_* settings, see the README).

    Args:
        reprocess_after: a message still unhandled this long after it was handed to
            the queue is queued again. Longer than RQ's own retries (about 83 s) and
            than a worst normal backlog, so a job that is merely waiting is not doubled.
        max_process_attempts: re-queues after which a message still unhandled is stuck.
        scheduler_stale: the scheduler beats every tick (a second); silent this long, it
            is taken for dead.
        worker_stale: an RQ worker silent this long is taken for dead.
        max_unprocessed: more unhandled messages than this: the pipeline is not keeping up.
        max_unrelayed: more outbox rows due and not handed to the queue: the queue is
            not taking work.
        redis_memory_pct: Redis above this share of its `maxmemory` is (nearly) full.
    """

    reprocess_after: timedelta = timedelta(minutes=5)
    max_process_attempts: int = 3
    scheduler_stale: timedelta = timedelta(seconds=30)
    worker_stale: timedelta = timedelta(seconds=60)
    max_unprocessed: int = 500
    max_unrelayed: int = 100
    redis_memory_pct: float = 90.0


@dataclass(frozen=True)
class RedisState:
    """Redis as a probe saw it: reachable or not (and why), and its memory."""

    error: str | None = None
    used_memory: int = 0
    maxmemory: int = 0  # 0: no limit

    @property
    def memory_pct(self) -> float | None:
        return 100.0 * self.used_memory / self.maxmemory if self.maxmemory else None


def redis_problem(state: RedisState, bounds: HealthBounds) -> str | None:
    """Why Redis cannot take jobs now, or None. A full Redis refuses writes
    (`noeviction`): the outbox keeps the jobs, but nothing moves until memory is freed."""
    if state.error is not None:
        return f"unreachable: {state.error}"
    pct = state.memory_pct
    if pct is not None and pct >= bounds.redis_memory_pct:
        return f"memory {pct:.0f}% of maxmemory ({state.used_memory} of {state.maxmemory} bytes)"
    return None


def heartbeat_problem(beat_at: datetime | None, now: datetime, stale: timedelta) -> str | None:
    """Why a heartbeat does not vouch for its process, or None."""
    if beat_at is None:
        return "no heartbeat ever recorded"
    silent = now - beat_at
    if silent > stale:
        limit = stale.total_seconds()
        return f"last heartbeat {silent.total_seconds():.0f} s ago (limit {limit:.0f} s)"
    return None


@dataclass(frozen=True)
class WorkerBeat:
    name: str
    last_heartbeat: datetime | None


def stale_workers(beats: list[WorkerBeat], now: datetime, stale: timedelta) -> list[str]:
    """The registered workers whose heartbeat is older than `stale` (killed, or hung)."""
    return [b.name for b in beats if heartbeat_problem(b.last_heartbeat, now, stale) is not None]


CheckName = Literal["database", "redis", "scheduler", "backlog"]


@dataclass(frozen=True)
class Check:
    name: CheckName
    problem: str | None = None
    facts: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problem is None


def backlog_problem(unprocessed: int, unrelayed: int, bounds: HealthBounds) -> str | None:
    problems = []
    if unprocessed > bounds.max_unprocessed:
        problems.append(f"more than {bounds.max_unprocessed} messages unprocessed")
    if unrelayed > bounds.max_unrelayed:
        problems.append(f"more than {bounds.max_unrelayed} outbox rows not handed to the queue")
    return "; ".join(problems) or None
