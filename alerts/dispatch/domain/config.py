"""The dispatch rules of a mission: travel speeds, timeouts, tasking policy and
the escalation chain.

Defaults come from `config/dispatch.yaml` and the timeout settings; a mission's
network file may override any of them under `dispatch:`. Both are read by
`DispatchConfig.from_mapping`, which names the key at fault in every error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Literal, cast

from alerts.locating.domain.threats import THREAT_TYPES

TravelMode = Literal["road", "foot", "air"]
TRAVEL_MODES: tuple[TravelMode, ...] = ("road", "foot", "air")
TaskingMode = Literal["auto", "verify"]
StepAction = Literal["resend", "next_qrf", "notify"]
STEP_ACTIONS: tuple[StepAction, ...] = ("resend", "next_qrf", "notify")
ContactRole = Literal["base_commander", "sector_hq", "joc_duty"]
CONTACT_ROLES: tuple[ContactRole, ...] = ("base_commander", "sector_hq", "joc_duty")

# Field defaults. Speeds are what a loaded vehicle makes on eastern Congo's dirt
# roads, a patrol on foot, a helicopter; detours turn a straight line into the
# road or path actually taken.
_SPEEDS_KMH: dict[TravelMode, float] = {"road": 25.0, "foot": 4.0, "air": 180.0}
_DETOURS: dict[TravelMode, float] = {"road": 1.4, "foot": 1.3, "air": 1.0}
_ACK, _DEPART, _ARRIVE = 300, 1800, 3600
# Violence against people is tasked at once; a sighting or a displacement waits
# for a JOC officer to verify it, unless corroboration makes it severe.
_AUTO_THREATS = ("killing", "sexual_violence", "abduction", "attack", "burning", "looting")
_AUTO_SEVERITY = 4
_KEYS = (
    "travel_speed_kmh",
    "detour_factor",
    "ack_timeout_s",
    "depart_timeout_s",
    "arrive_timeout_s",
    "tasking_policy",
    "escalation",
)


class DispatchConfigError(ValueError):
    """A dispatch setting is wrong; the message names the key."""


@dataclass(frozen=True)
class PolicyRule:
    """Threats (any, if empty) at or above a severity are tasked `mode`."""

    mode: TaskingMode
    threats: frozenset[str] = frozenset()
    min_severity: int = 1

    def applies(self, threat: str, severity: int) -> bool:
        return (not self.threats or threat in self.threats) and severity >= self.min_severity


@dataclass(frozen=True)
class EscalationStep:
    """One rung: `resend` the order (next duty phone first), task the `next_qrf`,
    or only `notify`; each also texts the contacts in `notify`. `times` is how
    often the rung may be used before the chain moves on."""

    action: StepAction
    notify: tuple[ContactRole, ...] = ()
    times: int = 1


@dataclass(frozen=True)
class DispatchConfig:
    speeds_kmh: Mapping[TravelMode, float] = field(default_factory=lambda: dict(_SPEEDS_KMH))
    detours: Mapping[TravelMode, float] = field(default_factory=lambda: dict(_DETOURS))
    ack_timeout: timedelta = timedelta(seconds=_ACK)
    depart_timeout: timedelta = timedelta(seconds=_DEPART)
    arrive_timeout: timedelta = timedelta(seconds=_ARRIVE)
    policy: tuple[PolicyRule, ...] = (
        PolicyRule("auto", frozenset(_AUTO_THREATS)),
        PolicyRule("auto", min_severity=_AUTO_SEVERITY),
    )
    default_mode: TaskingMode = "verify"
    escalation: tuple[EscalationStep, ...] = (
        EscalationStep("resend", ("base_commander",)),
        EscalationStep("next_qrf", times=2),
        EscalationStep("notify", ("sector_hq", "joc_duty")),
    )

    def tasking_mode(self, threat: str, severity: int) -> TaskingMode:
        """Task at once, or wait for a JOC officer to verify: the first rule that applies."""
        for rule in self.policy:
            if rule.applies(threat, severity):
                return rule.mode
        return self.default_mode

    def travel_s(self, distance_m: float, mode: str) -> float:
        """Seconds to cover a geodesic distance by `mode`, detours included."""
        travel: TravelMode = mode if mode in TRAVEL_MODES else "road"
        metres_per_s = self.speeds_kmh[travel] * 1000 / 3600
        return distance_m * self.detours[travel] / metres_per_s

    def with_overrides(self, raw: Mapping[str, object] | None, where: str) -> DispatchConfig:
        """These rules with `raw`'s keys replacing theirs (speeds merge per mode).

        Raises DispatchConfigError naming `where` and the key at fault.
        """
        if not raw:
            return self
        unknown = sorted(set(raw) - set(_KEYS))
        if unknown:
            raise DispatchConfigError(
                f"{where}: unknown key {unknown[0]!r} (known: {', '.join(_KEYS)})"
            )
        changes: dict[str, object] = {}
        for key, target in (("travel_speed_kmh", "speeds_kmh"), ("detour_factor", "detours")):
            if key in raw:
                merged = dict(getattr(self, target))
                merged.update(
                    _per_mode(raw[key], f"{where}.{key}", minimum=1.0 if "detour" in key else 0.0)
                )
                changes[target] = merged
        for key, target in (
            ("ack_timeout_s", "ack_timeout"),
            ("depart_timeout_s", "depart_timeout"),
            ("arrive_timeout_s", "arrive_timeout"),
        ):
            if key in raw:
                changes[target] = timedelta(seconds=_positive(raw[key], f"{where}.{key}"))
        if "tasking_policy" in raw:
            changes["policy"], changes["default_mode"] = _policy(
                raw["tasking_policy"], f"{where}.tasking_policy"
            )
        if "escalation" in raw:
            changes["escalation"] = _chain(raw["escalation"], f"{where}.escalation")
        return replace(self, **changes)  # type: ignore[arg-type]


def _positive(value: object, key: str) -> float:
    # bool is an int in Python; `true` in a settings file is never a number.
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise DispatchConfigError(f"{key}: expected a positive number, got {value!r}")
    return float(value)


def _per_mode(raw: object, key: str, *, minimum: float) -> dict[TravelMode, float]:
    if not isinstance(raw, Mapping):
        raise DispatchConfigError(f"{key}: expected a mapping of road/foot/air to numbers")
    values: dict[TravelMode, float] = {}
    for mode, value in raw.items():
        if mode not in TRAVEL_MODES:
            raise DispatchConfigError(
                f"{key}.{mode}: not a travel mode ({', '.join(TRAVEL_MODES)})"
            )
        number = _positive(value, f"{key}.{mode}")
        if number < minimum:
            raise DispatchConfigError(f"{key}.{mode}: must be at least {minimum}, got {value!r}")
        values[cast(TravelMode, mode)] = number
    return values


def _items(raw: object, key: str) -> Sequence[Mapping[str, object]]:
    if not isinstance(raw, list) or not raw:
        raise DispatchConfigError(f"{key}: expected a non-empty list")
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            raise DispatchConfigError(f"{key}[{index}]: expected a mapping")
    return raw


def _policy(raw: object, key: str) -> tuple[tuple[PolicyRule, ...], TaskingMode]:
    """Rules in order; a last rule with no threats and no severity is the default."""
    rules = []
    for index, item in enumerate(_items(raw, key)):
        where = f"{key}[{index}]"
        extra = sorted(set(item) - {"task", "threats", "min_severity"})
        if extra:
            raise DispatchConfigError(f"{where}: unknown key {extra[0]!r}")
        mode = item.get("task")
        if mode not in ("auto", "verify"):
            raise DispatchConfigError(f"{where}.task: expected auto or verify, got {mode!r}")
        threats = item.get("threats", [])
        if not isinstance(threats, list) or any(t not in THREAT_TYPES for t in threats):
            raise DispatchConfigError(
                f"{where}.threats: expected a list of threat types ({', '.join(THREAT_TYPES)})"
            )
        severity = item.get("min_severity", 1)
        if isinstance(severity, bool) or not isinstance(severity, int) or not 1 <= severity <= 5:
            raise DispatchConfigError(f"{where}.min_severity: expected 1 to 5, got {severity!r}")
        rules.append(PolicyRule(mode, frozenset(threats), severity))
    default: TaskingMode = "verify"
    last = rules[-1]
    if not last.threats and last.min_severity == 1:
        default = last.mode
        rules = rules[:-1]
    return tuple(rules), default


def _chain(raw: object, key: str) -> tuple[EscalationStep, ...]:
    steps = []
    for index, item in enumerate(_items(raw, key)):
        where = f"{key}[{index}]"
        extra = sorted(set(item) - {"action", "notify", "times"})
        if extra:
            raise DispatchConfigError(f"{where}: unknown key {extra[0]!r}")
        action = item.get("action")
        if action not in STEP_ACTIONS:
            raise DispatchConfigError(
                f"{where}.action: expected one of {', '.join(STEP_ACTIONS)}, got {action!r}"
            )
        notify = item.get("notify", [])
        if not isinstance(notify, list) or any(r not in CONTACT_ROLES for r in notify):
            raise DispatchConfigError(
                f"{where}.notify: expected a list of contact roles ({', '.join(CONTACT_ROLES)})"
            )
        times = item.get("times", 1)
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise DispatchConfigError(f"{where}.times: expected a whole number ≥ 1, got {times!r}")
        if action == "notify" and not notify:
            raise DispatchConfigError(f"{where}: a notify step needs `notify`")
        steps.append(EscalationStep(action, tuple(cast(list[ContactRole], notify)), times))
    return tuple(steps)
