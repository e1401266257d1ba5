"""When a message nobody has handled is queued again, and when it is stuck.

A queue can lose a job it accepted (a Redis crash inside its fsync window, a
failover, a restore), and a job can use up its retries while the database is
down. The database still holds the message, unhandled: it is handed over again,
a bounded number of times, and then shown to people instead of tried for ever.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

Step = Literal["wait", "requeue", "stuck"]


def next_step(
    handed_over_at: datetime,
    requeues: int,
    now: datetime,
    after: timedelta,
    max_attempts: int,
) -> Step:
    """What to do with a message still unhandled, and not waiting in the outbox.

    Args:
        handed_over_at: when it last went to the queue (or arrived, if it never did).
        requeues: how many times it was queued again already.
        after: how long a handed-over message may take before that counts as lost.
        max_attempts: re-queues allowed; one more lapse after the last makes it stuck.
    """
    if now - handed_over_at < after:
        return "wait"
    return "requeue" if requeues < max_attempts else "stuck"
