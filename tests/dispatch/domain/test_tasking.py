"""What a unit's reply does to its tasking, and an incident's status follows all its
taskings, not the last reply alone."""

from __future__ import annotations

import pytest

from alerts.correlation.domain.status import IncidentStatus
from alerts.dispatch.domain.commands import CommandVerb
from alerts.dispatch.domain.tasking import (
    TaskingStatus,
    after_stand_down,
    apply_command,
    incident_status,
)
from alerts.registry.domain.units import UnitStatus
from alerts.timeline.domain.kinds import EventKind


@pytest.mark.parametrize(
    ("current", "taskings", "status"),
    [
        ("tasked", ["pending"], "tasked"),
        ("tasked", ["declined", "pending"], "tasked"),  # the next unit holds it
        ("responding", ["departed", "declined"], "responding"),  # a NO undoes no departure
        ("acknowledged", ["acknowledged", "pending"], "acknowledged"),
        ("on_scene", ["arrived", "departed"], "on_scene"),
        ("responded", ["done", "cancelled"], "responded"),
        ("tasked", ["declined", "declined"], "declined"),
        ("tasked", ["lapsed"], "tasked"),  # the chain decides (triage when it ran out)
        ("merged", ["acknowledged"], "merged"),
        ("closed", ["pending"], "closed"),
    ],
)
def test_status(current: str, taskings: list[str], status: str) -> None:
    assert incident_status(current, taskings) == status


S = TaskingStatus
K, U = EventKind, UnitStatus


@pytest.mark.parametrize(
    ("verb", "status", "event", "settles", "next_deadline", "unit"),
    [
        ("ACK", S.ACKNOWLEDGED, K.TASKING_ACKNOWLEDGED, ("ack",), "depart", U.TASKED),
        ("NO", S.DECLINED, K.TASKING_DECLINED, None, None, None),
        ("DEP", S.DEPARTED, K.TASKING_DEPARTED, ("ack", "depart"), "arrive", U.DEPLOYED),
        ("ARR", S.ARRIVED, K.TASKING_ARRIVED, ("ack", "depart", "arrive"), None, U.DEPLOYED),
        ("DONE", S.DONE, K.TASKING_COMPLETED, None, None, None),
    ],
)
def test_what_a_reply_from_a_pending_tasking_does(
    verb: CommandVerb,
    status: TaskingStatus,
    event: EventKind,
    settles: tuple[str, ...] | None,
    next_deadline: str | None,
    unit: UnitStatus | None,
) -> None:
    transition = apply_command(S.PENDING, verb)
    effect = transition.effect
    assert transition.accepted and effect is not None and transition.status == status
    assert (effect.status, effect.event, effect.settles) == (status, event, settles)
    assert (effect.next_deadline, effect.unit) == (next_deadline, unit)


@pytest.mark.parametrize(
    ("verb", "takes_charge", "ends_response", "escalates"),
    [
        ("ACK", True, False, False),
        ("DEP", True, False, False),
        ("ARR", True, False, False),
        ("DONE", False, True, False),
        ("NO", False, False, True),
    ],
)
def test_who_else_a_reply_moves(
    verb: CommandVerb, takes_charge: bool, ends_response: bool, escalates: bool
) -> None:
    effect = apply_command(S.ACKNOWLEDGED if verb != "ACK" else S.PENDING, verb).effect
    assert effect is not None
    assert (effect.takes_charge, effect.ends_response, effect.escalates) == (
        takes_charge,
        ends_response,
        escalates,
    )


@pytest.mark.parametrize(
    ("status", "verb", "note"),
    [
        (S.LAPSED, "ACK", "tasking lapsed, call the JOC"),
        (S.DECLINED, "DEP", "tasking is already declined"),
        (S.ARRIVED, "NO", "unit has already arrived"),
        (S.DEPARTED, "ACK", "tasking is already departed"),
        (S.PENDING, "NUM", "NUM is not a tasking command"),
    ],
)
def test_a_refused_reply_changes_nothing_and_says_why(
    status: TaskingStatus, verb: CommandVerb, note: str
) -> None:
    transition = apply_command(status, verb)
    assert (transition.accepted, transition.status, transition.note) == (False, status, note)
    assert transition.effect is None


@pytest.mark.parametrize(
    ("status", "finished", "after", "event"),
    [
        (S.PENDING, False, S.CANCELLED, K.TASKING_CANCELLED),
        (S.ARRIVED, False, S.CANCELLED, K.TASKING_CANCELLED),
        (S.ACKNOWLEDGED, True, S.CANCELLED, K.TASKING_CANCELLED),  # never left: not done
        (S.DEPARTED, True, S.DONE, K.TASKING_COMPLETED),
        (S.ARRIVED, True, S.DONE, K.TASKING_COMPLETED),
    ],
)
def test_after_stand_down(
    status: TaskingStatus, finished: bool, after: TaskingStatus, event: EventKind
) -> None:
    assert after_stand_down(status, finished=finished) == (after, event)


def test_statuses_are_the_strings_already_stored() -> None:
    assert [s.value for s in S] == [
        "pending", "acknowledged", "declined", "departed", "arrived", "done", "cancelled",
        "lapsed",
    ]  # fmt: skip
    assert incident_status(IncidentStatus.TASKED, [S.ARRIVED]) is IncidentStatus.ON_SCENE
