"""Roles and what each may do in the console.

Kept as data so the permission a button needs and the check its handler makes
are the same value, and so a test can print the whole matrix.
"""

from __future__ import annotations

from typing import Final, Literal

Role = Literal["cla", "joc_officer", "commander", "evaluator", "admin"]
ROLES: Final[tuple[Role, ...]] = ("cla", "joc_officer", "commander", "evaluator", "admin")

Permission = Literal[
    "view",  # the queue and incident pages
    "verify",  # verify, or mark a false alarm
    "locate",  # relocate, pick a place candidate
    "merge",  # merge and split incidents
    "task",  # task or re-task a unit, override routing, set a unit's status
    "close",  # close with outcomes
    "relay",  # relay an alert heard by call, radio or in person
    "reveal",  # see an informant's phone number, with a reason
    "reports",  # the evaluators' reports
]

# Evaluators audit: they read everything in their scope and change nothing.
# CLAs relay and verify what they hear, and call back beeps (so may see numbers).
PERMISSIONS: Final[dict[Role, frozenset[Permission]]] = {
    "cla": frozenset({"view", "verify", "relay", "reveal"}),
    "joc_officer": frozenset({"view", "verify", "locate", "merge", "task", "close", "relay"}),
    "commander": frozenset({"view", "task", "close"}),
    "evaluator": frozenset({"view", "reports"}),
    "admin": frozenset(
        {"view", "verify", "locate", "merge", "task", "close", "relay", "reveal", "reports"}
    ),
}

# Must equal alerts.services.senders.REVEAL_ROLES (a test holds them together).
REVEAL_ROLES: Final[frozenset[str]] = frozenset(
    role for role, allowed in PERMISSIONS.items() if "reveal" in allowed
)


def is_role(value: str) -> bool:
    return value in ROLES


def may(role: str, permission: Permission) -> bool:
    """Unknown roles may do nothing: a typo in the database locks out, never in."""
    allowed = PERMISSIONS.get(role)  # type: ignore[call-overload]
    return allowed is not None and permission in allowed
