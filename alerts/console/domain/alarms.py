"""The JOC alarms about the system itself: what must be seen above the queue,
because an alert may be waiting somewhere nobody looks.

Built from facts the console reads from the database: the scheduler's heartbeat
and what it saw of Redis and the workers, and the outbox's waiting rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

AlarmKind = Literal["scheduler", "redis", "workers", "outbox"]


@dataclass(frozen=True)
class Alarm:
    kind: AlarmKind
    title: str
    detail: str
    since: datetime | None = None


def scheduler_alarm(problem: str, last_beat: datetime | None) -> Alarm:
    return Alarm(
        "scheduler",
        "Scheduler heartbeat stale",
        f"{problem}. Deadlines do not fire, silence does not escalate and lost messages are "
        "not queued again until `alerts scheduler` runs. Watch the taskings by hand.",
        last_beat,
    )


def seen_alarms(seen: Mapping[str, Any], at: datetime) -> list[Alarm]:
    """Alarms from what a live scheduler saw on its last tick."""
    alarms = []
    if seen.get("redis"):
        alarms.append(
            Alarm(
                "redis",
                "Redis cannot take jobs",
                f"Redis: {seen['redis']}. New work waits in the outbox (nothing is lost) and "
                "leaves when Redis has room again; free memory or restart Redis.",
                at,
            )
        )
    stale = seen.get("stale_workers") or []
    if stale:
        alarms.append(
            Alarm(
                "workers",
                "Worker heartbeat stale",
                f"No heartbeat from worker {', '.join(stale)}: killed or hung. Its job is "
                "queued again after the bound; start another worker.",
                at,
            )
        )
    elif seen.get("workers") == 0:
        alarms.append(
            Alarm(
                "workers",
                "No worker running",
                "No RQ worker serves the queue: alerts are stored but not processed. "
                "Start `alerts worker`.",
                at,
            )
        )
    return alarms


def outbox_alarm(waiting: int, oldest: datetime | None, error: str) -> Alarm:
    return Alarm(
        "outbox",
        "Jobs waiting in the outbox",
        f"{waiting} job{'' if waiting == 1 else 's'} not handed to the queue: {error}. They are "
        "kept in the database and relayed as soon as the queue takes them.",
        oldest,
    )
