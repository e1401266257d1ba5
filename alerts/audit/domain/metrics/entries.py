"""The events the metrics read, as plain tuples: a report reads up to millions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, NamedTuple

from alerts.timeline.domain.kinds import EventKind


class LedgerEntry(NamedTuple):
    """One event as the metrics see it. A NamedTuple, not a dataclass: a report
    over a million events builds a million of these, and tuples are cheap."""

    event_id: int  # its order in the timeline
    at: datetime
    kind: str
    subject_id: int | None
    incident_id: int | None
    data: Mapping[str, Any]


# Events whose data the metrics never read: the loader may skip fetching it.
DATALESS_KINDS: Final = frozenset(
    {
        EventKind.MESSAGE_RECEIVED,
        EventKind.INCIDENT_VERIFIED,
        EventKind.INCIDENT_FALSE_ALARM,
        EventKind.INCIDENT_REOPENED,
        EventKind.TASKING_ACKNOWLEDGED,
        EventKind.TASKING_DEPARTED,
        EventKind.TASKING_ARRIVED,
    }
)

# Every kind the metrics read; all others are skipped by the loader.
METRIC_KINDS: Final = DATALESS_KINDS | frozenset(
    {
        EventKind.ALERT_LOCATED,
        EventKind.ALERT_UNLOCATED,
        EventKind.INCIDENT_OPENED,
        EventKind.INCIDENT_REPORT_ATTACHED,
        EventKind.INCIDENT_RELOCATED,
        EventKind.INCIDENT_ROUTED,
        EventKind.INCIDENT_CLOSED,
        EventKind.INCIDENT_MERGED,
        EventKind.INCIDENT_MERGE_UNDONE,
        EventKind.INCIDENT_SPLIT,
        EventKind.INCIDENT_SPLIT_UNDONE,
        EventKind.INCIDENT_ATTACK_ENDED,
        EventKind.INCIDENT_RESPONSE_ACTION,
        EventKind.TASKING_CREATED,
    }
)
