import pytest

from alerts.core.domain.geo import Point
from alerts.locating.domain.places.index import PlaceRecord
from alerts.locating.domain.places.rank import (
    TOWN_RADIUS_M,
    VILLAGE_RADIUS_M,
    RankingContext,
    Scored,
    distance_km,
    place_radius_m,
    rank,
    rivals,
    score,
)
from tests.locating.domain.places.towns import (
    BENI,
    BENI_GEONAMES,
    BUNIA,
    GOMA,
    KIWANJA,
    MABANGA_BUNIA,
    MABANGA_GOMA,
)

NOWHERE = RankingContext()


def scored(record: PlaceRecord, context: RankingContext = NOWHERE, quality: float = 1.0) -> Scored:
    return Scored(record, record.name.lower(), score(record, quality, context), (0, 1))


@pytest.mark.parametrize(
    ("record", "radius_m"),
    [
        (KIWANJA, VILLAGE_RADIUS_M),
        (PlaceRecord(1, "Oicha", (), 0.7, 29.5, feature="PPL"), VILLAGE_RADIUS_M),
        (GOMA, TOWN_RADIUS_M),  # PPLA
        (BENI, TOWN_RADIUS_M),  # PPLA2
        (PlaceRecord(2, "Kasindi", (), 0.03, 29.7, population=60_000), TOWN_RADIUS_M),
    ],
)
def test_radius_of_a_place(record: PlaceRecord, radius_m: float) -> None:
    assert place_radius_m(record) == radius_m


def test_network_places_rank_before_geonames_ones() -> None:
    far_copy = PlaceRecord(99, "Mabanga", (), 4.0, 22.0, source="geonames")
    assert scored(MABANGA_GOMA).score > scored(far_copy).score


def test_places_near_the_sender_and_inside_the_mission_rank_first() -> None:
    near_goma = RankingContext(home=Point(GOMA.lat, GOMA.lon))
    mission = RankingContext(mission_area=Point(BUNIA.lat, BUNIA.lon), mission_radius_km=100)
    assert scored(MABANGA_GOMA, near_goma).score > scored(MABANGA_BUNIA, near_goma).score
    assert scored(MABANGA_BUNIA, mission).score > scored(MABANGA_GOMA, mission).score


def test_towns_before_villages_and_better_matches_first() -> None:
    town = PlaceRecord(1, "Kasenga", (), -10.4, 28.6, feature="PPLA")
    village = PlaceRecord(2, "Kasenga", (), 0.2, 29.9, feature="PPL")
    assert scored(town).score > scored(village).score
    assert scored(village, quality=1.0).score > scored(village, quality=0.85).score


def test_ranking_keeps_each_place_once_and_flags_far_rivals() -> None:
    ranked = rank([scored(BENI_GEONAMES), scored(MABANGA_GOMA), scored(BENI), scored(BENI)])
    assert [s.record for s in ranked] == [BENI, MABANGA_GOMA]  # the network's Beni
    assert [s.record for s in rivals(ranked)] == [MABANGA_GOMA]

    near_only = rank([scored(KIWANJA), scored(PlaceRecord(5, "Rutshuru", (), -1.18, 29.45))])
    assert rivals(near_only) == []  # 4 km apart: one area, not an ambiguity


def test_haversine_distance() -> None:
    assert distance_km(BENI.lat, BENI.lon, BUNIA.lat, BUNIA.lon) == pytest.approx(146, abs=2)
    assert distance_km(0, 0, 0, 0) == 0
