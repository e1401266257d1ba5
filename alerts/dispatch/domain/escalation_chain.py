"""The escalation chain, walked one trigger at a time.

A trigger is anything that means the order is not being carried out: silence
past the deadline, a decline, an undeliverable tasking, no departure after an
ACK, no arrival. Each moves the incident along the mission's chain, e.g.

    1. resend the order and notify the base commander;
    2. task the next nearest ready QRF (up to twice);
    3. notify the sector HQ and the JOC duty officer.

Resending is only worth it for silence, or for an undelivered order while the
unit has a duty phone not yet tried: a unit that said NO heard the order. A
step that cannot act passes the trigger on to the next one at once, so a
refusal escalates immediately. Whoever acknowledges stops the chain; the
planner only says what to do next, the service does it and records it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from alerts.dispatch.domain.config import ContactRole, EscalationStep

Trigger = Literal["no_ack", "declined", "undelivered", "no_departure", "no_arrival"]


@dataclass(frozen=True)
class Position:
    """The rung reached, and how many times it has been used."""

    step: int = 0
    uses: int = 0


@dataclass(frozen=True)
class Plan:
    resend: bool
    task_next: bool
    notify: tuple[ContactRole, ...]
    position: Position
    exhausted: bool
    steps_taken: tuple[int, ...]  # the rungs acted on, 1-based, for the timeline


def plan(
    chain: tuple[EscalationStep, ...],
    at: Position,
    trigger: Trigger,
    *,
    untried_phone: bool,
    next_unit_ready: bool,
) -> Plan:
    """What to do about `trigger` with the chain at `at`.

    Args:
        untried_phone: the unit has a duty phone the order has not failed on.
        next_unit_ready: routing found a ready QRF not yet tasked for this incident.
    """
    notify: list[ContactRole] = []
    taken: list[int] = []
    step, uses = at.step, at.uses
    can_resend = trigger == "no_ack" or (trigger == "undelivered" and untried_phone)
    while step < len(chain):
        rung = chain[step]
        if rung.action == "resend" and can_resend and uses < rung.times:
            _add(notify, rung.notify)
            taken.append(step + 1)
            return Plan(True, False, tuple(notify), Position(step, uses + 1), False, tuple(taken))
        if rung.action == "next_qrf" and next_unit_ready and uses < rung.times:
            _add(notify, rung.notify)
            taken.append(step + 1)
            return Plan(False, True, tuple(notify), Position(step, uses + 1), False, tuple(taken))
        if uses == 0 and rung.notify:
            # The rung cannot act (a decline needs no resend, no QRF is left), but
            # the people it names must still hear of it, once.
            _add(notify, rung.notify)
            taken.append(step + 1)
        step, uses = step + 1, 0
    return Plan(False, False, tuple(notify), Position(step, 0), True, tuple(taken))


def merged(survivor: Position, absorbed: Position) -> Position:
    """Where a merged incident stands on the chain: the further of the two.

    Its orders' failures so far are one event's failures. Going back to an earlier
    rung would text again the people already told, and resend orders already resent;
    a chain someone took charge of (run to its end) stays taken.
    """
    return max(survivor, absorbed, key=lambda at: (at.step, at.uses))


def _add(roles: list[ContactRole], more: tuple[ContactRole, ...]) -> None:
    roles.extend(role for role in more if role not in roles)
