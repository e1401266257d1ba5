"""Percentiles, the stage split and latency over time. Pure: numbers in, numbers out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# The stages of a tasked alert, in order; each is (name, from point, to point).
POINTS = ("posted", "enqueued", "started", "tasked", "handed", "sending", "accepted")
STAGES = (
    ("webhook: stored, job handed to Redis", "posted", "enqueued"),
    ("queue wait for a worker", "enqueued", "started"),
    ("processing up to the tasking", "started", "tasked"),
    ("commit, relay of the SMS job", "tasked", "handed"),
    ("SMS job's queue wait", "handed", "sending"),
    ("send: SMS accepted by the sandbox", "sending", "accepted"),
)
PERCENTILES = (0.50, 0.95, 0.99)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank: an observed value, never an interpolated one."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(round(fraction * len(ordered), 6)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Spread:
    count: int
    p50: float
    p95: float
    p99: float
    largest: float
    mean: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            return cls(0, math.nan, math.nan, math.nan, math.nan, math.nan)
        p50, p95, p99 = (percentile(values, f) for f in PERCENTILES)
        return cls(len(values), p50, p95, p99, max(values), sum(values) / len(values))


def complete(times: dict[str, float | None]) -> dict[str, float] | None:
    """An alert's points if it has every one of them, else None."""
    if any(times.get(point) is None for point in POINTS):
        return None
    return {point: float(times[point] or 0.0) for point in POINTS}


def stage_spreads(paths: Sequence[dict[str, float]]) -> list[tuple[str, Spread]]:
    """Each stage's spread over the alerts, then end to end."""
    rows = [(name, Spread.of([p[end] - p[start] for p in paths])) for name, start, end in STAGES]
    rows.append(("end to end", Spread.of([p["accepted"] - p["posted"] for p in paths])))
    return rows


def over_time(
    paths: Sequence[dict[str, float]], start: float, window_s: float
) -> list[tuple[float, int, float, float, float]]:
    """Per window of posting time: (window start s, alerts, p50, p99, largest end to end)."""
    buckets: dict[int, list[float]] = {}
    for p in paths:
        index = int((p["posted"] - start) // window_s)
        buckets.setdefault(index, []).append(p["accepted"] - p["posted"])
    return [
        (i * window_s, len(v), percentile(v, 0.5), percentile(v, 0.99), max(v))
        for i, v in sorted(buckets.items())
    ]


def per_second(moments: Sequence[float], start: float, seconds: int) -> list[int]:
    """How many of `moments` fell in each second after `start` (the last bin takes the rest)."""
    counts = [0] * max(1, seconds)
    for moment in moments:
        index = min(max(0, int(moment - start)), len(counts) - 1)
        counts[index] += 1
    return counts


def share_within(values: Sequence[float], limit: float) -> float:
    return sum(v <= limit for v in values) / len(values) if values else math.nan
