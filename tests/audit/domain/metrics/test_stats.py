from __future__ import annotations

import pytest

from alerts.audit.domain.metrics.stats import nearest_rank, summarise


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0], 50, 2.0),
        ([1.0, 2.0, 3.0, 4.0], 90, 4.0),
        ([1.0, 2.0, 3.0, 4.0, 5.0], 50, 3.0),
        ([float(v) for v in range(1, 101)], 90, 90.0),
        ([float(v) for v in range(1, 101)], 99, 99.0),
        ([float(v) for v in range(1, 101)], 100, 100.0),
        ([7.0], 1, 7.0),
        ([], 50, None),
    ],
)
def test_nearest_rank(values: list[float], p: float, expected: float | None) -> None:
    assert nearest_rank(values, p) == expected


@pytest.mark.parametrize("p", [0, -1, 101])
def test_percentile_bounds(p: float) -> None:
    with pytest.raises(ValueError):
        nearest_rank([1.0], p)


def test_missing_times_lower_the_share_not_the_percentiles() -> None:
    summary = summarise(4, [60.0, 120.0])
    assert (summary.incidents, summary.reached, summary.share) == (4, 2, 0.5)
    assert (summary.p50, summary.p90, summary.p99) == (60.0, 120.0, 120.0)


def test_nobody_reached_it() -> None:
    summary = summarise(3, [])
    assert (summary.reached, summary.share, summary.p50) == (0, 0.0, None)
    assert summarise(0, []).share is None
