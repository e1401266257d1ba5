"""The jobs the outbox hands to the queue: declared once, so a writer, the relay
and the worker registry cannot spell one differently.

The values are stored in `outbox.job` and name RQ jobs: never rename one.
"""

from __future__ import annotations

from enum import StrEnum


class Job(StrEnum):
    PROCESS_MESSAGE = "process_message"  # an inbound SMS: intake, locate, correlate, dispatch
    SEND_SMS = "send_sms"  # one queued outbound SMS


class Priority(StrEnum):
    """Which queue a job waits in, decided when its outbox row is written.

    Workers take from the queues in `PRIORITIES` order, so an order never waits
    behind a flood of new alerts. The values are stored in `outbox.priority`:
    never rename one.
    """

    ORDERS = "orders"  # taskings, escalations, callbacks: a unit or the JOC must act
    REPLIES = "replies"  # what units and contacts send in, and our other SMS
    ALERTS = "alerts"  # a new report from the community
    BULK = "bulk"  # replays and other work nobody waits for


# Highest first: the order every worker listens in.
PRIORITIES: tuple[Priority, ...] = (
    Priority.ORDERS,
    Priority.REPLIES,
    Priority.ALERTS,
    Priority.BULK,
)
