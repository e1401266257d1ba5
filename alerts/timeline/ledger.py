"""Appending to and checking the hash-chained event log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.db.session import lock_ledger
from alerts.core.db.types import json_safe
from alerts.timeline import live
from alerts.timeline.domain.chain import GENESIS_HASH, event_hash
from alerts.timeline.models import Event

SYSTEM = "system"


@dataclass(frozen=True)
class Subject:
    type: str
    id: int | None


def record(
    session: Session,
    now: datetime,
    kind: str,
    subject: Subject,
    data: dict[str, Any] | None = None,
    *,
    actor: str = SYSTEM,
    incident_id: int | None = None,
) -> Event:
    """Append one event, inside a `write_transaction`.

    The ledger lock is taken here if the transaction does not hold it yet:
    short transactions (intake) thus hold it only from their first event to
    their commit.

    Times never run backwards in the chain: if a clock is behind the head
    (another process, a skewed host), the event takes the head's time, and the
    skew is kept in the data so nothing is hidden.
    """
    lock_ledger(session)
    head = session.execute(
        select(Event.seq, Event.hash, Event.occurred_at).order_by(Event.seq.desc()).limit(1)
    ).first()
    payload = json_safe(data or {})
    occurred_at = now
    if head is not None and head.occurred_at > now:
        payload["clock_behind_us"] = int((head.occurred_at - now).total_seconds() * 1e6)
        occurred_at = head.occurred_at
    seq = 1 if head is None else head.seq + 1
    prev = GENESIS_HASH if head is None else head.hash
    event = Event(
        seq=seq,
        occurred_at=occurred_at,
        actor=actor,
        kind=kind,
        subject_type=subject.type,
        subject_id=subject.id,
        incident_id=incident_id,
        data=payload,
        prev_hash=prev,
        hash=event_hash(
            prev_hash=prev,
            seq=seq,
            occurred_at=occurred_at,
            actor=actor,
            kind=kind,
            subject_type=subject.type,
            subject_id=subject.id,
            incident_id=incident_id,
            data=payload,
        ),
    )
    session.add(event)
    session.flush()
    # Published to open consoles once the transaction commits (see services/live.py).
    live.remember(session, seq, kind, incident_id)
    return event
