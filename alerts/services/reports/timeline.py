"""Reading the events the metrics need, fast: one ordered scan, plain rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.db.models import Event
from alerts.domain.metrics.entries import METRIC_KINDS, LedgerEntry
from alerts.domain.metrics.stages import IncidentTimes, incident_times

FETCH = 20_000


def metric_entries(session: Session, since: datetime | None = None) -> Iterator[LedgerEntry]:
    """Events of the metric kinds in sequence order, from `since` on if given.

    Streamed (`yield_per`): a year of a busy mission is millions of events,
    and only the incidents' running state is kept, not the rows.
    """
    query = (
        select(
            Event.seq,
            Event.occurred_at,
            Event.kind,
            Event.subject_id,
            Event.incident_id,
            Event.data,
        )
        .where(Event.kind.in_(sorted(METRIC_KINDS)))
        .order_by(Event.seq)
    )
    if since is not None:
        query = query.where(Event.occurred_at >= since)
    for row in session.execute(query.execution_options(yield_per=FETCH)):
        yield LedgerEntry(*row)


def all_incident_times(session: Session, since: datetime | None = None) -> dict[int, IncidentTimes]:
    """Every incident's stage times; from `since` on, those whose first report is later."""
    return incident_times(metric_entries(session, since), complete=since is None)
