"""Turn an alert's text and its sender into a location.

This is the foundation's locator: coordinates in the text, else the sender's
registered place, else unlocated for human triage. Free-text place names come
later and slot in between the two.
"""

from __future__ import annotations

from dataclasses import dataclass

from alerts.domain.coordinates import find_coordinates
from alerts.domain.geo import UNLOCATED, Location, Point

# A typed decimal coordinate with four or so decimals is good to ~10 m, but
# people round and copy from phone GPS apps of mixed quality.
COORDINATE_RADIUS_M = 100.0
# A village and its fields: the attack may be anywhere the sender calls home.
SENDER_PLACE_RADIUS_M = 10_000.0


@dataclass(frozen=True)
class SenderPlace:
    name: str
    point: Point


def locate(text: str, sender_place: SenderPlace | None) -> Location:
    """Best location for one alert. Never raises on odd text: it is unlocated instead."""
    match = find_coordinates(text or "")
    if match is not None:
        return Location(
            point=match.point,
            radius_m=COORDINATE_RADIUS_M,
            method="coordinates",
            confidence=0.95,
            matched_text=match.text,
        )
    if sender_place is not None:
        return Location(
            point=sender_place.point,
            radius_m=SENDER_PLACE_RADIUS_M,
            method="sender_place",
            confidence=0.5,
            place_name=sender_place.name,
        )
    return UNLOCATED
