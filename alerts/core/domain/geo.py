"""Points and located results shared by locating, correlation and routing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from geopy.distance import geodesic

LocationMethod = Literal[
    "coordinates",  # decimal or degrees-minutes-seconds typed into the text
    "grid_reference",  # an MGRS grid reference, usually from soldiers
    "place_name",  # a gazetteer place named in the text
    "relative_place",  # "5 km au nord de Beni": a named place moved by an offset
    "sender_place",  # nothing in the text: the sender's registered village
    "relay_base",  # nor a registered village: the relaying CLA's base
    "geocoder",  # an online geocoder, tried by the service layer as a last resort
    "unlocated",
]


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"not a point on Earth: {self.lat}, {self.lon}")

    def distance_m(self, other: Point) -> float:
        """Geodesic distance on WGS84, in metres."""
        return float(geodesic((self.lat, self.lon), (other.lat, other.lon)).meters)


@dataclass(frozen=True)
class Candidate:
    """One place the text may mean, kept so triage can see what else was possible.

    For a relative phrase ("5 km au nord de X"), the point is X moved by the offset.
    """

    name: str
    lat: float
    lon: float
    score: float
    place_id: int | None = None


@dataclass(frozen=True)
class Location:
    """Where an alert is, and how sure we are.

    `radius_m` is an honest uncertainty: a coordinate typed into an SMS is good
    to about a hundred metres, a sender's home village to several kilometres.
    `ambiguous` means the text names places far apart that score alike: `point`
    is the best of `candidates`, but a person should choose.
    """

    point: Point | None
    radius_m: float | None
    method: LocationMethod
    confidence: float
    place_name: str | None = None
    matched_text: str | None = None
    ambiguous: bool = False
    candidates: tuple[Candidate, ...] = ()
    span: tuple[int, int] | None = None

    @property
    def located(self) -> bool:
        return self.point is not None


UNLOCATED = Location(point=None, radius_m=None, method="unlocated", confidence=0.0)
