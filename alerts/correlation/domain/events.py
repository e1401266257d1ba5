"""The events correlation records: an incident opened, joined, moved, closed,
merged or split, and a merge or split undone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from alerts.correlation.domain.status import IncidentStatus, TriageReason
from alerts.timeline.domain.kinds import EventData, EventKind, key


@dataclass(frozen=True)
class IncidentOpened(EventData):
    kind: ClassVar = EventKind.INCIDENT_OPENED
    ref: str
    report_id: int
    status: IncidentStatus
    triage_reason: TriageReason | None
    threat: str
    severity: int
    continuation_of: int | None


@dataclass(frozen=True)
class ReportAttached(EventData):
    """A report joined the incident; `decision` is correlation's, when it chose."""

    kind: ClassVar = EventKind.INCIDENT_REPORT_ATTACHED
    report_id: int
    reason: str
    informants: int
    severity: int
    decision: dict[str, object] | None


@dataclass(frozen=True)
class IncidentRelocated(EventData):
    """A report moved the incident; `from_` is where it was (lat, lon, radius_m)."""

    kind: ClassVar = EventKind.INCIDENT_RELOCATED
    report_id: int
    from_: dict[str, float | None] = field(metadata=key("from"))
    method: str
    lat: float | None
    lon: float | None
    radius_m: float | None


@dataclass(frozen=True)
class IncidentClosed(EventData):
    kind: ClassVar = EventKind.INCIDENT_CLOSED
    outcome: list[str]


@dataclass(frozen=True)
class IncidentMerged(EventData):
    """`absorbed` was merged into `into`; its status before, so an undo restores it."""

    kind: ClassVar = EventKind.INCIDENT_MERGED
    into: int
    absorbed: int
    moved_reports: list[int]
    absorbed_status: IncidentStatus
    reason: str


@dataclass(frozen=True)
class IncidentSplit(EventData):
    kind: ClassVar = EventKind.INCIDENT_SPLIT
    from_: int = field(metadata=key("from"))
    new: int
    new_ref: str
    moved_reports: list[int]
    reason: str


@dataclass(frozen=True)
class MergeUndone(EventData):
    """`undoes` names the merge undone: its event id (its chain seq before the log)."""

    kind: ClassVar = EventKind.INCIDENT_MERGE_UNDONE
    undoes: int
    moved_reports: list[int]
    reason: str


@dataclass(frozen=True)
class SplitUndone(MergeUndone):
    kind: ClassVar = EventKind.INCIDENT_SPLIT_UNDONE
