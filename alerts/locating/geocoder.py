"""An optional self-hosted geocoder (Nominatim or Photon) through geopy.

Off by default: alerts name villages public geocoders rarely know, and a
lookup leaves the mission's network. When configured, it is the last resort
before "unlocated", with a timeout and a rate limit so a slow or overloaded
server can never hold up the pipeline or be flooded by a burst of alerts.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim, Photon

from alerts.core.domain.geo import Point

log = logging.getLogger(__name__)

GeocoderKind = Literal["nominatim", "photon"]


@dataclass(frozen=True)
class GeocodeHit:
    name: str
    point: Point


class RateLimit:
    """At most one call per `min_interval_s`, across threads; callers wait their turn."""

    def __init__(self, min_interval_s: float) -> None:
        self.min_interval_s = min_interval_s
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.min_interval_s
        if delay > 0:
            time.sleep(delay)


class HttpGeocoder:
    def __init__(
        self,
        url: str,
        kind: GeocoderKind = "nominatim",
        *,
        timeout_s: float = 3.0,
        min_interval_s: float = 1.0,
        country_codes: tuple[str, ...] = ("cd", "ss", "cf", "ml", "sd"),
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ValueError(f"geocoder URL must be http(s)://host[:port][/path] (got {url!r})")
        domain = parts.netloc + parts.path.rstrip("/")
        common = {
            "domain": domain,
            "scheme": parts.scheme,
            "timeout": timeout_s,
            "user_agent": "community-alerts",
        }
        self._kind = kind
        self._geocoder = Nominatim(**common) if kind == "nominatim" else Photon(**common)
        self._limit = RateLimit(min_interval_s)
        self._country_codes = list(country_codes)

    def geocode(self, query: str) -> GeocodeHit | None:
        """The best match for a place name, or None (not found, timeout, server error)."""
        self._limit.wait()
        try:
            if self._kind == "nominatim":
                found = self._geocoder.geocode(query, country_codes=self._country_codes)
            else:
                found = self._geocoder.geocode(query)
        except GeopyError as error:
            log.warning("geocoder unavailable: %s", type(error).__name__)
            return None
        if found is None:
            return None
        return GeocodeHit(name=str(found.address), point=Point(found.latitude, found.longitude))
