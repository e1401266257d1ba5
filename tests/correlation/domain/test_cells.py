import random
from datetime import UTC, datetime, timedelta

import pytest
from geopy.distance import geodesic

from alerts.core.domain.geo import Point
from alerts.correlation.domain.cells import cell_of, cells_near, time_bucket
from alerts.correlation.domain.spatial import MAX_INCIDENT_REACH_M, match_radius


@pytest.mark.parametrize(
    ("point", "cell"),
    [
        (Point(0.5447, 29.4639), "c:5:294"),
        (Point(-1.6792, 29.2228), "c:-17:292"),
        (Point(0.0, 0.0), "c:0:0"),
        (Point(-0.01, -0.01), "c:-1:-1"),
        (Point(10.0, 180.0), "c:100:-1800"),  # the antimeridian is one line
    ],
)
def test_cell_of(point: Point, cell: str) -> None:
    assert cell_of(point) == cell


def test_cells_near_is_sorted_and_holds_its_own_cell() -> None:
    cells = cells_near(Point(0.5447, 29.4639), 10_000)
    assert list(cells) == sorted(cells)
    assert len(set(cells)) == len(cells)
    assert cell_of(Point(0.5447, 29.4639)) in cells


def _at(origin: Point, metres: float, bearing_deg: float) -> Point:
    """The point `metres` away on a bearing, by geopy's geodesic (not our haversine)."""
    destination = geodesic(meters=metres).destination((origin.lat, origin.lon), bearing_deg)
    return Point(destination.latitude, destination.longitude)


# Mission areas, the equator, high latitudes and the antimeridian.
ORIGINS = [
    Point(0.5447, 29.4639),
    Point(-1.6792, 29.2228),
    Point(9.5334, 31.6605),
    Point(18.4411, 1.4078),
    Point(0.0, 0.0),
    Point(65.0, 179.95),
    Point(-70.0, -179.9),
    Point(89.9, 10.0),
]


@pytest.mark.parametrize("origin", ORIGINS)
def test_any_point_that_could_overlap_lies_in_the_cells_near(origin: Point) -> None:
    """Property: a track point within both match radii of the report lies in one of its
    cells; checked at the very edge of the reach, in every direction."""
    rng = random.Random(f"{origin.lat},{origin.lon}")
    for _ in range(300):
        report_radius = rng.choice([100.0, 1_000.0, 3_000.0, 10_000.0, 25_000.0, 60_000.0])
        track_radius = rng.choice([100.0, 3_000.0, 10_000.0, 25_000.0, 40_000.0])
        reach = match_radius(report_radius) + match_radius(track_radius)
        assert reach <= match_radius(report_radius) + MAX_INCIDENT_REACH_M
        point = _at(origin, reach * rng.uniform(0.98, 1.0), rng.uniform(0, 360))
        assert cell_of(point) in cells_near(origin, report_radius)


@pytest.mark.parametrize(
    ("minutes", "width", "bucket"),
    [(0, timedelta(hours=1), 0), (59, timedelta(hours=1), 0), (60, timedelta(hours=1), 1),
     (24 * 60, timedelta(days=1), 1), (-1, timedelta(hours=1), -1)],
)  # fmt: skip
def test_time_bucket(minutes: int, width: timedelta, bucket: int) -> None:
    at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    assert time_bucket(at, width) == bucket


def test_time_bucket_refuses_naive_times() -> None:
    with pytest.raises(ValueError):
        time_bucket(datetime(2026, 3, 1))
