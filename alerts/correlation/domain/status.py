"""An incident's status and why it waits in triage, and the moves between them
that do not depend on its taskings (those are `dispatch.domain.tasking`).

The values are the strings stored in `incidents` and in the event log since
before they had a type: never rename one.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, NamedTuple

from alerts.core.domain.geo import Location


class IncidentStatus(StrEnum):
    TRIAGE = "triage"  # a person must decide something first: see `TriageReason`
    TO_VERIFY = "to_verify"  # routed; the mission's policy waits for a JOC officer
    OPEN = "open"
    TASKED = "tasked"
    ACKNOWLEDGED = "acknowledged"
    RESPONDING = "responding"
    ON_SCENE = "on_scene"
    RESPONDED = "responded"
    DECLINED = "declined"
    CLOSED = "closed"
    MERGED = "merged"
    FALSE_ALARM = "false_alarm"


class TriageReason(StrEnum):
    UNLOCATED = "unlocated"
    AMBIGUOUS = "ambiguous"  # places far apart score alike: a person picks one
    ESCALATED = "escalated"  # the escalation chain ran out
    NO_UNIT = "no_unit"  # routing found no ready unit


# The response is over: a repeat report is news, no deadline still matters, and
# nothing is routed, escalated or changed by an operator any more.
FINISHED: Final = frozenset(
    {
        IncidentStatus.RESPONDED,
        IncidentStatus.CLOSED,
        IncidentStatus.MERGED,
        IncidentStatus.FALSE_ALARM,
    }
)
# Finished, and the record itself is over: off the JOC's queue, and its status no
# longer follows its taskings. A responded incident is neither: it waits on the
# queue for someone to close it, and a new tasking takes it up again.
FINAL: Final = FINISHED - {IncidentStatus.RESPONDED}


class Standing(NamedTuple):
    status: IncidentStatus
    triage_reason: TriageReason | None


def triage_reason_for(location: Location) -> TriageReason | None:
    """Why a person must decide where this is before anyone is sent."""
    if not location.located:
        return TriageReason.UNLOCATED
    if location.ambiguous:
        return TriageReason.AMBIGUOUS
    return None


def opened(location: Location) -> Standing:
    reason = triage_reason_for(location)
    return Standing(IncidentStatus.OPEN if reason is None else IncidentStatus.TRIAGE, reason)


def verified(status: IncidentStatus) -> IncidentStatus:
    """A JOC officer confirmed it: what the policy waited for is done."""
    return IncidentStatus.OPEN if status == IncidentStatus.TO_VERIFY else status


def moved_by_report(current: Standing, *, ambiguous: bool) -> Standing:
    """A report placed the incident: triage, whatever it waited for, gives way to
    routing again, unless the new place is itself ambiguous."""
    if current.status == IncidentStatus.TRIAGE and not ambiguous:
        return Standing(IncidentStatus.OPEN, None)
    return current


def placed_by_officer(current: Standing) -> Standing:
    """An officer put the incident on the map: that settles where, and nothing else
    (a triage for want of a unit still waits for one)."""
    if current.triage_reason not in (TriageReason.UNLOCATED, TriageReason.AMBIGUOUS):
        return current
    if current.status == IncidentStatus.TRIAGE:
        return Standing(IncidentStatus.OPEN, None)
    return Standing(current.status, None)
