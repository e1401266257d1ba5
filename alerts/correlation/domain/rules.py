"""The tunable part of correlation: time windows, compatible threats, reopening.

Operators tune these per mission (a cattle-raid season is not an election
week), so they come from a settings mapping, checked here with errors that
name the key at fault.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType

from alerts.correlation.domain.model import OTHER, canonical_threat
from alerts.locating.domain.threats import THREAT_TYPES

# Violence against people and property and the armed men seen doing it are
# one event when they overlap in place and time: one attack is reported as a
# killing by one informant, as burning or looting by the next.
VIOLENCE = (
    "attack",
    "killing",
    "burning",
    "looting",
    "abduction",
    "sexual_violence",
    "armed_men_sighted",
)
# People flee because of violence, so displacement belongs with any of it.
DISPLACEMENT = "displacement"
_DEFAULT_WINDOWS_MIN = {
    # An attack is reported for hours after it starts and while it moves on.
    "attack": 360,
    "killing": 360,
    "sexual_violence": 360,
    "abduction": 360,
    "burning": 360,
    "looting": 360,
    # A sighting is news for a short while: three hours later it is another sighting.
    "armed_men_sighted": 180,
    # People keep arriving from a displacement for a day.
    "displacement": 1440,
}
_DEFAULT_WINDOW_MIN = 360
# Stragglers after an operator closes an incident belong to it; later reports
# open a new incident linked to the closed one.
_DEFAULT_REOPEN_MIN = 60
# Distinctive words (see `similarity`) of two reports of one attack mostly
# score 1 (the same village, folded), a typing mistake about 0.85; two
# different village names of the same syllables up to about 0.6. Below this
# an overlap only at the edges of the radii is chance.
_DEFAULT_MIN_SIMILARITY = 0.7
_KEYS = (
    "window_minutes",
    "default_window_minutes",
    "compatible",
    "reopen_minutes",
    "min_similarity",
)


@dataclass(frozen=True)
class CorrelationRules:
    """Time windows per threat type, which threats may be one event, reopening.

    `compatible` is symmetric and every type is compatible with itself and
    with "other" (a message whose kind we could not read says nothing against).
    """

    windows: Mapping[str, timedelta]
    default_window: timedelta
    compatible: Mapping[str, frozenset[str]]
    reopen_window: timedelta
    min_similarity: float

    @classmethod
    def defaults(cls) -> CorrelationRules:
        pairs = [(a, b) for a in VIOLENCE for b in VIOLENCE]
        pairs += [(DISPLACEMENT, b) for b in VIOLENCE]
        return cls(
            windows=_frozen({k: timedelta(minutes=v) for k, v in _DEFAULT_WINDOWS_MIN.items()}),
            default_window=timedelta(minutes=_DEFAULT_WINDOW_MIN),
            compatible=_compatibility(pairs),
            reopen_window=timedelta(minutes=_DEFAULT_REOPEN_MIN),
            min_similarity=_DEFAULT_MIN_SIMILARITY,
        )

    @classmethod
    def from_mapping(cls, raw: Mapping[str, object]) -> CorrelationRules:
        """Rules from a settings mapping; missing keys keep their defaults.

        window_minutes: {attack: 360, armed_men_sighted: 180, ...}  # per type, merged
        default_window_minutes: 360
        compatible: {attack: [killing, burning], displacement: [attack]}  # replaces
        reopen_minutes: 60
        min_similarity: 0.7

        Raises ValueError naming the key at fault.
        """
        unknown = sorted(set(raw) - set(_KEYS))
        if unknown:
            raise ValueError(f"correlation: unknown key {unknown[0]!r} (known: {', '.join(_KEYS)})")
        base = cls.defaults()
        windows = dict(base.windows)
        window_minutes = raw.get("window_minutes", {})
        if not isinstance(window_minutes, Mapping):
            raise ValueError("correlation.window_minutes: expected a mapping of type to minutes")
        for threat, minutes in window_minutes.items():
            key = f"window_minutes.{threat}"
            windows[_threat(threat, key)] = timedelta(minutes=_positive(minutes, key))
        default = base.default_window
        if "default_window_minutes" in raw:
            minutes = _positive(raw["default_window_minutes"], "default_window_minutes")
            default = timedelta(minutes=minutes)
        compatible = base.compatible
        if "compatible" in raw:
            compatible = _compatibility(_pairs(raw["compatible"]))
        reopen = base.reopen_window
        if "reopen_minutes" in raw:
            reopen = timedelta(
                minutes=_positive(raw["reopen_minutes"], "reopen_minutes", zero=True)
            )
        similarity = base.min_similarity
        if "min_similarity" in raw:
            similarity = _fraction(raw["min_similarity"], "min_similarity")
        return cls(_frozen(windows), default, compatible, reopen, similarity)

    @property
    def max_window(self) -> timedelta:
        """The longest any incident can wait for its next report: the index's horizon."""
        return max([self.default_window, *self.windows.values()])

    def window(self, threat: str) -> timedelta:
        return self.windows.get(canonical_threat(threat), self.default_window)

    def are_compatible(self, a: str, b: str) -> bool:
        a, b = canonical_threat(a), canonical_threat(b)
        return a == b or OTHER in (a, b) or b in self.compatible.get(a, frozenset())


def _compatibility(pairs: Iterable[tuple[str, str]]) -> Mapping[str, frozenset[str]]:
    """Symmetric: if a may be one event with b, so may b with a."""
    table: dict[str, set[str]] = {threat: {threat} for threat in THREAT_TYPES}
    for a, b in pairs:
        table[a].add(b)
        table[b].add(a)
    for threat in THREAT_TYPES:
        table[threat].add(OTHER)
        table[OTHER].add(threat)
    return MappingProxyType({threat: frozenset(partners) for threat, partners in table.items()})


def _pairs(raw: object) -> list[tuple[str, str]]:
    if not isinstance(raw, Mapping):
        raise ValueError("correlation.compatible: expected a mapping of type to a list of types")
    pairs = []
    for threat, partners in raw.items():
        key = f"compatible.{threat}"
        a = _threat(threat, key)
        if not isinstance(partners, list | tuple):
            raise ValueError(f"correlation.{key}: expected a list of threat types")
        pairs += [(a, _threat(partner, key)) for partner in partners]
    return pairs


def _threat(value: object, key: str) -> str:
    if not isinstance(value, str) or (value not in THREAT_TYPES and value != "unknown"):
        raise ValueError(
            f"correlation.{key}: {value!r} is not a threat type ({', '.join(THREAT_TYPES)})"
        )
    return canonical_threat(value)


def _positive(value: object, key: str, *, zero: bool = False) -> float:
    # bool is an int in Python; `true` in a settings file is never a number of minutes.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"correlation.{key}: expected a number of minutes, got {value!r}")
    if value < 0 or (value == 0 and not zero):
        raise ValueError(f"correlation.{key}: must be {'≥' if zero else '>'} 0, got {value!r}")
    return float(value)


def _fraction(value: object, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"correlation.{key}: expected a number from 0 to 1, got {value!r}")
    return float(value)


def _frozen(windows: Mapping[str, timedelta]) -> Mapping[str, timedelta]:
    return MappingProxyType(dict(windows))
