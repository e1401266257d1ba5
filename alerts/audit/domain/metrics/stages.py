"""Each incident's stage times, replayed from the event timeline.

Never from mutable columns: `incidents.first_report_at` or `taskings.status`
change as reports move and units answer, and can be edited; the hash-chained
events cannot without `alerts audit verify` noticing.

An incident's reports are followed through the events too (opened, attached,
merged, split, and their undoing), so a merge counts one attack once, from its
earliest report, with everything either incident saw.

Stages, each the earliest event that shows it was reached:

- located: a report of it located unambiguously (`alert.located`), or the
  incident given a place (`incident.relocated`);
- verified: `incident.verified`;
- tasked: the first `tasking.created`;
- acknowledged: the first ACK, or a DEP or ARR without one (a unit that departs
  has acknowledged, the rule replies follow);
- departed: the first DEP, or an ARR without one;
- on scene: the first ARR;
- closed: the last `incident.closed` not followed by `incident.reopened`.

A stage with no such event is missing: `None`, never zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal

from alerts.audit.domain.metrics.entries import LedgerEntry
from alerts.timeline.domain.kinds import EventKind

Stage = Literal["located", "verified", "tasked", "acknowledged", "departed", "on_scene", "closed"]
STAGES: Final[tuple[Stage, ...]] = (
    "located",
    "verified",
    "tasked",
    "acknowledged",
    "departed",
    "on_scene",
    "closed",
)
STAGE_LABELS: Final[dict[Stage, str]] = {
    "located": "Located",
    "verified": "Verified",
    "tasked": "Tasked",
    "acknowledged": "Acknowledged",
    "departed": "Departed",
    "on_scene": "On scene",
    "closed": "Closed",
}
# Which stages a tasking event shows were reached.
_TASKING_STAGES: Final[dict[str, tuple[Stage, ...]]] = {
    EventKind.TASKING_CREATED: ("tasked",),
    EventKind.TASKING_ACKNOWLEDGED: ("acknowledged",),
    EventKind.TASKING_DEPARTED: ("acknowledged", "departed"),
    EventKind.TASKING_ARRIVED: ("acknowledged", "departed", "on_scene"),
}
# The kinds `_Replay.apply` tells apart, read off the enum once: it runs for each of up
# to millions of events, and reading a member off an enum class costs 70 ns a time.
_RECEIVED: Final = EventKind.MESSAGE_RECEIVED
_TASKED: Final = EventKind.TASKING_CREATED
_LOCATED: Final = EventKind.ALERT_LOCATED
_ASSESSED: Final = frozenset({EventKind.ALERT_LOCATED, EventKind.ALERT_UNLOCATED})
_OPENED: Final = EventKind.INCIDENT_OPENED
_JOINED: Final = frozenset({EventKind.INCIDENT_OPENED, EventKind.INCIDENT_REPORT_ATTACHED})
_MERGED: Final = EventKind.INCIDENT_MERGED
_MERGES: Final = frozenset({EventKind.INCIDENT_MERGED, EventKind.INCIDENT_MERGE_UNDONE})
_SPLIT: Final = EventKind.INCIDENT_SPLIT
_SPLITS: Final = frozenset({EventKind.INCIDENT_SPLIT, EventKind.INCIDENT_SPLIT_UNDONE})
_RELOCATED: Final = EventKind.INCIDENT_RELOCATED
_VERIFIED: Final = EventKind.INCIDENT_VERIFIED
_ROUTED: Final = EventKind.INCIDENT_ROUTED
_CLOSED: Final = EventKind.INCIDENT_CLOSED
_REOPENED: Final = EventKind.INCIDENT_REOPENED
_FALSE_ALARM: Final = EventKind.INCIDENT_FALSE_ALARM
_ATTACK_ENDED: Final = EventKind.INCIDENT_ATTACK_ENDED
_RESPONSE_ACTION: Final = EventKind.INCIDENT_RESPONSE_ACTION
FirstReportSource = Literal["message", "report", "opened"]


@dataclass(frozen=True, slots=True)
class ResponseAction:
    action: str
    at: datetime | None  # when it was done, as recorded; None if not said
    event_id: int


@dataclass(frozen=True, slots=True)
class IncidentTimes:
    incident_id: int
    first_report_at: datetime
    # Where the first report's time came from: the message's arrival (normal), or,
    # where that event is not in the timeline, the report's or the incident's.
    first_report_source: FirstReportSource
    stages: Mapping[Stage, datetime]
    reports: int
    base_id: int | None
    unit_id: int | None  # the first unit tasked
    false_alarm: bool
    attack_ended_at: datetime | None
    actions: tuple[ResponseAction, ...]
    closing_outcome: tuple[str, ...]
    absorbed: tuple[int, ...] = ()

    def at(self, stage: Stage) -> datetime | None:
        return self.stages.get(stage)

    def seconds(self, stage: Stage) -> float | None:
        """Time from the first report to `stage`, or None if it never happened."""
        moment = self.stages.get(stage)
        return None if moment is None else (moment - self.first_report_at).total_seconds()

    def last_stage(self) -> Stage | None:
        reached = [s for s in STAGES if s in self.stages and s != "closed"]
        return reached[-1] if reached else None


@dataclass(slots=True)
class _Incident:
    created: bool = False
    opened_at: datetime | None = None
    firsts: dict[Stage, datetime] = field(default_factory=dict)
    base_id: int | None = None
    unit_id: int | None = None
    unit_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: tuple[str, ...] = ()
    false_alarm: bool = False
    ended: tuple[int, datetime] | None = None  # (event id, time) of the latest statement
    actions: list[ResponseAction] = field(default_factory=list)


def parse_time(value: Any) -> datetime | None:
    """An ISO time from event data, as UTC; None if absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(UTC)


