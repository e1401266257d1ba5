"""Dates as published reports write them: a day, a month, or a range of either.

ISO forms (`2013-08-08`, `2013-07`, `2012-08/2012-09`) and the English of the
reports themselves (`8-22 August 2013`, `August-September 2012`,
`17-18 Feb 2016`) are both read, so a table can be copied as printed and
checked against its source line by line.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Precision = Literal["day", "month", "year"]
_RANK: dict[Precision, int] = {"day": 0, "month": 1, "year": 2}
UNDATED = frozenset({"", "n/a", "na", "unknown", "undated", "-", "–"})

_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
} | {"sept": 9}
_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_PART = re.compile(r"(?:(\d{1,2})\s*)?(?:([a-z]+)\.?\s*)?(\d{4})?")
_SEPARATOR = re.compile(r"\s*(?:[-–—]|\bto\b)\s*")


@dataclass(frozen=True)
class DateSpan:
    first: date
    last: date
    precision: Precision
    text: str


@dataclass(frozen=True)
class _Partial:
    day: int | None
    month: int | None
    year: int | None


def _bounds(part: _Partial, text: str) -> tuple[date, date, Precision]:
    if part.year is None:
        raise ValueError(f"{text!r}: no year")
    if part.month is None:
        if part.day is not None:
            raise ValueError(f"{text!r}: a day without a month")
        return date(part.year, 1, 1), date(part.year, 12, 31), "year"
    if part.day is None:
        last = calendar.monthrange(part.year, part.month)[1]
        return date(part.year, part.month, 1), date(part.year, part.month, last), "month"
    try:
        day = date(part.year, part.month, part.day)
    except ValueError:
        raise ValueError(f"{text!r}: no such day") from None
    return day, day, "day"


def _iso(text: str) -> _Partial | None:
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    year, month, day = (None if g is None else int(g) for g in match.groups())
    return _Partial(day, month, year)


def _english(text: str) -> _Partial:
    match = _PART.fullmatch(text)
    if match is None or not any(match.groups()):
        raise ValueError(f"{text!r} is not a date")
    day, word, year = match.groups()
    month = None
    if word is not None:
        month = _MONTHS.get(word)
        if month is None:
            raise ValueError(f"{word!r} is not a month")
    return _Partial(None if day is None else int(day), month, None if year is None else int(year))


def _span(left: _Partial, right: _Partial, text: str) -> DateSpan:
    # "8-22 August 2013": the left side borrows what it leaves out from the right.
    if left.year is None:
        month = left.month if left.month is not None or left.day is None else right.month
        left = _Partial(left.day, month, right.year)
    first, _, p1 = _bounds(left, text)
    _, last, p2 = _bounds(right, text)
    if last < first:
        raise ValueError(f"{text!r}: the range ends before it starts")
    precision = p1 if _RANK[p1] >= _RANK[p2] else p2
    return DateSpan(first, last, precision, text)


def parse_span(text: str) -> DateSpan | None:
    """A date or date range; None when the source gives none ("n/a", empty).

    Raises ValueError, saying why, for anything else that is not a date.
    """
    written = " ".join(text.split())
    lowered = written.lower()
    if lowered in UNDATED:
        return None
    iso = [_iso(part.strip()) for part in lowered.split("/")]
    if all(p is not None for p in iso) and len(iso) in (1, 2):
        parts = [p for p in iso if p is not None]
        return _span(parts[0], parts[-1], written)
    if "/" in lowered:
        raise ValueError(f"{written!r}: write a range as 2013-08-08/2013-08-22")
    pieces = _SEPARATOR.split(lowered)
    if len(pieces) > 2:
        raise ValueError(f"{written!r}: a range has two ends")
    parts = [_english(piece) for piece in pieces]
    return _span(parts[0], parts[-1], written)
