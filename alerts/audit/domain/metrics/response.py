"""Did protection arrive during the attack? And which alerts nobody answered?

Immediate response follows the evaluation that found 101 of 507 attacks drew
one [000:134]: "intervention, whether political or military, during the attack
itself". Here that is a unit on scene (`tasking.arrived`), a political
intervention, or another military action, recorded as done no later than the
attack's end. Only incidents whose end time is known are rated; the others are
counted apart, so the rate never hides what it leaves out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from alerts.audit.domain.metrics.stages import STAGES, IncidentTimes, Stage
from alerts.dispatch.domain.outcomes import OUTCOMES

POLITICAL_ACTIONS: Final = frozenset({"political_engagement"})
MILITARY_ACTIONS: Final = frozenset(
    {
        "patrol",
        "show_of_force",
        "interposition",
        "evacuation_or_escort",
        "sheltering",
        "support_to_local_forces",
    }
)
# The same words as incidents' closing outcomes (a test holds the two together).
RESPONSE_ACTIONS: Final = frozenset(OUTCOMES)

ImmediateBy = Literal["on_scene", "political", "military_action"]


@dataclass(frozen=True)
class Verdict:
    end_known: bool
    immediate: bool
    by: ImmediateBy | None = None


def verdict(times: IncidentTimes) -> Verdict:
    end = times.attack_ended_at
    if end is None:
        return Verdict(False, False)
    on_scene = times.at("on_scene")
    if on_scene is not None and on_scene <= end:
        return Verdict(True, True, "on_scene")
    done = [(a.action, a.at) for a in times.actions if a.at is not None and a.at <= end]
    if any(action in POLITICAL_ACTIONS for action, _ in done):
        return Verdict(True, True, "political")
    if any(action in MILITARY_ACTIONS for action, _ in done):
        return Verdict(True, True, "military_action")
    return Verdict(True, False)


@dataclass(frozen=True)
class ImmediateCounts:
    """The counts behind an immediate-response rate."""

    incidents: int = 0
    end_known: int = 0
    immediate: int = 0
    on_scene: int = 0
    political: int = 0
    military_action: int = 0

    @property
    def end_unknown(self) -> int:
        return self.incidents - self.end_known

    @property
    def rate(self) -> float | None:
        return None if self.end_known == 0 else self.immediate / self.end_known


def count_immediate(
    all_times: Iterable[IncidentTimes], verdicts: Mapping[int, Verdict] | None = None
) -> ImmediateCounts:
    """The counts; `verdicts` by incident id, if already known, saves judging again."""
    incidents = end_known = immediate = 0
    by: dict[ImmediateBy, int] = {"on_scene": 0, "political": 0, "military_action": 0}
    for times in all_times:
        incidents += 1
        v = verdicts[times.incident_id] if verdicts is not None else verdict(times)
        end_known += v.end_known
        immediate += v.immediate
        if v.by is not None:
            by[v.by] += 1
    return ImmediateCounts(
        incidents, end_known, immediate, by["on_scene"], by["political"], by["military_action"]
    )


def answered(times: IncidentTimes) -> bool:
    """A unit acknowledged or arrived, or someone recorded doing something."""
    if times.at("acknowledged") is not None or times.at("on_scene") is not None:
        return True
    done = {a.action for a in times.actions} | set(times.closing_outcome)
    return bool(done - {"none"})


@dataclass(frozen=True)
class Stuck:
    incident_id: int
    stage: Stage | Literal["reported"]  # the last stage reached
    since: datetime
    waiting_s: float


def stuck(times: IncidentTimes, as_of: datetime, after: timedelta) -> Stuck | None:
    """An open incident that reached nothing new for longer than `after`."""
    if times.false_alarm or times.at("closed") is not None:
        return None
    stage: Stage | Literal["reported"] = "reported"
    since = times.first_report_at
    for candidate in STAGES:
        moment = times.at(candidate)
        if moment is not None and candidate != "closed":
            stage, since = candidate, max(since, moment)
    waiting = as_of - since
    if waiting <= after:
        return None
    return Stuck(times.incident_id, stage, since, waiting.total_seconds())
