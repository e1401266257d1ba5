"""Percentiles an evaluator can check by hand.

Nearest rank: the p-th percentile of n sorted values is the value at rank
⌈p/100 · n⌉. It is always a time that was actually measured, never an
interpolation between two incidents, and anyone can recount it from the list.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

PERCENTILES: Final = (50, 90, 99)


def nearest_rank(sorted_values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0 < p ≤ 100) of already sorted values; None if empty."""
    if not 0 < p <= 100:
        raise ValueError(f"percentile must be in (0, 100], not {p}")
    if not sorted_values:
        return None
    rank = math.ceil(p / 100 * len(sorted_values))
    return sorted_values[max(rank, 1) - 1]


@dataclass(frozen=True)
class StageSummary:
    """One stage in one group: how many incidents, how many reached it, how fast."""

    incidents: int
    reached: int
    p50: float | None
    p90: float | None
    p99: float | None

    @property
    def share(self) -> float | None:
        return None if self.incidents == 0 else self.reached / self.incidents


def summarise(incidents: int, seconds: Iterable[float]) -> StageSummary:
    """Summary of the times of the incidents that reached a stage (missing ones excluded)."""
    values = sorted(seconds)  # a list sorts in place faster than any other iterable
    p50, p90, p99 = (nearest_rank(values, p) for p in PERCENTILES)
    return StageSummary(incidents, len(values), p50, p90, p99)
