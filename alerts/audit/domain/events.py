"""The events the audit records: a history imported, the facts an evaluator
adds about an incident, and every full (not anonymised) export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from alerts.timeline.domain.kinds import EventData, EventKind


@dataclass(frozen=True)
class HistoryImported(EventData):
    """A dataset of past incidents, named by its file's sha256."""

    kind: ClassVar = EventKind.HISTORY_IMPORTED
    dataset: str
    sha256: str
    kept: int
    bad_rows: int
    replaced: int


@dataclass(frozen=True)
class AttackEnded(EventData):
    """When the attack itself ended: a response before this was immediate."""

    kind: ClassVar = EventKind.INCIDENT_ATTACK_ENDED
    ended_at: datetime


@dataclass(frozen=True)
class ResponseAction(EventData):
    kind: ClassVar = EventKind.INCIDENT_RESPONSE_ACTION
    action: str
    at: datetime


@dataclass(frozen=True)
class FullExport(EventData):
    """A report with full detail left the system: which, for what, and why."""

    kind: ClassVar = EventKind.REPORT_FULL_EXPORT
    report: str
    format: str
    table: str | None
    first: str
    last: str
    mission: str | None
    sector: str | None
    rows: int
    reason: str
