"""The life of a tasking, driven by the unit's replies, and what it makes of the
incident and the unit.

Replies arrive out of order on real networks: a unit that departs without
having sent ACK has plainly acknowledged, so DEP is accepted from a pending
tasking. What is never accepted is going backwards, or acting on a tasking
that was declined or finished.

The values of `TaskingStatus` are the strings stored in `taskings` and in the
event log: never rename one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal, NamedTuple

from alerts.correlation.domain.status import FINAL, IncidentStatus, TriageReason
from alerts.dispatch.domain.commands import CommandVerb
from alerts.registry.domain.units import UnitStatus
from alerts.timeline.domain.kinds import EventKind


class TaskingStatus(StrEnum):
    PENDING = "pending"  # ordered, not acknowledged
    ACKNOWLEDGED = "acknowledged"
    DECLINED = "declined"
    DEPARTED = "departed"
    ARRIVED = "arrived"
    DONE = "done"
    CANCELLED = "cancelled"  # stood down: another unit, a false alarm, an operator
    LAPSED = "lapsed"  # silent or unreachable: the order passed on


OPEN_STATUSES: Final = frozenset(
    {
        TaskingStatus.PENDING,
        TaskingStatus.ACKNOWLEDGED,
        TaskingStatus.DEPARTED,
        TaskingStatus.ARRIVED,
    }
)
# A unit has the order in hand: another unit's failure then needs no escalation.
IN_HAND: Final = OPEN_STATUSES - {TaskingStatus.PENDING}
# The unit is out: standing it down after the response ends it as done, not cancelled.
OUT: Final = frozenset({TaskingStatus.DEPARTED, TaskingStatus.ARRIVED})

# Why an incident waits in triage. These wait for a person and are not routed
# automatically; those settled by a tasking are cleared when a unit is tasked.
WAITS_FOR_PEOPLE: Final = frozenset(
    {TriageReason.UNLOCATED, TriageReason.AMBIGUOUS, TriageReason.ESCALATED}
)
SETTLED_BY_TASKING: Final = frozenset({TriageReason.NO_UNIT, TriageReason.ESCALATED})

ReplyKind = Literal[
    EventKind.TASKING_ACKNOWLEDGED,
    EventKind.TASKING_DECLINED,
    EventKind.TASKING_DEPARTED,
    EventKind.TASKING_ARRIVED,
    EventKind.TASKING_COMPLETED,
]
StandDownKind = Literal[EventKind.TASKING_CANCELLED, EventKind.TASKING_COMPLETED]
DeadlineKind = Literal["ack", "depart", "arrive", "deliver"]


@dataclass(frozen=True)
class ReplyEffect:
    """Everything an accepted reply does, for `dispatch.replies` to carry out.

    Attributes:
        status: the tasking's new status.
        event: the kind the reply is recorded as.
        settles: the deadlines the reply keeps; None settles them all.
        next_deadline: the deadline it starts (after ACK the unit must depart,
            after DEP arrive), if any.
        unit: the unit's status now; None releases it (ready again unless
            another tasking holds it).
        takes_charge: a unit is responding, so the escalation stops and backups
            still silent are stood down.
        ends_response: the response is over: the incident's other taskings are
            stood down, those out as done.
        escalates: the unit refused: the mission's chain takes its next step.
    """

    status: TaskingStatus
    event: ReplyKind
    settles: tuple[DeadlineKind, ...] | None
    next_deadline: DeadlineKind | None
    unit: UnitStatus | None
    takes_charge: bool = False
    ends_response: bool = False
    escalates: bool = False


_EFFECT: Final[dict[CommandVerb, ReplyEffect]] = {
    "ACK": ReplyEffect(
        TaskingStatus.ACKNOWLEDGED, EventKind.TASKING_ACKNOWLEDGED, ("ack",), "depart",
        UnitStatus.TASKED, takes_charge=True,
    ),
    "NO": ReplyEffect(
        TaskingStatus.DECLINED, EventKind.TASKING_DECLINED, None, None, None, escalates=True
    ),
    "DEP": ReplyEffect(
        TaskingStatus.DEPARTED, EventKind.TASKING_DEPARTED, ("ack", "depart"), "arrive",
        UnitStatus.DEPLOYED, takes_charge=True,
    ),
    "ARR": ReplyEffect(
        TaskingStatus.ARRIVED, EventKind.TASKING_ARRIVED, ("ack", "depart", "arrive"), None,
        UnitStatus.DEPLOYED, takes_charge=True,
    ),
    "DONE": ReplyEffect(
        TaskingStatus.DONE, EventKind.TASKING_COMPLETED, None, None, None, ends_response=True
    ),
}  # fmt: skip
# How far along a response each status is: a reply never moves a tasking back.
_ORDER: Final[dict[TaskingStatus, int]] = {
    TaskingStatus.PENDING: 0,
    TaskingStatus.ACKNOWLEDGED: 1,
    TaskingStatus.DEPARTED: 2,
    TaskingStatus.ARRIVED: 3,
    TaskingStatus.DONE: 4,
}


class StandDown(NamedTuple):
    status: TaskingStatus
    event: StandDownKind


@dataclass(frozen=True)
class Transition:
    accepted: bool
    status: TaskingStatus
    note: str
    effect: ReplyEffect | None = None  # set when accepted


def apply_command(status: TaskingStatus, verb: CommandVerb) -> Transition:
    """What a unit's reply does to a tasking in `status`.

    A tasking that lapsed (the unit stayed silent or could not be reached, and
    the order went to another unit or back to the JOC) takes no more replies: a
    late ACK is recorded and answered, and the JOC decides what it means.
    """
    effect = _EFFECT.get(verb)
    if effect is None:
        return Transition(False, status, f"{verb} is not a tasking command")
    if status == TaskingStatus.LAPSED:
        return Transition(False, status, "tasking lapsed, call the JOC")
    if status not in OPEN_STATUSES:
        return Transition(False, status, f"tasking is already {status}")
    if effect.status == TaskingStatus.DECLINED:
        if status in OUT:
            return Transition(False, status, f"unit has already {status}")
    elif _ORDER[effect.status] <= _ORDER[status]:
        return Transition(False, status, f"tasking is already {status}")
    return Transition(True, effect.status, str(effect.status), effect)


def after_stand_down(status: TaskingStatus, *, finished: bool) -> StandDown:
    """An open tasking ended by the JOC or by another unit's reply: done when the
    response is over and the unit was already out, cancelled otherwise."""
    if finished and status in OUT:
        return StandDown(TaskingStatus.DONE, EventKind.TASKING_COMPLETED)
    return StandDown(TaskingStatus.CANCELLED, EventKind.TASKING_CANCELLED)


# What an incident's open taskings say about it, most advanced first.
_INCIDENT_BY_TASKING: Final = (
    (TaskingStatus.ARRIVED, IncidentStatus.ON_SCENE),
    (TaskingStatus.DEPARTED, IncidentStatus.RESPONDING),
    (TaskingStatus.ACKNOWLEDGED, IncidentStatus.ACKNOWLEDGED),
    (TaskingStatus.PENDING, IncidentStatus.TASKED),
)


# The incident statuses that say a unit holds an order for it.
HOLDS_ORDERS: Final = frozenset(status for _, status in _INCIDENT_BY_TASKING)


def without_orders(current: IncidentStatus) -> IncidentStatus:
    """The incident's status once its open orders went elsewhere (an undone merge took
    them back to their own incident): open, to be routed again, if it said a unit
    had the order; otherwise what it was."""
    return IncidentStatus.OPEN if current in HOLDS_ORDERS else current


def incident_status(current: IncidentStatus, taskings: list[TaskingStatus]) -> IncidentStatus:
    """The incident's status from all its taskings, not from the last reply alone.

    One unit's NO does not undo another's departure; a late ACK does not
    reopen a response a unit reported DONE; a closed or merged incident stays so.
    """
    if current in FINAL:
        return current
    for tasking, status in _INCIDENT_BY_TASKING:
        if tasking in taskings:
            return status
    if TaskingStatus.DONE in taskings:
        return IncidentStatus.RESPONDED
    if TaskingStatus.DECLINED in taskings:
        return IncidentStatus.DECLINED
    return current
