"""Reading the events the metrics need, fast: one ordered, streamed scan of plain rows.

A year of a busy mission is millions of events, so the scan is the report's
cost. Two things keep it small: rows come through the Core connection, not the
ORM's result machinery, and JSON is parsed in Python only for rare kinds. For
the frequent ones the database hands over the one field the metrics read (a
report's message, a routing's base: not its every candidate).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Select, case, null, or_, select, type_coerce
from sqlalchemy.orm import Session

from alerts.audit.domain.metrics.entries import METRIC_KINDS, LedgerEntry
from alerts.audit.domain.metrics.stages import IncidentTimes, incident_times
from alerts.timeline.domain.kinds import EventKind
from alerts.timeline.models import Event

FETCH = 50_000
_EMPTY: dict[str, Any] = {}
# Kinds whose whole data is fetched and parsed: rare ones, or ones with lists.
_WHOLE = frozenset(
    {
        EventKind.INCIDENT_CLOSED,
        EventKind.INCIDENT_MERGED,
        EventKind.INCIDENT_MERGE_UNDONE,
        EventKind.INCIDENT_SPLIT,
        EventKind.INCIDENT_SPLIT_UNDONE,
        EventKind.INCIDENT_ATTACK_ENDED,
        EventKind.INCIDENT_RESPONSE_ACTION,
    }
)
# The one number (and flag) read from each frequent kind, taken out by the database.
_NUMBER: dict[str, str] = {
    EventKind.INCIDENT_OPENED: "report_id",
    EventKind.INCIDENT_REPORT_ATTACHED: "report_id",
    EventKind.ALERT_LOCATED: "message_id",
    EventKind.ALERT_UNLOCATED: "message_id",
    EventKind.TASKING_CREATED: "unit_id",
    EventKind.INCIDENT_ROUTED: "base_id",
}
_RELOCATED = EventKind.INCIDENT_RELOCATED  # read once: compared for every event


def _alert_messages() -> Select[Any]:
    located = Event.kind.in_((EventKind.ALERT_LOCATED, EventKind.ALERT_UNLOCATED))
    return select(Event.data["message_id"].as_integer()).where(located)


def _query(since: datetime | None) -> Select[Any]:
    number = case(
        *((Event.kind == kind, Event.data[key].as_integer()) for kind, key in _NUMBER.items())
    )
    flag = case(
        (Event.kind == EventKind.ALERT_LOCATED, Event.data["ambiguous"].as_boolean()),
        (Event.kind == EventKind.INCIDENT_RELOCATED, Event.data["lat"].as_float().is_not(None)),
    )
    query = (
        select(
            Event.id,
            # Not through UTCDateTime: a million calls of it cost a second. Aware times
            # compare and subtract correctly in any zone; SQLite's naive ones are made
            # UTC below, and everything shown is converted to UTC where it is shown.
            type_coerce(Event.occurred_at, DateTime(timezone=True)),
            Event.kind,
            Event.subject_id,
            Event.incident_id,
            case((Event.kind.in_(sorted(_WHOLE)), Event.data), else_=null()),
            number,
            flag,
        )
        .where(
            Event.kind.in_(sorted(METRIC_KINDS)),
            # Of the messages, only alerts: a unit's every ACK is a message too, and its
            # tasking event already says all the metrics need of it.
            or_(
                Event.kind != EventKind.MESSAGE_RECEIVED,
                Event.subject_id.in_(_alert_messages()),
            ),
        )
        .order_by(Event.id)
    )
    return query if since is None else query.where(Event.occurred_at >= since)


def metric_entries(session: Session, since: datetime | None = None) -> Iterator[LedgerEntry]:
    """Events of the metric kinds in sequence order, from `since` on if given."""
    # Streamed (a server-side cursor on PostgreSQL): memory stays flat whatever the year held.
    result = session.connection().execution_options(yield_per=FETCH).execute(_query(since))
    for event_id, at, kind, subject_id, incident_id, data, number, flag in result:
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        if data is None:
            key = _NUMBER.get(kind)
            if key is not None:
                data = {key: number, "ambiguous": bool(flag)}
            elif kind == _RELOCATED:  # the metrics ask only whether it has a place
                data = {"lat": 0.0 if flag else None}
            else:
                data = _EMPTY
        yield LedgerEntry(event_id, at, kind, subject_id, incident_id, data)


def all_incident_times(session: Session, since: datetime | None = None) -> dict[int, IncidentTimes]:
    """Every incident's stage times; from `since` on, those whose first report is later."""
    return incident_times(metric_entries(session, since), complete=since is None)
