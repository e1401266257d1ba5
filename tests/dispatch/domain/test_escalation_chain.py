"""The escalation chain: one trigger at a time, with the default chain of
resend + base commander, next QRF (twice), then sector HQ + JOC duty."""

from __future__ import annotations

import pytest

from alerts.dispatch.domain.config import DispatchConfig, EscalationStep
from alerts.dispatch.domain.escalation_chain import Position, Trigger, merged, plan

CHAIN = DispatchConfig().escalation


def walk(triggers: list[Trigger], *, untried_phone: bool = False, ready: int = 5) -> list[str]:
    """What each trigger in turn makes the chain do, as short labels."""
    at, done = Position(), []
    for trigger in triggers:
        step = plan(CHAIN, at, trigger, untried_phone=untried_phone, next_unit_ready=ready > 0)
        label = "resend" if step.resend else "next_qrf" if step.task_next else "-"
        if step.task_next:
            ready -= 1
        done.append(
            f"{label} {'+'.join(step.notify) or 'nobody'}{' END' if step.exhausted else ''}"
        )
        at = step.position
    return done


def test_silence_resends_and_tells_the_commander_then_tasks_two_more_qrfs_then_the_joc() -> None:
    assert walk(["no_ack"] * 5) == [
        "resend base_commander",
        "next_qrf nobody",
        "next_qrf nobody",
        "- sector_hq+joc_duty END",
        "- nobody END",
    ]


def test_the_juba_pattern_three_refusals_reach_the_joc_duty_officer() -> None:
    # A unit that said NO heard the order: no resend, but its commander is told at once.
    assert walk(["declined"] * 3) == [
        "next_qrf base_commander",
        "next_qrf nobody",
        "- sector_hq+joc_duty END",
    ]


def test_an_undelivered_order_goes_to_the_alternate_phone_first() -> None:
    first = plan(CHAIN, Position(), "undelivered", untried_phone=True, next_unit_ready=True)
    assert (first.resend, first.notify) == (True, ("base_commander",))
    second = plan(CHAIN, first.position, "undelivered", untried_phone=False, next_unit_ready=True)
    assert (second.resend, second.task_next) == (False, True)


def test_with_no_qrf_left_the_chain_goes_straight_to_the_sector_and_joc() -> None:
    step = plan(CHAIN, Position(), "declined", untried_phone=False, next_unit_ready=False)
    assert step.notify == ("base_commander", "sector_hq", "joc_duty")
    assert step.exhausted and step.steps_taken == (1, 3)


@pytest.mark.parametrize("trigger", ["no_departure", "no_arrival"])
def test_a_unit_that_acknowledged_but_stalls_is_not_resent_but_replaced(trigger: Trigger) -> None:
    step = plan(CHAIN, Position(), trigger, untried_phone=True, next_unit_ready=True)
    assert (step.resend, step.task_next, step.notify) == (False, True, ("base_commander",))


def test_a_mission_chain_can_notify_first_and_resend_twice() -> None:
    chain = (
        EscalationStep("notify", ("joc_duty",)),
        EscalationStep("resend", times=2),
    )
    first = plan(chain, Position(), "no_ack", untried_phone=False, next_unit_ready=False)
    assert (first.notify, first.resend, first.position) == (("joc_duty",), True, Position(1, 1))
    second = plan(chain, first.position, "no_ack", untried_phone=False, next_unit_ready=False)
    assert (second.notify, second.resend) == ((), True)
    third = plan(chain, second.position, "no_ack", untried_phone=False, next_unit_ready=False)
    assert third.exhausted and not (third.resend or third.task_next)


@pytest.mark.parametrize(
    ("survivor", "absorbed", "expected"),
    [
        (Position(0, 0), Position(1, 1), Position(1, 1)),  # the absorbed order had escalated
        (Position(2, 1), Position(1, 1), Position(2, 1)),
        (Position(1, 2), Position(1, 1), Position(1, 2)),  # same rung: the more used
        (Position(3, 0), Position(0, 0), Position(3, 0)),  # someone took charge: it stays so
    ],
)
def test_a_merged_incident_stands_where_the_further_chain_stood(
    survivor: Position, absorbed: Position, expected: Position
) -> None:
    assert merged(survivor, absorbed) == expected
    assert merged(absorbed, survivor) == expected
