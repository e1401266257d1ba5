"""What correlation knows about a report and an incident: plain values.

The database pipeline builds these from its rows and applies the decisions;
the benchmark and replays build them from memory. Neither side's storage
leaks in here, so the rules can be tested and replayed without either.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from alerts.core.domain.geo import Point
from alerts.locating.domain.threats import THREAT_TYPES

# How many recent located reports an incident's track keeps. Enough to follow
# an attack along a road for a couple of hours, few enough that matching a
# report stays a handful of distance computations per candidate.
TRACK_LENGTH = 8
# Recent texts kept for similarity: the burst's phrasings, not its history.
TEXTS_KEPT = 5
# Located only by who sent it (the sender's village, the relaying CLA's base):
# the text itself says nothing about where. Such a location may attach a report
# to an incident but never moves or widens one located by what people wrote.
COARSE_METHODS = frozenset({"sender_place", "relay_base"})
UNLOCATED_METHOD = "unlocated"
# The keyword lists call a message matching no keyword "other"; older rows and
# some callers write "unknown". Both mean: we do not know what kind of threat.
OTHER = "other"
_ALIASES = {"unknown": OTHER}
_KNOWN = frozenset(THREAT_TYPES)


def canonical_threat(threat: str) -> str:
    """The threat type as the rules know it; anything unrecognised is "other"."""
    threat = _ALIASES.get(threat, threat)
    return threat if threat in _KNOWN else OTHER


def is_precise(method: str) -> bool:
    """Located by the text itself (a coordinate, a grid reference, a named place)."""
    return method not in COARSE_METHODS and method != UNLOCATED_METHOD


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """One report as correlation sees it. `received_at` is aware UTC."""

    id: int
    sender_id: int
    received_at: datetime
    point: Point | None
    radius_m: float | None
    method: str
    threat: str
    severity: int
    text: str

    def __post_init__(self) -> None:
        # Naive datetimes would compare wrongly with the aware ones from the database.
        if self.received_at.tzinfo is None:
            raise ValueError("received_at must be timezone-aware (UTC)")

    @property
    def located(self) -> bool:
        return self.point is not None and self.radius_m is not None

    @property
    def precise(self) -> bool:
        return self.located and is_precise(self.method)


@dataclass(frozen=True, slots=True)
class TrackPoint:
    """One located report of an incident, kept so a moving threat can be followed."""

    point: Point
    radius_m: float
    at: datetime
    precise: bool


@dataclass(frozen=True, slots=True)
class IncidentView:
    """An incident as correlation needs it: where, when, what, and who said so.

    `point`/`radius_m` are the best location; `track` the recent located
    reports, oldest first (at most TRACK_LENGTH); `texts` the recent texts
    (at most TEXTS_KEPT); `severity` already includes corroboration.
    """

    id: int
    closed_at: datetime | None
    first_report_at: datetime
    last_report_at: datetime
    point: Point | None
    radius_m: float | None
    track: tuple[TrackPoint, ...]
    threats: frozenset[str]
    informants: frozenset[int]
    texts: tuple[str, ...]
    severity: int
    threat: str

    @property
    def located(self) -> bool:
        return self.point is not None and self.radius_m is not None

    @property
    def precisely_located(self) -> bool:
        """Some recent report placed it by its text.

        Judged from the track because the view carries no flag for the best
        point; `absorb` only lets a precise report set the best point of an
        incident that has precise track points, so the two agree while the
        track still holds one of them.
        """
        return any(point.precise for point in self.track)
