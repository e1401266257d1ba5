"""Points and located results shared by locating, correlation and routing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from geopy.distance import geodesic

LocationMethod = Literal["coordinates", "sender_place", "unlocated"]


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
class Location:
    """Where an alert is, and how sure we are.

    `radius_m` is an honest uncertainty: a coordinate typed into an SMS is good
    to about a hundred metres, a sender's home village to several kilometres.
    """

    point: Point | None
    radius_m: float | None
    method: LocationMethod
    confidence: float
    place_name: str | None = None
    matched_text: str | None = None

    @property
    def located(self) -> bool:
        return self.point is not None


UNLOCATED = Location(point=None, radius_m=None, method="unlocated", confidence=0.0)
