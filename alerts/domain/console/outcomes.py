"""How an incident can be closed: the response actions of DOMAIN.md, combinable."""

from __future__ import annotations

from typing import Final

# In the order an officer reads them; "none" is a choice too, and an honest one.
OUTCOME_LABELS: Final[dict[str, str]] = {
    "patrol": "Patrol",
    "show_of_force": "Show of force",
    "interposition": "Interposition",
    "evacuation_or_escort": "Evacuation or escort",
    "sheltering": "Sheltering",
    "support_to_local_forces": "Support to local forces",
    "political_engagement": "Political engagement",
    "none": "None",
}


def checked_outcomes(chosen: list[str]) -> list[str]:
    """The chosen outcomes in canonical order. "none" cannot be combined with another."""
    unknown = [c for c in chosen if c not in OUTCOME_LABELS]
    if unknown:
        raise ValueError(f"unknown outcome {unknown[0]!r}")
    picked = [key for key in OUTCOME_LABELS if key in chosen]
    if not picked:
        raise ValueError("choose at least one outcome (or None)")
    if "none" in picked and len(picked) > 1:
        raise ValueError("'None' cannot be combined with another outcome")
    return picked