def _earliest(firsts: dict[Stage, datetime], stage: Stage, moment: datetime) -> None:
    known = firsts.get(stage)
    if known is None or moment < known:
        firsts[stage] = moment


def _ints(value: Any) -> list[int]:
    return [int(v) for v in value] if isinstance(value, list) else []


class _Replay:
    def __init__(self) -> None:
        self.incidents: dict[int, _Incident] = {}
        self.message_at: dict[int, datetime] = {}
        self.report_message: dict[int, int] = {}
        self.report_seen_at: dict[int, datetime] = {}
        self.report_located_at: dict[int, datetime] = {}
        self.report_incident: dict[int, int] = {}
        self.merged_into: dict[int, int] = {}

    def incident(self, incident_id: int) -> _Incident:
        found = self.incidents.get(incident_id)
        if found is None:
            found = self.incidents[incident_id] = _Incident()
        return found

    def move(self, reports: list[int], to: int) -> None:
        self.incident(to)
        for report_id in reports:
            self.report_incident[report_id] = to

    def apply(self, e: LedgerEntry) -> None:
        kind = e.kind
        own = e.incident_id if e.incident_id is not None else e.subject_id
        if kind == _RECEIVED:
            if e.subject_id is not None:
                self.message_at[e.subject_id] = e.at
        elif kind in _TASKING_STAGES:
            if e.incident_id is None:
                return
            record = self.incident(e.incident_id)
            # Entries come in sequence order and the ledger never writes time backwards,
            # so the first seen is the earliest.
            for stage in _TASKING_STAGES[kind]:
                record.firsts.setdefault(stage, e.at)
            if kind == _TASKED and (record.unit_at is None or e.at < record.unit_at):
                unit = e.data.get("unit_id")
                record.unit_id = int(unit) if unit is not None else None
                record.unit_at = e.at
        elif kind in _ASSESSED:
            self._report_located(e)
        elif kind in _JOINED:
            if own is None:
                return
            record = self.incident(own)
            if kind == _OPENED:
                record.created, record.opened_at = True, e.at
            report = e.data.get("report_id")
            if report is not None:
                self.report_incident[int(report)] = own
        elif kind in _MERGES:
            self._merge(e)
        elif kind in _SPLITS:
            self._split(e)
        elif own is not None:
            self._incident_event(e, self.incident(own))

    def _report_located(self, e: LedgerEntry) -> None:
        if e.subject_id is None:
            return
        report = e.subject_id
        message = e.data.get("message_id")
        if message is not None:
            self.report_message[report] = int(message)
        self.report_seen_at.setdefault(report, e.at)
        if e.kind == _LOCATED and not e.data.get("ambiguous"):
            self.report_located_at.setdefault(report, e.at)

    def _merge(self, e: LedgerEntry) -> None:
        moved = _ints(e.data.get("moved_reports"))
        if e.kind == _MERGED:
            into, absorbed = e.data.get("into"), e.data.get("absorbed", e.subject_id)
            if into is None or absorbed is None:
                return
            self.move(moved, int(into))
            self.incident(int(absorbed))
            self.merged_into[int(absorbed)] = int(into)
        elif e.incident_id is not None:  # undone: the reports go back, the incident revives
            self.move(moved, e.incident_id)
            self.merged_into.pop(e.incident_id, None)

    def _split(self, e: LedgerEntry) -> None:
        moved = _ints(e.data.get("moved_reports"))
        if e.kind == _SPLIT:
            new = e.data.get("new")
            if new is None:
                return
            record = self.incident(int(new))
            record.created, record.opened_at = True, e.at
            self.move(moved, int(new))
        elif e.incident_id is not None and e.subject_id is not None:
            self.move(moved, e.incident_id)
            self.merged_into[e.subject_id] = e.incident_id

    def _incident_event(self, e: LedgerEntry, record: _Incident) -> None:
        kind = e.kind
        if kind == _RELOCATED:
            if e.data.get("lat") is not None:
                _earliest(record.firsts, "located", e.at)
        elif kind == _VERIFIED:
            _earliest(record.firsts, "verified", e.at)
        elif kind == _ROUTED:
            base = e.data.get("base_id")
            if base is not None:
                record.base_id = int(base)
        elif kind == _CLOSED:
            record.closed_at = e.at
            outcome = e.data.get("outcome")
            record.outcome = tuple(str(o) for o in outcome) if isinstance(outcome, list) else ()
        elif kind == _REOPENED:
            record.closed_at = None
        elif kind == _FALSE_ALARM:
            record.false_alarm = True
        elif kind == _ATTACK_ENDED:
            ended = parse_time(e.data.get("ended_at"))
            if ended is not None:
                record.ended = (e.event_id, ended)
        elif kind == _RESPONSE_ACTION:
            action = e.data.get("action")
            if isinstance(action, str):
                record.actions.append(
                    ResponseAction(action, parse_time(e.data.get("at")), e.event_id)
                )

    def root(self, incident_id: int) -> int:
        seen = {incident_id}
        while incident_id in self.merged_into:
            incident_id = self.merged_into[incident_id]
            if incident_id in seen:  # a cycle would be a bug elsewhere; stop, don't spin
                break
            seen.add(incident_id)
        return incident_id


