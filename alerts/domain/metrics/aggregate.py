"""Stage times grouped by mission, sector, base, unit, threat type and month."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from alerts.domain.metrics.response import ImmediateCounts, count_immediate
from alerts.domain.metrics.stages import STAGES, IncidentTimes, Stage
from alerts.domain.metrics.stats import StageSummary, summarise

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


def summarise_group(
    dimension: Dimension | Literal["all"], value: str, members: Sequence[IncidentTimes]
) -> GroupSummary:
    stages = {}
    for stage in STAGES:
        seconds = (s for s in (t.seconds(stage) for t in members) if s is not None)
        stages[stage] = summarise(len(members), seconds)
    return GroupSummary(dimension, value, len(members), stages, count_immediate(members))


def group_by(
    items: Iterable[IncidentTimes],
    key: Callable[[IncidentTimes, Dimension], str | None],
    dimensions: Sequence[Dimension] = DIMENSIONS,
) -> dict[Dimension, list[GroupSummary]]:
    """Every dimension's groups, largest first (then by name), missing values as UNKNOWN."""
    listed = list(items)
    result: dict[Dimension, list[GroupSummary]] = {}
    for dimension in dimensions:
        buckets: dict[str, list[IncidentTimes]] = {}
        for times in listed:
            buckets.setdefault(key(times, dimension) or UNKNOWN, []).append(times)
        ordered = sorted(buckets.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        result[dimension] = [summarise_group(dimension, v, m) for v, m in ordered]
    return result
