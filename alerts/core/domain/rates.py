"""A rate a person may act at, written as operators write it: `10 per hour`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_SHAPE = re.compile(r"^\s*(\d+)\s+per\s+(?:(\d+)\s+)?(second|minute|hour|day)s?\s*$", re.I)


@dataclass(frozen=True)
class Rate:
    """At most `amount` acts in any `window` (a sliding window: counted back from now)."""

    amount: int
    window: timedelta


def parse_rate(text: str) -> Rate:
    """`10 per hour`, `3 per 15 minutes`; a ValueError names the expected shape."""
    match = _SHAPE.match(text)
    if match is None or int(match.group(1)) < 1 or match.group(2) == "0":
        raise ValueError(
            f"expected a rate such as '10 per hour' or '3 per 15 minutes', got {text!r}"
        )
    count = int(match.group(2) or 1)
    return Rate(int(match.group(1)), timedelta(seconds=count * _UNITS[match.group(3).lower()]))
