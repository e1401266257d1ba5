"""What was done about an incident, in the response actions evaluators count.

From the 2014 evaluation's vocabulary (see DOMAIN.md): a mission may respond
by patrol, show of force, interposition, evacuation or escort, sheltering,
support to local forces, or political engagement; often by several at once.
"""

from __future__ import annotations

from collections.abc import Iterable

OUTCOMES: tuple[str, ...] = (
    "patrol",
    "show_of_force",
    "interposition",
    "evacuation_or_escort",
    "sheltering",
    "support_to_local_forces",
    "political_engagement",
    "none",
)
OUTCOME_LABELS: dict[str, str] = {
    "patrol": "Patrol",
    "show_of_force": "Show of force",
    "interposition": "Interposition",
    "evacuation_or_escort": "Evacuation or escort",
    "sheltering": "Sheltering",
    "support_to_local_forces": "Support to local forces",
    "political_engagement": "Political engagement",
    "none": "None",
}


def checked_outcomes(chosen: Iterable[str]) -> list[str]:
    """The outcomes in their canonical order. Raises ValueError saying what is wrong."""
    picked = list(dict.fromkeys(chosen))
    unknown = [o for o in picked if o not in OUTCOMES]
    if unknown:
        raise ValueError(f"unknown outcome {unknown[0]!r}; choose from {', '.join(OUTCOMES)}")
    if not picked:
        raise ValueError('choose at least one outcome ("none" if nothing was done)')
    if "none" in picked and len(picked) > 1:
        raise ValueError('"none" cannot be combined with other outcomes')
    return [o for o in OUTCOMES if o in picked]
