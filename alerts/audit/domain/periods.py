"""Reporting periods: inclusive date ranges, and the six-monthly halves.

Consolidated reports on failures to follow orders are due on 1 January and
1 July [002:280-288]: the half ending 30 June is reported on 1 July, the half
ending 31 December on 1 January.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

_HALF = re.compile(r"(?P<year>\d{4})\s*-?\s*H(?P<half>[12])")


@dataclass(frozen=True)
class Period:
    """Whole UTC days, `first` to `last` inclusive."""

    first: date
    last: date
    half: str | None = None  # "2026H1" when the period is a half-year

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), UTC)

    @property
    def end(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.last + timedelta(days=1), time(), UTC)

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    @property
    def due(self) -> date:
        """When a report on this period is due: the day after it ends."""
        return self.last + timedelta(days=1)

    def label(self) -> str:
        return f"{long_date(self.first)} – {long_date(self.last)}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def half_year(text: str) -> Period:
    """`2026H1` is 1 January to 30 June 2026; `2026H2` is 1 July to 31 December."""
    match = _HALF.fullmatch(text.strip().upper())
    if match is None:
        raise ValueError(f"not a half-year: {text!r}; write e.g. 2026H1 or 2026H2")
    year, half = int(match["year"]), int(match["half"])
    label = f"{year}H{half}"
    if half == 1:
        return Period(date(year, 1, 1), date(year, 6, 30), label)
    return Period(date(year, 7, 1), date(year, 12, 31), label)


def half_containing(day: date) -> Period:
    return half_year(f"{day.year}H{1 if day.month <= 6 else 2}")


def month_key(moment: datetime) -> str:
    """The UTC month an incident is counted in: `2026-03`."""
    return moment.astimezone(UTC).strftime("%Y-%m")
