"""Which SMS go first: orders and their escalations before everything else."""

from __future__ import annotations

from alerts.core.domain.jobs import Priority

# Purposes that carry an order or its escalation: the JOC must hear when they wait.
URGENT = frozenset({"tasking", "escalation", "callback"})


def sms_priority(purpose: str, *, bulk: bool = False) -> Priority:
    """The queue of one outgoing SMS's send job. Receipts, help and the like go with
    the unit replies: work already under way ends before new alerts start. A bulk
    run's SMS (a live replay) wait for everything else, orders included."""
    if bulk:
        return Priority.BULK
    return Priority.ORDERS if purpose in URGENT else Priority.REPLIES
