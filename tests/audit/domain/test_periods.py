from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from alerts.audit.domain.periods import Period, half_containing, half_year, month_key


@pytest.mark.parametrize(
    ("text", "first", "last", "due"),
    [
        ("2026H1", date(2026, 1, 1), date(2026, 6, 30), date(2026, 7, 1)),
        ("2026h2", date(2026, 7, 1), date(2026, 12, 31), date(2027, 1, 1)),
        ("2016-H2", date(2016, 7, 1), date(2016, 12, 31), date(2017, 1, 1)),
    ],
)
def test_half_years_end_on_30_june_and_31_december(
    text: str, first: date, last: date, due: date
) -> None:
    period = half_year(text)
    assert (period.first, period.last, period.due) == (first, last, due)
    assert period.half == text.upper().replace("-", "")


@pytest.mark.parametrize("text", ["2026", "2026H3", "H1", "26H1", "2026Q1"])
def test_not_a_half_year(text: str) -> None:
    with pytest.raises(ValueError, match="not a half-year"):
        half_year(text)


def test_period_covers_whole_utc_days_inclusive() -> None:
    period = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert period.contains(datetime(2026, 3, 1, 0, 0, tzinfo=UTC))
    assert period.contains(datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=UTC))
    assert not period.contains(datetime(2026, 4, 1, 0, 0, tzinfo=UTC))
    assert not period.contains(datetime(2026, 2, 28, 23, 59, tzinfo=UTC))


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends"):
        Period(date(2026, 3, 2), date(2026, 3, 1))


@pytest.mark.parametrize(
    ("day", "half"), [(date(2026, 6, 30), "2026H1"), (date(2026, 7, 1), "2026H2")]
)
def test_half_containing(day: date, half: str) -> None:
    assert half_containing(day).half == half


def test_month_key_is_utc() -> None:
    assert month_key(datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "2026-03"
