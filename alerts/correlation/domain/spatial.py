"""Distances and radii as correlation compares them.

Haversine on a sphere, not geopy's geodesic: it is within 0.5% of the
ellipsoid, a few tens of metres over the tens of kilometres compared here,
against radii of a kilometre or more, and about fifty times cheaper. A burst
compares each report with a dozen incidents and each with up to nine points.
"""

from __future__ import annotations

from math import asin, cos, radians, sin, sqrt

from alerts.core.domain.geo import Point

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
# An attack is not a point: it covers a village and its fields, about a
# kilometre across. Two informants a few hundred metres apart who each type an
# exact coordinate (good to 100 m) describe one attack, so no radius counts for
# less than this when matching, and a point counts as within another's radius
# up to half the extent beyond it.
EVENT_EXTENT_M = 1_000.0
MIN_MATCH_RADIUS_M = EVENT_EXTENT_M
EVENT_HALF_EXTENT_M = EVENT_EXTENT_M / 2
# Vaguer than a relaying CLA's base (25 km) is no place at all: such a radius
# would bind reports a day's drive apart. Larger radii count for this much,
# which also bounds how far an incident reaches into the spatial index.
MAX_MATCH_RADIUS_M = 25_000.0
MAX_INCIDENT_REACH_M = MAX_MATCH_RADIUS_M


def distance_m(a: Point, b: Point) -> float:
    lat1, lat2 = radians(a.lat), radians(b.lat)
    half_dlat = (lat2 - lat1) / 2
    half_dlon = radians(b.lon - a.lon) / 2
    h = sin(half_dlat) ** 2 + cos(lat1) * cos(lat2) * sin(half_dlon) ** 2
    return 2 * EARTH_RADIUS_M * asin(min(1.0, sqrt(h)))


def match_radius(radius_m: float) -> float:
    """The radius a location counts for when deciding whether two overlap."""
    return min(MAX_MATCH_RADIUS_M, max(MIN_MATCH_RADIUS_M, radius_m))
