"""Delivery states of an outgoing SMS, as status callbacks report them.

Callbacks can arrive late, twice or out of order ("delivered" before "sent").
A state only ever moves forward, so a late "sent" never hides a "delivered".
"""

from __future__ import annotations

_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "receiving": 3,
    "received": 4,
    "delivered": 5,
    "read": 6,
    "undelivered": 5,
    "failed": 5,
    "canceled": 5,
}
FINAL_FAILURES = frozenset({"undelivered", "failed", "canceled"})
KNOWN_STATUSES = frozenset(_RANK)


def advances(current: str | None, new: str) -> bool:
    """True when `new` is news: a later state than `current`."""
    if new not in _RANK:
        return False
    if current is None or current not in _RANK:
        return True
    if current in FINAL_FAILURES or current in {"delivered", "read"}:
        # Terminal: only "read" may follow "delivered".
        return current == "delivered" and new == "read"
    return _RANK[new] > _RANK[current]
