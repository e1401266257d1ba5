"""The foundation's locator, kept for callers that know only the sender's place.

`locate(text, sender_place)` is `geolocate` without a gazetteer: a position
written in the text, else the sender's registered place, else unlocated.
New code calls `alerts.domain.geolocation.geolocate` with an index.
"""

from __future__ import annotations

from alerts.domain.coordinates import COORDINATE_RADIUS_M
from alerts.domain.geo import Location
from alerts.domain.geolocation import (
    SENDER_PLACE_RADIUS_M,
    GazetteerIndex,
    SenderContext,
    SenderPlace,
    geolocate,
)

__all__ = ["COORDINATE_RADIUS_M", "SENDER_PLACE_RADIUS_M", "SenderPlace", "locate"]

_NO_GAZETTEER = GazetteerIndex(())


def locate(text: str, sender_place: SenderPlace | None) -> Location:
    """Best location for one alert. Never raises on odd text: it is unlocated instead."""
    return geolocate(text, _NO_GAZETTEER, SenderContext(home=sender_place))
