"""The live queue: which incidents need a decision now, and in what order.

Order is severity first, then age: a severe attack waits for nobody, and
among equals the alert that has waited longest comes first. What stands out is
computed here, not in the template, so the browser test and the unit tests
check the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

# Commanders want "information we can use for the next five hours" [000:283]:
# an incident nobody acted on for longer than that has been forgotten.
STALE_AFTER: Final = timedelta(hours=5)

Flag = Literal["awaiting_ack", "overdue_escalation", "ambiguous_location", "stale", "unlocated"]

# Words shown beside a flag, so colour is never the only signal.
FLAG_LABELS: Final[dict[Flag, str]] = {
    "awaiting_ack": "Awaiting ACK",
    "overdue_escalation": "Escalation overdue",
    "ambiguous_location": "Ambiguous place",
    "stale": "Stale > 5 h",
    "unlocated": "Unlocated",
}

SEVERITY_LABELS: Final[dict[int, str]] = {
    1: "1 low",
    2: "2 moderate",
    3: "3 serious",
    4: "4 severe",
    5: "5 critical",
}


@dataclass(frozen=True)
class QueueFacts:
    """What the database knows about one open incident."""

    incident_id: int
    ref: str
    status: str
    threat: str
    severity: int
    informants: int
    reports: int
    first_report_at: datetime
    last_report_at: datetime
    place_name: str | None
    sector: str | None
    located: bool
    ambiguous: bool
    # The earliest pending ACK deadline of an unacknowledged tasking, if any.
    ack_due_at: datetime | None
    # Pending deadlines past due (the scheduler should have fired them).
    overdue_deadlines: int
    escalation_exhausted: bool
    # The last operator act or unit answer; None if nothing was done yet.
    last_action_at: datetime | None
    verified: bool
    tasked_units: tuple[str, ...] = ()
    # Taskings sent and not yet answered (with or without an ACK deadline).
    unanswered_taskings: int = 0


@dataclass(frozen=True)
class QueueRow:
    facts: QueueFacts
    flags: tuple[Flag, ...]
    # Seconds until the ACK deadline escalates; negative once past.
    ack_seconds_left: int | None
    age_seconds: int

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.facts.severity, str(self.facts.severity))


def flags_for(facts: QueueFacts, now: datetime) -> tuple[Flag, ...]:
    flags: list[Flag] = []
    if facts.overdue_deadlines > 0 or facts.escalation_exhausted:
        flags.append("overdue_escalation")
    if facts.ack_due_at is not None or facts.unanswered_taskings > 0:
        flags.append("awaiting_ack")
    if facts.ambiguous:
        flags.append("ambiguous_location")
    elif not facts.located:
        flags.append("unlocated")
    since = facts.last_action_at or facts.first_report_at
    if now - since > STALE_AFTER:
        flags.append("stale")
    return tuple(flags)


def row_for(facts: QueueFacts, now: datetime) -> QueueRow:
    left = None if facts.ack_due_at is None else int((facts.ack_due_at - now).total_seconds())
    return QueueRow(
        facts=facts,
        flags=flags_for(facts, now),
        ack_seconds_left=left,
        age_seconds=max(0, int((now - facts.first_report_at).total_seconds())),
    )


def ordered(facts: Iterable[QueueFacts], now: datetime) -> list[QueueRow]:
    """Most severe first; among equals, the oldest first."""
    rows = [row_for(f, now) for f in facts]
    rows.sort(key=lambda r: (-r.facts.severity, r.facts.first_report_at, r.facts.incident_id))
    return rows
