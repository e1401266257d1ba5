"""Deadlines kept in the database: set with a tasking, settled by its replies.

A job queue's delayed jobs die with the worker that holds them (RQ notices a
killed worker only after its heartbeat expires, about eleven minutes), so a
promise like "ACK within five minutes" lives in a table, and the scheduler
fires what falls due (see `sweeper`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.db.session import hold_rows
from alerts.correlation.models import Incident
from alerts.dispatch.domain.escalation_chain import Trigger
from alerts.dispatch.models import Deadline, Tasking

TRIGGER_OF: dict[str, Trigger] = {
    "ack": "no_ack",
    "depart": "no_departure",
    "arrive": "no_arrival",
    "deliver": "undelivered",  # the unit has no duty phone: due at once
}


def schedule(
    session: Session, now: datetime, tasking: Tasking, kind: str, due_at: datetime
) -> Deadline:
    if kind not in TRIGGER_OF:
        raise ValueError(f"unknown deadline kind {kind!r}")
    deadline = Deadline(
        incident_id=tasking.incident_id,
        tasking_id=tasking.id,
        kind=kind,
        due_at=due_at,
        status="pending",
        created_at=now,
    )
    session.add(deadline)
    session.flush()
    return deadline


def cancel(
    session: Session, now: datetime, tasking_id: int, kinds: Iterable[str] | None = None
) -> int:
    """Settle the tasking's pending deadlines (of `kinds`, or all): their promise was kept."""
    query = select(Deadline).where(Deadline.tasking_id == tasking_id, Deadline.status == "pending")
    if kinds is not None:
        query = query.where(Deadline.kind.in_(list(kinds)))
    settled = 0
    for deadline in session.scalars(query):
        deadline.status, deadline.settled_at = "cancelled", now
        settled += 1
    return settled


def cancel_incident(session: Session, now: datetime, incident_id: int) -> int:
    """Settle every pending deadline of an incident: someone took charge, or it is over."""
    settled = 0
    for deadline in session.scalars(
        select(Deadline).where(Deadline.incident_id == incident_id, Deadline.status == "pending")
    ):
        deadline.status, deadline.settled_at = "cancelled", now
        settled += 1
    return settled


def pending_for(session: Session, tasking_id: int) -> list[Deadline]:
    return list(
        session.scalars(
            select(Deadline)
            .where(Deadline.tasking_id == tasking_id, Deadline.status == "pending")
            .order_by(Deadline.due_at)
        )
    )


def move(session: Session, tasking_id: int, incident_id: int) -> list[str]:
    """Carry the tasking's pending deadlines to the incident it moved to; their kinds.

    The scheduler fires a deadline as part of its incident (it holds that row first),
    so one left behind on a merged incident would be settled as moot, unfired.
    """
    moved = pending_for(session, tasking_id)
    for deadline in moved:
        deadline.incident_id = incident_id
    return [deadline.kind for deadline in moved]


def count_from_send(
    session: Session, tasking_id: int, queued_at: datetime, sent_at: datetime
) -> list[Deadline]:
    """The ACK deadline set with an order SMS queued at `queued_at` counts from the
    moment the provider accepted it, `sent_at`: a unit is given its whole ACK time
    however long the order waited in our queues and lane. Returns what moved.

    Only a deadline still pending moves (one that fired while the order waited has
    escalated already), and only the one scheduled with this SMS, in its transaction.
    """
    wait = sent_at - queued_at
    tasking = session.get(Tasking, tasking_id)
    if wait <= timedelta(0) or tasking is None:
        return []
    hold_rows(session, Incident, [tasking.incident_id])  # its deadlines change under it only
    ids = session.scalars(
        select(Deadline.id).where(
            Deadline.tasking_id == tasking_id,
            Deadline.kind == "ack",
            Deadline.status == "pending",
            Deadline.created_at == queued_at,
        )
    ).all()
    moved = [deadline for deadline in hold_rows(session, Deadline, ids)
             if deadline.status == "pending"]  # fmt: skip
    for deadline in moved:
        deadline.due_at = deadline.due_at + wait
    return moved
