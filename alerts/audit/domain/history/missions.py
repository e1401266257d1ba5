"""Mission names as evaluators count them.

MONUC became MONUSCO on 1 July 2010 (Security Council resolution 1925): the
same mission in the same places, so their incidents count together [000:163].
UNMIS (Sudan, to 2011) and UNMISS (South Sudan, from 2011) are different
missions and stay apart.
"""

from __future__ import annotations

from typing import Final

ALIASES: Final[dict[str, str]] = {
    "MONUC": "MONUSCO",
}


def canonical_mission(name: str) -> str:
    """The name a mission is counted under: upper case, aliases resolved."""
    cleaned = " ".join(name.split()).upper()
    return ALIASES.get(cleaned, cleaned)


def same_mission(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return canonical_mission(a) == canonical_mission(b)
