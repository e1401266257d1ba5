"""Counts as reports give them: "600", ">328", "500-600", "at least 100".

Published figures are often bounds, not numbers. Each is kept as a range with
the words it came from, so nothing is rounded into a false precision: ">328"
is at least 329 with no upper bound.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Qualifier = Literal["exact", "more_than", "at_least", "fewer_than", "at_most", "range", "unknown"]

_UNKNOWN = {"", "n/a", "na", "unknown", "?", "-", "–"}
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)"
# Matched against the text lower-cased with every space removed.
_FORMS: tuple[tuple[re.Pattern[str], Qualifier], ...] = (
    (re.compile(rf"{_NUMBER}"), "exact"),
    (re.compile(rf"(?:>|morethan|over){_NUMBER}"), "more_than"),
    (re.compile(rf"(?:>=|≥|atleast){_NUMBER}|{_NUMBER}\+"), "at_least"),
    (re.compile(rf"(?:<|fewerthan|lessthan|under){_NUMBER}"), "fewer_than"),
    (re.compile(rf"(?:<=|≤|atmost|upto){_NUMBER}"), "at_most"),
    (re.compile(rf"{_NUMBER}(?:-|–|—|to){_NUMBER}"), "range"),
)


@dataclass(frozen=True)
class QualifiedCount:
    low: int | None  # None: no lower bound known (only for "unknown")
    high: int | None  # None: no upper bound
    qualifier: Qualifier
    text: str

    @property
    def known(self) -> bool:
        return self.qualifier != "unknown"


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def parse_count(text: str) -> QualifiedCount:
    """Read a published count; raises ValueError with the reason if it is not one."""
    written = " ".join(text.split())
    squeezed = "".join(written.lower().split())
    if squeezed in _UNKNOWN:
        return QualifiedCount(None, None, "unknown", written)
    for pattern, qualifier in _FORMS:
        match = pattern.fullmatch(squeezed)
        if match is None:
            continue
        numbers = [_int(g) for g in match.groups() if g is not None]
        first = numbers[0]
        if qualifier == "exact":
            return QualifiedCount(first, first, qualifier, written)
        if qualifier == "more_than":
            return QualifiedCount(first + 1, None, qualifier, written)
        if qualifier == "at_least":
            return QualifiedCount(first, None, qualifier, written)
        if qualifier == "fewer_than":
            if first == 0:
                raise ValueError(f"{written!r}: fewer than 0 is no count")
            return QualifiedCount(0, first - 1, qualifier, written)
        if qualifier == "at_most":
            return QualifiedCount(0, first, qualifier, written)
        if numbers[1] < first:
            raise ValueError(f"{written!r}: a range goes from low to high")
        return QualifiedCount(first, numbers[1], qualifier, written)
    raise ValueError(
        f"{written!r} is not a count: write 600, >328, >=100, <10, 500-600 or leave it empty"
    )
