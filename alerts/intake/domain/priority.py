"""Which inbound SMS are processed first: what units and contacts send (an ACK, a
departure) before new alerts, so a flood of alerts cannot make a unit look late."""

from __future__ import annotations

from alerts.core.domain.jobs import Priority

REPLY_ROLES = frozenset({"unit", "contact"})


def message_priority(role: str | None) -> Priority:
    return Priority.REPLIES if role in REPLY_ROLES else Priority.ALERTS
