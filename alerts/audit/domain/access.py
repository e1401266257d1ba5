"""Who may read which report, and what an anonymised one leaves out.

Evaluators want exports "aggregated and anonymised by default" [000:426];
informants' identities are life-critical [001:323, 003:211]. So every report
is anonymised unless a role that may see more asks for more, and each such
full export is an event in the timeline.

The roles match the console's permission matrix (`reports` for evaluator and
admin). Full detail additionally needs what only an admin holds there: the
right to see who reported.
"""

from __future__ import annotations

from typing import Final, Literal

Detail = Literal["anonymised", "full"]

REPORT_ROLES: Final = frozenset({"evaluator", "admin"})
FULL_DETAIL_ROLES: Final = frozenset({"admin"})

# 0.1° is about 11 km at the equator: the area of an attack, not a house.
ROUND_DEGREES_TO: Final = 1


def may_read_reports(role: str) -> bool:
    return role in REPORT_ROLES


def may_see_full_detail(role: str) -> bool:
    return role in FULL_DETAIL_ROLES


def rounded(value: float | None, detail: Detail) -> float | None:
    """A coordinate as the report may show it."""
    if value is None or detail == "full":
        return value
    return round(value, ROUND_DEGREES_TO)
