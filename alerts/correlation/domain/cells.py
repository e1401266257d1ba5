"""The spatial-temporal key: which grid cells and hour a report can match in.

Incidents are filed under the cells of their located reports; a report looks
only in the cells within its reach. The cost of finding candidates then
depends on how busy the area is, not on how much history is stored. The
database pipeline also takes an advisory lock per cell, in the sorted order
returned here, so two workers handling one attack cannot both open it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from math import cos, floor, radians

from alerts.core.domain.geo import Point
from alerts.correlation.domain.spatial import MAX_INCIDENT_REACH_M, match_radius

CELL_DEGREES = 0.1  # about 11 km at the equator: a report's reach spans a few cells
# A degree of latitude is 110.57 km at the equator and more towards the poles;
# the smallest value gives the widest cover. 1% more for the sphere/ellipsoid gap.
_METRES_PER_DEGREE = 110_574.0 / 1.01
_LON_CELLS = round(360 / CELL_DEGREES)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _index(degrees: float) -> int:
    return floor(degrees / CELL_DEGREES)


def _cell(lat_index: int, lon_index: int) -> str:
    return f"c:{lat_index}:{lon_index}"


def cell_of(point: Point) -> str:
    """The cell a point lies in, e.g. "c:5:294" for (0.54, 29.46)."""
    return _cell(_index(point.lat), _wrapped(_index(point.lon)))


def cells_near(point: Point, radius_m: float) -> tuple[str, ...]:
    """Every cell holding a point that could overlap a report here, sorted.

    An incident point overlaps when it lies within both match radii, so the
    cover is the report's match radius plus the widest an incident point
    can count for (MAX_INCIDENT_REACH_M).
    """
    reach = match_radius(radius_m) + MAX_INCIDENT_REACH_M
    dlat = reach / _METRES_PER_DEGREE
    south, north = max(-90.0, point.lat - dlat), min(90.0, point.lat + dlat)
    # Longitude degrees shrink towards the poles: use the narrowest latitude covered.
    widest = max(abs(south), abs(north))
    shrink = cos(radians(widest))
    if shrink * _METRES_PER_DEGREE * 180 <= reach:
        lon_indices = range(-_LON_CELLS // 2, _LON_CELLS // 2)  # near a pole: every longitude
    else:
        dlon = reach / (_METRES_PER_DEGREE * shrink)
        lon_indices = range(_index(point.lon - dlon), _index(point.lon + dlon) + 1)
    lons = sorted({_wrapped(i) for i in lon_indices})
    cells = [_cell(la, lo) for la in range(_index(south), _index(north) + 1) for lo in lons]
    return tuple(sorted(cells))


def _wrapped(lon_index: int) -> int:
    """Cells across the antimeridian are the cells on the other side."""
    return (lon_index + _LON_CELLS // 2) % _LON_CELLS - _LON_CELLS // 2


def time_bucket(at: datetime, width: timedelta = timedelta(hours=1)) -> int:
    """The number of `width` periods since the epoch: incidents idle in old buckets
    can be dropped from memory or skipped by an index, whole buckets at a time."""
    if at.tzinfo is None:
        raise ValueError("time_bucket needs an aware datetime")
    return (at - _EPOCH) // width
