"""Locating an alert: the pure matcher, with the database's places and, last of
all, an optional online geocoder."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.core.domain.geo import Location, Point
from alerts.locating.domain.geolocation import (
    GazetteerIndex,
    SenderContext,
    SenderPlace,
    geocoder_query,
    geolocate,
)
from alerts.locating.gazetteer.records import load_place_records
from alerts.registry.models import OperatingBase, Place, Sender

# What a geocoder hit is worth: it matched a name we did not know, somewhere.
GEOCODER_RADIUS_M = 5_000.0
GEOCODER_CONFIDENCE = 0.35
# Fallbacks a geocoder may improve on: it only runs when the text itself gave nothing.
_IMPROVABLE = frozenset({"sender_place", "relay_base", "unlocated"})


class GeocodeResult(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def point(self) -> Point: ...


class Geocoder(Protocol):
    def geocode(self, query: str) -> GeocodeResult | None: ...


class PlaceIndexCache:
    """One gazetteer index per process, rebuilt when the places change.

    Building it from 100k+ names takes a moment, so it is kept; a cheap
    fingerprint query (count, highest id, network rows) per use catches
    imports and network reloads.
    """

    def __init__(self, min_check_interval_s: float = 5.0) -> None:
        self._index: GazetteerIndex | None = None
        self._mission_area: Point | None = None
        self._fingerprint: tuple[object, ...] | None = None
        self._checked_at = 0.0
        self._min_check_interval_s = min_check_interval_s
        self._lock = threading.Lock()

    def get(self, session: Session) -> tuple[GazetteerIndex, Point | None]:
        with self._lock:
            now = time.monotonic()
            if self._index is None or now - self._checked_at >= self._min_check_interval_s:
                fingerprint = _fingerprint(session)
                if fingerprint != self._fingerprint or self._index is None:
                    self._index = GazetteerIndex(load_place_records(session))
                    self._mission_area = _mission_area(session)
                    self._fingerprint = fingerprint
                self._checked_at = now
            return self._index, self._mission_area


def _fingerprint(session: Session) -> tuple[object, ...]:
    places = session.execute(select(func.count(Place.id), func.max(Place.id))).one()
    network = session.execute(
        select(func.count(Place.id), func.sum(Place.lat), func.sum(Place.lon)).where(
            Place.source == "network"
        )
    ).one()
    bases = session.execute(select(func.count(OperatingBase.id), func.sum(OperatingBase.lat))).one()
    return (*places, *network, *bases)


def _mission_area(session: Session) -> Point | None:
    """The centre of the mission's bases: where its alerts mostly come from."""
    row = session.execute(select(func.avg(OperatingBase.lat), func.avg(OperatingBase.lon))).one()
    return None if row[0] is None else Point(float(row[0]), float(row[1]))


def sender_context(session: Session, sender: Sender, mission_area: Point | None) -> SenderContext:
    home = None
    if sender.place_id is not None:
        place = session.get(Place, sender.place_id)
        if place is not None:
            home = SenderPlace(place.name, Point(place.lat, place.lon))
    relay_base = None
    if sender.role == "cla" and sender.base_id is not None:
        base = session.get(OperatingBase, sender.base_id)
        if base is not None:
            relay_base = SenderPlace(base.name, Point(base.lat, base.lon))
    return SenderContext(home=home, relay_base=relay_base, mission_area=mission_area)


@dataclass(frozen=True)
class Locator:
    places: PlaceIndexCache
    geocoder: Geocoder | None = None

    def locate(self, session: Session, text: str, sender: Sender) -> Location:
        """Read-only: call it outside write transactions, as it may wait on a geocoder."""
        index, mission_area = self.places.get(session)
        location = geolocate(text, index, sender_context(session, sender, mission_area))
        if self.geocoder is None or location.method not in _IMPROVABLE:
            return location
        query = geocoder_query(text, index)
        if query is None:
            return location
        hit = self.geocoder.geocode(query)
        if hit is None:
            return location
        return Location(
            point=hit.point,
            radius_m=GEOCODER_RADIUS_M,
            method="geocoder",
            confidence=GEOCODER_CONFIDENCE,
            place_name=hit.name,
            matched_text=query,
        )