def incident_times(
    entries: Iterable[LedgerEntry], *, complete: bool = True
) -> dict[int, IncidentTimes]:
    """Stage times of every incident that is not merged into another.

    Args:
        entries: events in sequence order, at least those of `METRIC_KINDS`.
        complete: False when the entries start part-way through the timeline
            (from a report's first day). An incident whose opening, or one of
            whose reports' arrival, is not among them began before that day,
            and is left out rather than timed from a later report.
    """
    replay = _Replay()
    for entry in entries:
        replay.apply(entry)
    members: dict[int, list[int]] = {}
    for report_id, incident_id in replay.report_incident.items():
        members.setdefault(replay.root(incident_id), []).append(report_id)
    groups: dict[int, list[int]] = {}
    for incident_id in replay.incidents:
        groups.setdefault(replay.root(incident_id), []).append(incident_id)
    result: dict[int, IncidentTimes] = {}
    for root, group in groups.items():
        times = _times(replay, root, group, members.get(root, []), complete)
        if times is not None:
            result[root] = times
    return result


def _first_report(
    replay: _Replay, root: _Incident, reports: list[int], complete: bool
) -> tuple[datetime, FirstReportSource] | None:
    from_messages: list[datetime] = []
    from_reports: list[datetime] = []
    for report_id in reports:
        message = replay.report_message.get(report_id)
        moment = None if message is None else replay.message_at.get(message)
        if moment is not None:
            from_messages.append(moment)
        elif not complete:
            return None  # its message came before the entries began
        elif report_id in replay.report_seen_at:
            from_reports.append(replay.report_seen_at[report_id])
    if from_messages and not from_reports:
        return min(from_messages), "message"
    if from_messages or from_reports:
        return min(from_messages + from_reports), "report"
    if root.opened_at is not None:
        return root.opened_at, "opened"
    return None


def _times(
    replay: _Replay, root_id: int, group: list[int], reports: list[int], complete: bool
) -> IncidentTimes | None:
    root = replay.incidents[root_id]
    records = [root] if len(group) == 1 else [replay.incidents[i] for i in group]
    if not complete and not all(r.created for r in records):
        return None
    first = _first_report(replay, root, reports, complete)
    if first is None:
        return None
    if len(records) == 1:
        stages: dict[Stage, datetime] = dict(root.firsts)
    else:
        stages = {}
        for record in records:
            for stage, moment in record.firsts.items():
                _earliest(stages, stage, moment)
    located_at = replay.report_located_at
    for report_id in reports:
        located = located_at.get(report_id)
        if located is not None:
            _earliest(stages, "located", located)
    if root.closed_at is not None:
        stages["closed"] = root.closed_at
    tasked = [r for r in records if r.unit_at is not None]
    first_tasked = min(tasked, key=lambda r: r.unit_at or first[0]) if tasked else None
    ended = max((r.ended for r in records if r.ended is not None), default=None)
    actions = (
        sorted((a for r in records for a in r.actions), key=lambda a: a.event_id)
        if any(r.actions for r in records)
        else ()
    )
    base = root.base_id
    if base is None:
        base = next((r.base_id for r in records if r.base_id is not None), None)
    return IncidentTimes(
        incident_id=root_id,
        first_report_at=first[0],
        first_report_source=first[1],
        stages=stages,
        reports=len(reports),
        base_id=base,
        unit_id=None if first_tasked is None else first_tasked.unit_id,
        false_alarm=root.false_alarm,
        attack_ended_at=None if ended is None else ended[1],
        actions=tuple(actions),
        closing_outcome=root.outcome,
        absorbed=tuple(sorted(i for i in group if i != root_id)),
    )
