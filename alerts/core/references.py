"""Fresh short references, unique in their table."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from alerts.core.domain.refs import new_ref


def unused_ref(session: Session, column: InstrumentedAttribute[str]) -> str:
    for _ in range(20):
        ref = new_ref()
        if session.scalar(select(column).where(column == ref)) is None:
            return ref
    raise RuntimeError("could not find a free reference; widen REF_LENGTH")
