"""The events the metrics read, as plain tuples: a report reads up to millions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, NamedTuple


class LedgerEntry(NamedTuple):
    """One event as the metrics see it. A NamedTuple, not a dataclass: a report
    over a million events builds a million of these, and tuples are cheap."""

    seq: int
    at: datetime
    kind: str
    subject_id: int | None
    incident_id: int | None
    data: Mapping[str, Any]


# Events whose data the metrics never read: the loader may skip fetching it.
DATALESS_KINDS: Final = frozenset(
    {
        "message.received",
        "incident.verified",
        "incident.false_alarm",
        "incident.reopened",
        "tasking.acknowledged",
        "tasking.departed",
        "tasking.arrived",
    }
)

# Every kind the metrics read; all others are skipped by the loader.
METRIC_KINDS: Final = DATALESS_KINDS | frozenset(
    {
        "alert.located",
        "alert.unlocated",
        "incident.opened",
        "incident.report_attached",
        "incident.relocated",
        "incident.routed",
        "incident.closed",
        "incident.merged",
        "incident.merge_undone",
        "incident.split",
        "incident.split_undone",
        "incident.attack_ended",
        "incident.response_action",
        "tasking.created",
    }
)
