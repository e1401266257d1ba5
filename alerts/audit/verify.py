"""The evaluator's check of the timeline: what was done to it, and its anchor."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from alerts.audit.domain.tampering import Anchor, ChainAudit, StoredEvent, audit_chain
from alerts.timeline.models import Event

BATCH = 5000


@dataclass(frozen=True)
class NamedEvent:
    """The event a finding points at, as far as it still exists."""

    seq: int
    id: int
    kind: str
    occurred_at: datetime


@dataclass(frozen=True)
class AuditOutcome:
    audit: ChainAudit
    named: NamedEvent | None
    total: int  # rows in the table, intact or not
    superuser: bool = False  # connected as a role the append-only trigger does not bind


def chained_events(session: Session, batch: int = BATCH) -> Iterator[StoredEvent]:
    """Every event in sequence order with its row id, in batches so memory stays flat."""
    columns = (
        Event.id,
        Event.seq,
        Event.occurred_at,
        Event.actor,
        Event.kind,
        Event.subject_type,
        Event.subject_id,
        Event.incident_id,
        Event.data,
        Event.prev_hash,
        Event.hash,
    )
    last_seq: int | None = None
    while True:
        query = select(*columns).order_by(Event.seq).limit(batch)
        if last_seq is not None:
            query = query.where(Event.seq > last_seq)
        rows = session.execute(query).all()
        for row in rows:
            yield StoredEvent(
                seq=row.seq,
                occurred_at=row.occurred_at,
                actor=row.actor,
                kind=row.kind,
                subject_type=row.subject_type,
                subject_id=row.subject_id,
                incident_id=row.incident_id,
                data=row.data,
                prev_hash=row.prev_hash,
                hash=row.hash,
                row_id=row.id,
            )
        if len(rows) < batch:
            return
        last_seq = rows[-1].seq


def verify_ledger(session: Session, anchors: Sequence[Anchor] = ()) -> AuditOutcome:
    """Walk the whole chain in batches; name the first tampering and its kind."""

    def seq_of_hash(digest: str) -> int | None:
        return session.scalar(select(Event.seq).where(Event.hash == digest))

    audit = audit_chain(chained_events(session), seq_of_hash, anchors)
    named = None
    if audit.finding is not None:
        row = session.execute(
            select(Event.seq, Event.id, Event.kind, Event.occurred_at).where(
                Event.seq == audit.finding.seq
            )
        ).first()
        if row is not None:
            named = NamedEvent(row.seq, row.id, row.kind, row.occurred_at)
    total = session.scalar(select(func.count()).select_from(Event)) or 0
    return AuditOutcome(audit, named, total, bypasses_append_only(session))


def bypasses_append_only(session: Session) -> bool:
    """Whether this connection's role is one the append-only trigger lets through."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return bool(session.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")))


@dataclass(frozen=True)
class HeadAnchor:
    anchor: Anchor
    head_at: datetime


def head_anchor(session: Session) -> HeadAnchor | None:
    """The chain's head as an anchor; None for an empty timeline.

    The count is the head's sequence number: the chain numbers events from 1
    without gaps, which `verify_ledger` checks.
    """
    row = session.execute(
        select(Event.seq, Event.hash, Event.occurred_at).order_by(Event.seq.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return HeadAnchor(Anchor(row.hash, row.seq), row.occurred_at)
