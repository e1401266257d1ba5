"""Stage times grouped by mission, sector, base, unit, threat type and month."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from alerts.audit.domain.metrics.response import ImmediateCounts, Verdict, count_immediate, verdict
from alerts.audit.domain.metrics.stages import STAGES, IncidentTimes, Stage
from alerts.audit.domain.metrics.stats import StageSummary, summarise

Dimension = Literal["mission", "sector", "base", "unit", "threat", "month"]
DIMENSIONS: Final[tuple[Dimension, ...]] = ("mission", "sector", "base", "unit", "threat", "month")
UNKNOWN: Final = "(unknown)"


@dataclass(frozen=True)
class GroupSummary:
    dimension: Dimension | Literal["all"]
    value: str
    incidents: int
    stages: dict[Stage, StageSummary]
    immediate: ImmediateCounts


Durations = dict[int, tuple[float | None, ...]]


def durations(items: Iterable[IncidentTimes]) -> Durations:
    """Each incident's time to every stage, in `STAGES` order, computed once."""
    return {t.incident_id: tuple(t.seconds(stage) for stage in STAGES) for t in items}


def summarise_group(
    dimension: Dimension | Literal["all"],
    value: str,
    members: Sequence[IncidentTimes],
    table: Durations | None = None,
    verdicts: Mapping[int, Verdict] | None = None,
) -> GroupSummary:
    table = table if table is not None else durations(members)
    rows = [table[t.incident_id] for t in members]
    stages = {}
    for index, stage in enumerate(STAGES):
        seconds = [s for row in rows if (s := row[index]) is not None]
        stages[stage] = summarise(len(members), seconds)
    immediate = count_immediate(members, verdicts)
    return GroupSummary(dimension, value, len(members), stages, immediate)


def verdicts(items: Iterable[IncidentTimes]) -> dict[int, Verdict]:
    return {t.incident_id: verdict(t) for t in items}


def group_by(
    items: Iterable[IncidentTimes],
    key: Callable[[IncidentTimes, Dimension], str | None],
    dimensions: Sequence[Dimension] = DIMENSIONS,
    table: Durations | None = None,
    judged: Mapping[int, Verdict] | None = None,
) -> dict[Dimension, list[GroupSummary]]:
    """Every dimension's groups, largest first (then by name), missing values as UNKNOWN.

    `table` and `judged` (from `durations` and `verdicts`) may be passed in when the
    caller has them already: a year's report computes them once for everything.
    """
    listed = list(items)
    table = table if table is not None else durations(listed)
    judged = judged if judged is not None else verdicts(listed)
    result: dict[Dimension, list[GroupSummary]] = {}
    for dimension in dimensions:
        buckets: dict[str, list[IncidentTimes]] = {}
        for times in listed:
            buckets.setdefault(key(times, dimension) or UNKNOWN, []).append(times)
        ordered = sorted(buckets.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        result[dimension] = [summarise_group(dimension, v, m, table, judged) for v, m in ordered]
    return result
