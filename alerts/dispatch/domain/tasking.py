"""The life of a tasking, driven by the unit's replies.

Replies arrive out of order on real networks: a unit that departs without
having sent ACK has plainly acknowledged, so DEP is accepted from a pending
tasking. What is never accepted is going backwards, or acting on a tasking
that was declined or finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from alerts.dispatch.domain.commands import CommandVerb

TaskingStatus = Literal[
    "pending", "acknowledged", "declined", "departed", "arrived", "done", "cancelled", "lapsed"
]

OPEN_STATUSES: frozenset[str] = frozenset({"pending", "acknowledged", "departed", "arrived"})

_ORDER: dict[str, int] = {"pending": 0, "acknowledged": 1, "departed": 2, "arrived": 3, "done": 4}
_TARGET: dict[CommandVerb, TaskingStatus] = {
    "ACK": "acknowledged",
    "DEP": "departed",
    "ARR": "arrived",
    "DONE": "done",
}
EVENT_KIND: dict[str, str] = {
    "ACK": "tasking.acknowledged",
    "NO": "tasking.declined",
    "DEP": "tasking.departed",
    "ARR": "tasking.arrived",
    "DONE": "tasking.completed",
}


@dataclass(frozen=True)
class Transition:
    accepted: bool
    status: str
    note: str


def apply_command(status: str, verb: CommandVerb) -> Transition:
    """What a unit's reply does to a tasking in `status`.

    A tasking that lapsed (the unit stayed silent or could not be reached, and
    the order went to another unit or back to the JOC) takes no more replies: a
    late ACK is recorded and answered, and the JOC decides what it means.
    """
    if verb not in _TARGET and verb != "NO":
        return Transition(False, status, f"{verb} is not a tasking command")
    if status == "lapsed":
        return Transition(False, status, "tasking lapsed, call the JOC")
    if status not in OPEN_STATUSES:
        return Transition(False, status, f"tasking is already {status}")
    if verb == "NO":
        if status in {"departed", "arrived"}:
            return Transition(False, status, f"unit has already {status}")
        return Transition(True, "declined", "declined")
    target = _TARGET[verb]
    if _ORDER[target] <= _ORDER[status]:
        return Transition(False, status, f"tasking is already {status}")
    return Transition(True, target, target)


# What an incident's open taskings say about it, most advanced first.
_INCIDENT_BY_TASKING = (
    ("arrived", "on_scene"),
    ("departed", "responding"),
    ("acknowledged", "acknowledged"),
    ("pending", "tasked"),
)
# States an incident keeps whatever its taskings do: it is over, or part of another.
FINAL_INCIDENT_STATUSES: frozenset[str] = frozenset({"closed", "merged", "false_alarm"})


def incident_status(current: str, taskings: list[str]) -> str:
    """The incident's status from all its taskings, not from the last reply alone.

    One unit's NO does not undo another's departure; a late ACK does not
    reopen a response a unit reported DONE; a closed or merged incident stays so.
    """
    if current in FINAL_INCIDENT_STATUSES:
        return current
    for tasking, status in _INCIDENT_BY_TASKING:
        if tasking in taskings:
            return status
    if "done" in taskings:
        return "responded"
    if "declined" in taskings:
        return "declined"
    return current
