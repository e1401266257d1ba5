"""The baseline: the hash-chained timeline as it was before the transparency log.

Re-created from commit 1607807 (`alerts/services/ledger.py`, `alerts/db/session.py`'s
`lock_ledger`, `alerts/audit/verify.py`) against a table of its own, `chained_events`,
in the benchmark's private schema, so the old append and the old audit run in the
same run as the new ones. Every writer took one advisory lock, read the chain's head,
hashed the event over the head's hash and inserted it; the audit walks the chain in
sequence order with `alerts.audit.domain.tampering.audit_chain`, which still exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Index, Integer, String, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from alerts.audit.domain.tampering import ChainAudit, StoredEvent, audit_chain
from alerts.core.db.types import JSONDocument, UTCDateTime, json_safe
from alerts.timeline import live
from alerts.timeline.domain.chain import GENESIS_HASH, event_hash
from alerts.timeline.domain.kinds import Payload
from alerts.timeline.ledger import SYSTEM, Subject

BATCH = 5000  # rows per read, as the old verifier read them


class Base(DeclarativeBase):
    """Metadata of the benchmark's own: never the app's, never migrated."""


class ChainedEvent(Base):
    """The old `events` table (commit 1607807), with its indexes; no foreign key to
    incidents, which this table is never joined with."""

    __tablename__ = "chained_events"
    __table_args__ = (Index("ix_chained_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    incident_id: Mapped[int | None] = mapped_column(Integer, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


def create_table(engine: Engine) -> None:
    """In the schema the engine's search_path names: the run's private one."""
    Base.metadata.create_all(engine)


def chained_record(
    session: Session,
    now: datetime,
    payload: Payload,
    subject: Subject,
    lock_key: int,
    *,
    actor: str = SYSTEM,
    incident_id: int | None = None,
) -> ChainedEvent:
    """The old `ledger.record`: lock, read the head, hash over it, insert.

    `lock_key` is the run's own (the old key, 7_215_001, is the dispatch lock now),
    so two runs in two schemas never queue on each other.
    """
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key})
    head = session.execute(
        select(ChainedEvent.seq, ChainedEvent.hash, ChainedEvent.occurred_at)
        .order_by(ChainedEvent.seq.desc())
        .limit(1)
    ).first()
    kind = str(payload.kind)
    data = json_safe(payload.data())
    occurred_at = now
    if head is not None and head.occurred_at > now:
        data["clock_behind_us"] = int((head.occurred_at - now).total_seconds() * 1e6)
        occurred_at = head.occurred_at
    seq = 1 if head is None else head.seq + 1
    prev = GENESIS_HASH if head is None else head.hash
    event = ChainedEvent(
        seq=seq,
        occurred_at=occurred_at,
        actor=actor,
        kind=kind,
        subject_type=subject.type,
        subject_id=subject.id,
        incident_id=incident_id,
        data=data,
        prev_hash=prev,
        hash=event_hash(
            prev_hash=prev, seq=seq, occurred_at=occurred_at, actor=actor, kind=kind,
            subject_type=subject.type, subject_id=subject.id, incident_id=incident_id,
            data=data,
        ),
    )  # fmt: skip
    session.add(event)
    session.flush()
    live.remember(session, seq, kind, incident_id)
    return event


def stored_chain(session: Session, batch: int = BATCH) -> Iterator[StoredEvent]:
    """Every chained event in sequence order with its row id, as the old verifier read it."""
    columns = [getattr(ChainedEvent, name) for name in COLUMNS]
    last = 0
    while True:
        rows = session.execute(
            select(*columns).where(ChainedEvent.seq > last).order_by(ChainedEvent.seq).limit(batch)
        ).all()
        for row in rows:
            yield StoredEvent(
                seq=row.seq, occurred_at=row.occurred_at, actor=row.actor, kind=row.kind,
                subject_type=row.subject_type, subject_id=row.subject_id,
                incident_id=row.incident_id, data=row.data, prev_hash=row.prev_hash,
                hash=row.hash, row_id=row.id,
            )  # fmt: skip
        if len(rows) < batch:
            return
        last = rows[-1].seq


COLUMNS = (
    "id", "seq", "occurred_at", "actor", "kind", "subject_type", "subject_id", "incident_id",
    "data", "prev_hash", "hash",
)  # fmt: skip


def verify_chain(session: Session) -> ChainAudit:
    """The old `alerts audit verify`: walk the whole chain, name the first tampering."""

    def seq_of_hash(digest: str) -> int | None:
        return session.scalar(select(ChainedEvent.seq).where(ChainedEvent.hash == digest))

    return audit_chain(stored_chain(session), seq_of_hash)
