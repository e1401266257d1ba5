import pytest

from alerts.core.domain.geo import Point
from alerts.locating.domain.places.relative import (
    Offset,
    find_offsets,
    moved,
    offset_for,
    widened_radius_m,
)

BENI = Point(0.4914, 29.4731)


def offset_around(text: str, place: str) -> Offset | None:
    start = text.index(place)
    return offset_for(text, (start, start + len(place)))


@pytest.mark.parametrize(
    ("text", "place", "km", "bearing", "phrase"),
    [
        ("5 km au nord de Beni, attaque", "Beni", 5, 0, "5 km au nord de Beni"),
        ("tirs à 10km à l'est de Bunia", "Bunia", 10, 90, "à 10km à l'est de Bunia"),
        ("à 10 km à l’ouest de Bunia", "Bunia", 10, 270, None),
        ("3 kilomètres au sud-est de Goma", "Goma", 3, 135, None),
        ("cinq kilomètres au nord de Mambasa", "Mambasa", 5, 0, None),
        ("2 km nord-ouest de Beni", "Beni", 2, 315, None),
        ("500 m au sud de Kiwanja", "Kiwanja", 0.5, 180, None),
        ("kilomita 10 kusini mwa Bunia", "Bunia", 10, 180, None),
        ("km 3 kaskazini ya Goma", "Goma", 3, 0, None),
        ("umbali wa km 8 magharibi ya Butembo", "Butembo", 8, 270, None),
        ("kilomita kumi kaskazini mashariki mwa Beni", "Beni", 10, 45, None),
        ("mashariki ya Beni km 7 risasi", "Beni", 7, 90, "mashariki ya Beni km 7"),
        ("10 km north of Beni", "Beni", 10, 0, None),
        ("5km NE of Goma", "Goma", 5, 45, None),
        ("3 km NE Komanda ambush", "Komanda", 3, 45, "3 km NE Komanda"),
        ("twenty km south-west of Beni", "Beni", 20, 225, None),
        ("Km 10 na sud ya Bunia etumba", "Bunia", 10, 180, "Km 10 na sud ya Bunia"),  # Lingala
        ("Na ngambo ya est ya Mambasa km 6", "Mambasa", 6, 90, None),
        ("Km 5 nord ti Bria, azo akpe", "Bria", 5, 0, "Km 5 nord ti Bria"),  # Sango
        ("khamsa kilo shimal Bor, hujum", "Bor", 5, 0, "khamsa kilo shimal Bor"),  # Juba Arabic
        ("talata kilo shark min Juba", "Juba", 3, 90, None),
        ("à 5 km de Beni", "Beni", 5, None, None),  # a ring, no direction
        ("2 miles from Juba, shooting", "Juba", 3.218, None, "2 miles from Juba"),
        ("km 4 kutoka Eringeti", "Eringeti", 4, None, None),
    ],
)
def test_reads_distance_and_direction_around_a_place(
    text: str, place: str, km: float, bearing: float | None, phrase: str | None
) -> None:
    offset = offset_around(text, place)
    assert offset is not None
    assert offset.distance_km == pytest.approx(km)
    assert offset.bearing_deg == bearing
    assert offset.text == (phrase or text)
    assert text[slice(*offset.span)] == offset.text


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Attaque à Beni", "Beni"),
        ("au nord de Beni", "Beni"),  # a direction, but no distance
        ("5 km Beni", "Beni"),  # a distance, but nothing ties it to the place
        ("a 300 km au nord de Juba", "Juba"),  # not a walk from a village
        ("au nord de Beni, 5 morts", "Beni"),
        ("10 minutes de Beni", "Beni"),
    ],
)
def test_no_offset_without_both_a_distance_and_a_tie_to_the_place(text: str, place: str) -> None:
    assert offset_around(text, place) is None


def test_find_offsets_lists_distance_first_phrases() -> None:
    offsets = find_offsets("5 km au nord de Beni et 3 km de Mavivi; watu 10 morts")
    assert [(o.distance_km, o.bearing_deg) for o in offsets] == [(5, 0), (3, None)]


def test_moves_along_the_bearing_by_the_distance() -> None:
    offset = offset_around("10 km à l'ouest de Beni", "Beni")
    assert offset is not None
    destination = moved(BENI, offset)
    assert BENI.distance_m(destination) == pytest.approx(10_000, rel=1e-6)
    assert destination.lon < BENI.lon and destination.lat == pytest.approx(BENI.lat, abs=1e-3)


@pytest.mark.parametrize(
    ("text", "place_radius_m", "radius_m"),
    [
        ("2 km au nord de Beni", 3_000, 3_000),  # the place is wider than the estimate
        ("10 km au nord de Beni", 3_000, 4_000),  # 0.3 × 10 km + 1 km
        ("30 km north of Beni", 8_000, 10_000),
        ("à 5 km de Beni", 3_000, 5_000 + 3_000),  # no direction: the whole ring
    ],
)
def test_radius_widens_with_the_distance(text: str, place_radius_m: float, radius_m: float) -> None:
    offset = offset_around(text, "Beni")
    assert offset is not None
    assert widened_radius_m(place_radius_m, offset) == pytest.approx(radius_m)
