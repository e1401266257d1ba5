"""What a report holds, before it is rendered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from alerts.audit.domain.access import Detail
from alerts.audit.domain.metrics.aggregate import Dimension, GroupSummary
from alerts.audit.domain.metrics.response import ImmediateBy, ImmediateCounts
from alerts.audit.domain.metrics.stages import Stage
from alerts.audit.domain.periods import Period

ReportKind = Literal["latency", "noncompliance"]
Format = Literal["html", "csv", "json"]
FORMATS: tuple[Format, ...] = ("html", "csv", "json")
DEFAULT_STUCK_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    mission: str | None = None  # canonical name; None: every mission
    sector: str | None = None
    detail: Detail = "anonymised"
    stuck_after: timedelta = DEFAULT_STUCK_AFTER


@dataclass(frozen=True)
class IncidentRow:
    incident_id: int
    ref: str
    mission: str | None
    sector: str | None
    base: str | None
    unit: str | None
    threat: str
    month: str
    first_report_at: datetime
    first_report_source: str
    reports: int
    seconds: dict[Stage, float | None]
    attack_ended_at: datetime | None
    end_known: bool
    immediate: bool
    immediate_by: ImmediateBy | None
    answered: bool
    lat: float | None  # rounded to 0.1° unless the report is full
    lon: float | None
    # Full detail only; None in an anonymised report.
    place: str | None = None
    informants: tuple[str, ...] | None = None


@dataclass(frozen=True)
class StuckRow:
    incident: IncidentRow
    stage: str
    since: datetime
    waiting_s: float


@dataclass(frozen=True)
class HistoricalRate:
    """Imported past attacks of one mission: how many drew a response during them."""

    mission: str
    attacks: int
    response_known: int
    response_during: int

    @property
    def rate(self) -> float | None:
        return None if self.response_known == 0 else self.response_during / self.response_known


@dataclass(frozen=True)
class LatencyReport:
    request: ReportRequest
    generated_at: datetime
    incidents: list[IncidentRow]
    overall: GroupSummary
    groups: dict[Dimension, list[GroupSummary]]
    immediate: ImmediateCounts
    unanswered: list[IncidentRow]
    stuck: list[StuckRow]
    false_alarms: int
    history: list[HistoricalRate] = field(default_factory=list)
    kind: ReportKind = "latency"


@dataclass(frozen=True)
class NoncomplianceRow:
    id: int
    occurred_at: datetime
    recorded_at: datetime
    category: str
    trigger: str
    reason_code: str
    mission: str | None
    sector: str | None
    base: str | None
    unit: str
    country: str | None
    incident_ref: str
    tasking_id: int
    # The `noncompliance.recorded` event: whether there is one, and its leaf in the log
    # (None while it waits for the sequencer).
    attested: bool
    evidence_leaf: int | None
    reason_text: str | None = None  # full detail only: the unit's own words


@dataclass(frozen=True)
class MissionTally:
    mission: str
    refusals: int
    failures: int

    @property
    def nil(self) -> bool:
        return self.refusals == 0 and self.failures == 0


@dataclass(frozen=True)
class HistoricalTally:
    mission: str
    kind: str
    dated: int
    undated: int


@dataclass(frozen=True)
class NoncomplianceReport:
    request: ReportRequest
    generated_at: datetime
    rows: list[NoncomplianceRow]
    missions: list[MissionTally]
    by_reason: dict[str, dict[str, int]]  # reason code → category → count
    by_trigger: dict[str, int]
    unattested: int  # rows without their event in the timeline
    history: list[HistoricalTally] = field(default_factory=list)
    kind: ReportKind = "noncompliance"

    @property
    def nil(self) -> bool:
        return not self.rows

    @property
    def refusals(self) -> int:
        return sum(1 for r in self.rows if r.category == "refusal")

    @property
    def failures(self) -> int:
        return sum(1 for r in self.rows if r.category == "failure")


Report = LatencyReport | NoncomplianceReport
