"""The facts behind the console's system alarms and its stuck list, from the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from alerts.console.domain.alarms import Alarm, outbox_alarm, scheduler_alarm, seen_alarms
from alerts.core.domain.health import HealthBounds, heartbeat_problem
from alerts.pipeline import health
from alerts.pipeline.unprocessed import StuckMessage, stuck_messages

__all__ = ["Alarm", "StuckMessage", "stuck_messages", "system_alarms"]


def system_alarms(session: Session, now: datetime, bounds: HealthBounds) -> list[Alarm]:
    """Everything about the system that a JOC officer must see now, most basic first."""
    alarms = []
    heartbeat = health.last_beat(session, health.SCHEDULER)
    beat_at = heartbeat.beat_at if heartbeat else None
    problem = heartbeat_problem(beat_at, now, bounds.scheduler_stale)
    if problem is not None:
        alarms.append(scheduler_alarm(problem, beat_at))
    elif heartbeat is not None:
        alarms.extend(seen_alarms(heartbeat.seen, heartbeat.beat_at))
    waiting = health.backlog(session, now, cap=bounds.max_unrelayed + 1)
    if waiting.relay_error is not None:
        alarms.append(
            outbox_alarm(waiting.unrelayed, waiting.oldest_unrelayed, waiting.relay_error)
        )
    return alarms
