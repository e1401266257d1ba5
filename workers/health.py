"""Redis and the RQ workers as a probe sees them.

Workers keep no heartbeat of their own in the database: RQ already registers
each worker in Redis and stamps its `last_heartbeat` (idle or busy, see
`worker_ttl` in `runner.py`), and a worker without Redis can do nothing anyway.
The scheduler reads that registry each tick and keeps what it saw with its own
heartbeat, in the database, where the console reads it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker

from alerts.core.domain.health import (
    HealthBounds,
    RedisState,
    WorkerBeat,
    redis_problem,
    stale_workers,
)
from workers.queue import QUEUE_NAME


def probe_client(url: str) -> Redis:
    """A client for probes: a dead or blackholed Redis answers within a second."""
    return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def redis_state(redis: Redis) -> RedisState:
    try:
        redis.ping()
        memory = redis.info("memory")
    except (RedisError, OSError) as error:
        return RedisState(error=type(error).__name__)
    return RedisState(
        used_memory=int(memory.get("used_memory", 0)),
        maxmemory=int(memory.get("maxmemory", 0)),
    )


def worker_beats(redis: Redis) -> list[WorkerBeat]:
    """The workers registered on the alerts queue, and their last heartbeat."""
    workers = Worker.all(queue=Queue(QUEUE_NAME, connection=redis))
    return [WorkerBeat(w.name, w.last_heartbeat) for w in workers]


def worker_ttl(stale: timedelta) -> int:
    """RQ's `worker_ttl` for workers whose heartbeat goes stale after `stale`: an idle
    worker beats every `worker_ttl - 15` s, so at least twice within `stale`."""
    return max(20, int(stale.total_seconds() / 2) + 15)


def observe(redis: Redis, bounds: HealthBounds) -> dict[str, Any]:
    """What the scheduler keeps with its heartbeat: Redis's state and the workers'.

    Worker heartbeats are stamped by RQ with each worker's wall clock, so they are
    judged against this host's wall clock, not the system's (possibly fake) clock.
    """
    state = redis_state(redis)
    seen: dict[str, Any] = {"redis": redis_problem(state, bounds)}
    if state.error is not None:
        return seen | {"workers": None, "stale_workers": []}
    try:
        beats = worker_beats(redis)
    except (RedisError, OSError) as error:
        return seen | {
            "redis": f"unreachable: {type(error).__name__}",
            "workers": None,
            "stale_workers": [],
        }
    stale = stale_workers(beats, datetime.now(UTC), bounds.worker_stale)
    return seen | {"workers": len(beats) - len(stale), "stale_workers": stale}
