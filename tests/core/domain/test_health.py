"""The verdicts behind /readyz and the console's alarms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.core.domain.health import (
    HealthBounds,
    RedisState,
    WorkerBeat,
    backlog_problem,
    heartbeat_problem,
    redis_problem,
    stale_workers,
)

NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
BOUNDS = HealthBounds()


@pytest.mark.parametrize(
    ("state", "problem"),
    [
        (RedisState(), None),  # no maxmemory: never "full"
        (RedisState(used_memory=80, maxmemory=100), None),
        (RedisState(used_memory=90, maxmemory=100), "memory 90% of maxmemory (90 of 100 bytes)"),
        (RedisState(error="ConnectionError"), "unreachable: ConnectionError"),
    ],
)
def test_redis_problem(state: RedisState, problem: str | None) -> None:
    assert redis_problem(state, BOUNDS) == problem


@pytest.mark.parametrize(
    ("beat_at", "problem"),
    [
        (None, "no heartbeat ever recorded"),
        (NOW - timedelta(seconds=30), None),
        (NOW - timedelta(seconds=31), "last heartbeat 31 s ago (limit 30 s)"),
    ],
)
def test_heartbeat_problem(beat_at: datetime | None, problem: str | None) -> None:
    assert heartbeat_problem(beat_at, NOW, BOUNDS.scheduler_stale) == problem


def test_stale_workers_are_named() -> None:
    beats = [
        WorkerBeat("alive", NOW - timedelta(seconds=10)),
        WorkerBeat("killed", NOW - timedelta(minutes=5)),
        WorkerBeat("never", None),
    ]
    assert stale_workers(beats, NOW, BOUNDS.worker_stale) == ["killed", "never"]


@pytest.mark.parametrize(
    ("unprocessed", "unrelayed", "problem"),
    [
        (500, 100, None),
        (501, 0, "more than 500 messages unprocessed"),
        (0, 101, "more than 100 outbox rows not handed to the queue"),
    ],
)
def test_backlog_problem(unprocessed: int, unrelayed: int, problem: str | None) -> None:
    assert backlog_problem(unprocessed, unrelayed, BOUNDS) == problem
