"""Immediate response as the 2014 evaluation counted it, and the open problems lists."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.audit.domain.metrics.response import (
    MILITARY_ACTIONS,
    POLITICAL_ACTIONS,
    RESPONSE_ACTIONS,
    answered,
    count_immediate,
    stuck,
    verdict,
)
from alerts.audit.domain.metrics.stages import IncidentTimes, incident_times
from tests.audit.domain.metrics.scenario import Timeline, at


def incident(*steps: tuple[float, str, dict[str, object]]) -> IncidentTimes:
    t = Timeline()
    t.alert(0, message=1, report=1, incident=10)
    for minutes, kind, data in steps:
        subject = 100 if kind.startswith("tasking.") else 10
        t.add(minutes, kind, subject, 10, **data)
    return incident_times(t.entries)[10]


ENDED_40 = (50, "incident.attack_ended", {"ended_at": at(40).isoformat()})


@pytest.mark.parametrize(
    ("steps", "end_known", "immediate", "by"),
    [
        ([(30, "tasking.arrived", {}), ENDED_40], True, True, "on_scene"),
        ([(40, "tasking.arrived", {}), ENDED_40], True, True, "on_scene"),
        ([(45, "tasking.arrived", {}), ENDED_40], True, False, None),
        (
            [
                ENDED_40,
                (
                    60,
                    "incident.response_action",
                    {"action": "political_engagement", "at": at(10).isoformat()},
                ),
            ],
            True,
            True,
            "political",
        ),
        (
            [
                ENDED_40,
                (
                    60,
                    "incident.response_action",
                    {"action": "political_engagement", "at": at(41).isoformat()},
                ),
            ],
            True,
            False,
            None,
        ),
        (
            [
                ENDED_40,
                (
                    60,
                    "incident.response_action",
                    {"action": "show_of_force", "at": at(35).isoformat()},
                ),
            ],
            True,
            True,
            "military_action",
        ),
        (
            [
                ENDED_40,
                (60, "incident.response_action", {"action": "none", "at": at(5).isoformat()}),
            ],
            True,
            False,
            None,
        ),
        ([(30, "tasking.arrived", {})], False, False, None),
    ],
)
def test_immediate_response(
    steps: list[tuple[float, str, dict[str, object]]],
    end_known: bool,
    immediate: bool,
    by: str | None,
) -> None:
    v = verdict(incident(*steps))
    assert (v.end_known, v.immediate, v.by) == (end_known, immediate, by)


def test_counts_behind_the_rate() -> None:
    cases = [
        incident((30, "tasking.arrived", {}), ENDED_40),
        incident(ENDED_40),
        incident(ENDED_40),
        incident(
            ENDED_40,
            (
                60,
                "incident.response_action",
                {"action": "political_engagement", "at": at(1).isoformat()},
            ),
        ),
        incident((30, "tasking.arrived", {})),  # end unknown: not rated
    ]
    counts = count_immediate(cases)
    assert (counts.incidents, counts.end_known, counts.end_unknown) == (5, 4, 1)
    assert (counts.immediate, counts.on_scene, counts.political, counts.military_action) == (
        2,
        1,
        1,
        0,
    )
    assert counts.rate == 0.5


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([], False),
        ([(1, "tasking.created", {"unit_id": 7})], False),
        ([(1, "tasking.created", {"unit_id": 7}), (2, "tasking.declined", {})], False),
        ([(1, "tasking.created", {"unit_id": 7}), (2, "tasking.acknowledged", {})], True),
        ([(9, "incident.closed", {"outcome": ["none"]})], False),
        ([(9, "incident.closed", {"outcome": ["political_engagement"]})], True),
        ([(9, "incident.response_action", {"action": "patrol", "at": at(8).isoformat()})], True),
    ],
)
def test_unanswered(steps: list[tuple[float, str, dict[str, object]]], expected: bool) -> None:
    assert answered(incident(*steps)) is expected


def test_stuck_at_the_last_stage_reached() -> None:
    times = incident((1, "tasking.created", {"unit_id": 7}), (3, "tasking.acknowledged", {}))
    hour = timedelta(hours=1)
    assert stuck(times, at(62), hour) is None
    found = stuck(times, at(64), hour)
    assert found is not None
    assert (found.stage, found.since, found.waiting_s) == ("acknowledged", at(3), 3660.0)


def test_stuck_before_anything_happened_and_never_once_closed() -> None:
    times = incident()
    found = stuck(times, at(300), timedelta(hours=1))
    assert found is not None and found.stage == "located"
    closed = incident((5, "incident.closed", {"outcome": ["none"]}))
    assert stuck(closed, at(300), timedelta(hours=1)) is None


def test_every_response_action_is_political_military_or_none() -> None:
    assert POLITICAL_ACTIONS | MILITARY_ACTIONS | {"none"} == RESPONSE_ACTIONS
    assert not POLITICAL_ACTIONS & MILITARY_ACTIONS
