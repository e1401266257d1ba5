import random

import pytest

from alerts.core.domain.geo import Point
from alerts.locating.domain.geolocation import (
    RELAY_BASE_RADIUS_M,
    SENDER_PLACE_RADIUS_M,
    SenderContext,
    SenderPlace,
    geolocate,
)
from alerts.locating.domain.places.index import GazetteerIndex, PlaceRecord
from alerts.locating.domain.places.rank import TOWN_RADIUS_M, VILLAGE_RADIUS_M
from tests.locating.domain.places.towns import (
    BENI,
    BUNIA,
    GOMA,
    INDEX,
    KIWANJA,
    MABANGA_BUNIA,
    MABANGA_GOMA,
    NOBODY,
    home_in,
)

HOME = SenderPlace("Mavivi", Point(0.5447, 29.4639))
BASE = SenderPlace("COB Beni", Point(0.4970, 29.4680))


@pytest.mark.parametrize(
    ("text", "place", "matched"),
    [
        ("Attaque à Kiwandja ce matin", "Kiwanja", "Kiwandja"),  # French spelling variant
        ("watu wamevamiwa karibu na Bunya", "Bunia", "Bunya"),  # Swahili, y for i
        ("banyama ba ADF bakoti na Mavivi", "Mavivi", "Mavivi"),  # Lingala; ADF is no place
        ("Armed men attacking Butembo now", "Butembo", "Butembo"),
        ("aturugu asi na kodro ti Mambasa lani", "Mambasa", "Mambasa"),  # Sango
        ("nas bundug ja fi Djugu de sabah", "Djugu", "Djugu"),  # Juba Arabic
        ("ATTAQUE A RUTSHURU MAINTENANT", "Rutshuru", "RUTSHURU"),  # all capitals
        ("attaque a Ki wanja", "Kiwanja", "Ki wanja"),  # a name split in two
        ("Mamba sa wamevamiwa", "Mambasa", "Mamba sa"),  # split on a syllable that is a word
        ("risasi nyingi huko Butenbo", "Butembo", "Butenbo"),  # one letter mistyped
        ("Attaque à Bounia cette nuit", "Bunia", "Bounia"),  # French ou for u
        ("Rutchuru, coups de feu", "Rutshuru", "Rutchuru"),
        ("tirs près de Bèni", "Beni", "Bèni"),  # accents
        ("Attaque à Kiwanja, les gens fuient vers Rutshuru", "Kiwanja", "Kiwanja"),
        ("watu 12 wameuawa kijiji cha Mavivi leo", "Mavivi", "Mavivi"),
    ],
)
def test_finds_the_place_named_in_every_language(text: str, place: str, matched: str) -> None:
    location = geolocate(text, INDEX, NOBODY)

    assert location.method == "place_name"
    assert location.place_name == place
    assert location.matched_text == matched
    assert location.span is not None and text[slice(*location.span)] == matched
    assert not location.ambiguous
    assert location.candidates[0].name == place


@pytest.mark.parametrize(
    ("text", "radius_m"),
    [
        ("Attaque à Kiwanja", VILLAGE_RADIUS_M),  # a village
        ("Attaque à Goma", TOWN_RADIUS_M),  # PPLA
        ("Attaque à Butembo", TOWN_RADIUS_M),  # PPL, but 670,000 people
    ],
)
def test_radius_follows_the_size_of_the_place(text: str, radius_m: float) -> None:
    assert geolocate(text, INDEX, NOBODY).radius_m == radius_m


@pytest.mark.parametrize(
    ("text", "lat", "lon", "radius_m", "method"),
    [
        ("coups de feu 1°12'30\"S 29°27'00\"E", -1.20833, 29.45, 100.0, "coordinates"),
        ("01 12 30 S 029 27 00 E attaque", -1.20833, 29.45, 100.0, "coordinates"),
        ("S 1°12.5' E 29°27.0' wamevamiwa", -1.20833, 29.45, 185.5, "coordinates"),
        ("1°12'S 29°27'E", -1.2, 29.45, 1855.3, "coordinates"),  # minutes only: ~1.9 km
        ("0°29′29″N, 29°28′23″E", 0.49139, 29.47306, 100.0, "coordinates"),
        ("Attaque à Beni -1.2167, 29.4500", -1.2167, 29.45, 100.0, "coordinates"),
        ("contact 35M QU 72647 66323 enemy", -1.20830, 29.45, 1.0, "grid_reference"),
        ("35MQU7264766323", -1.20830, 29.45, 1.0, "grid_reference"),
        ("35MQU72646632", -1.20830, 29.45, 10.0, "grid_reference"),
        ("grid 35MQU726663", -1.20830, 29.45, 100.0, "grid_reference"),
        ("35MQU7266 Kiwanja", -1.2081, 29.4502, 1_000.0, "grid_reference"),
        ("35MQU76", -1.2208, 29.4720, 10_000.0, "grid_reference"),
    ],
)
def test_a_written_position_comes_first_with_its_own_precision(
    text: str, lat: float, lon: float, radius_m: float, method: str
) -> None:
    location = geolocate(text, INDEX, home_in(GOMA))

    assert location.method == method
    assert location.point is not None
    assert location.point.lat == pytest.approx(lat, abs=0.002)
    assert location.point.lon == pytest.approx(lon, abs=0.002)
    assert location.radius_m == pytest.approx(radius_m, rel=0.01)
    assert location.confidence > 0.9


@pytest.mark.parametrize(
    ("text", "place", "km", "bearing"),
    [
        ("5 km au nord de Beni", BENI, 5, "N"),
        ("à 10km à l'est de Bunia des coups de feu", BUNIA, 10, "E"),
        ("kilomita 10 kusini mwa Bunia", BUNIA, 10, "S"),
        ("km 3 kaskazini ya Goma", GOMA, 3, "N"),
        ("10 km north of Beni", BENI, 10, "N"),
        ("umbali wa km 8 magharibi ya Goma", GOMA, 8, "W"),
        ("à 3 km au sud-ouest de Kiwanja", KIWANJA, 3, "SW"),
        ("kilomita kumi kaskazini mashariki mwa Beni", BENI, 10, "NE"),
    ],
)
def test_relative_phrases_move_the_point_and_widen_the_radius(
    text: str, place: PlaceRecord, km: float, bearing: str
) -> None:
    location = geolocate(text, INDEX, NOBODY)
    origin = Point(place.lat, place.lon)

    assert location.method == "relative_place"
    assert location.place_name == place.name
    assert location.point is not None
    assert origin.distance_m(location.point) == pytest.approx(km * 1000, rel=0.01)
    assert ("N" in bearing) == (location.point.lat > origin.lat + 0.001)
    assert ("S" in bearing) == (location.point.lat < origin.lat - 0.001)
    assert ("E" in bearing) == (location.point.lon > origin.lon + 0.001)
    assert ("W" in bearing) == (location.point.lon < origin.lon - 0.001)
    place_radius = geolocate(place.name, INDEX, NOBODY).radius_m or 0.0
    assert location.radius_m == max(place_radius, 0.3 * km * 1000 + 1000)
    assert location.matched_text is not None and location.matched_text.endswith(place.name)


def test_a_distance_without_a_direction_keeps_the_place_and_widens_to_the_ring() -> None:
    location = geolocate("à 5 km de Kiwanja", INDEX, NOBODY)

    assert location.method == "relative_place"
    assert location.point == Point(KIWANJA.lat, KIWANJA.lon)
    assert location.radius_m == 5_000 + max(VILLAGE_RADIUS_M, 0.3 * 5_000 + 1_000)


def test_a_name_shared_by_far_apart_places_is_ambiguous() -> None:
    location = geolocate("Attaque a Mabanga", INDEX, NOBODY)
    clear = geolocate("Attaque a Mavivi", INDEX, NOBODY)

    assert location.ambiguous
    assert location.method == "place_name"
    assert {(c.lat, c.lon) for c in location.candidates} == {
        (MABANGA_GOMA.lat, MABANGA_GOMA.lon),
        (MABANGA_BUNIA.lat, MABANGA_BUNIA.lon),
    }
    assert location.point == Point(location.candidates[0].lat, location.candidates[0].lon)
    assert location.confidence < clear.confidence / 1.5


@pytest.mark.parametrize(
    ("context", "meant"),
    [
        (home_in(GOMA), MABANGA_GOMA),
        (home_in(BUNIA), MABANGA_BUNIA),
        (home_in(KIWANJA), MABANGA_GOMA),  # 55 km from one, 320 km from the other
        (
            SenderContext(mission_area=Point(GOMA.lat, GOMA.lon), mission_radius_km=100),
            MABANGA_GOMA,
        ),
    ],
)
def test_the_senders_area_settles_a_shared_name(context: SenderContext, meant: PlaceRecord) -> None:
    location = geolocate("watu wamevamiwa huko Mabanga", INDEX, context)

    assert not location.ambiguous
    assert location.point == Point(meant.lat, meant.lon)
    assert location.candidates[0].place_id == meant.id


def test_two_far_places_named_alike_are_ambiguous_too() -> None:
    location = geolocate("Beni na Bunia", INDEX, NOBODY)

    assert location.ambiguous
    assert {c.name for c in location.candidates} == {"Beni", "Bunia"}


def test_a_place_listed_by_the_network_and_geonames_is_one_place_network_first() -> None:
    location = geolocate("Attaque à Beni", INDEX, NOBODY)

    assert not location.ambiguous
    assert [c.place_id for c in location.candidates] == [BENI.id]
    assert location.point == Point(BENI.lat, BENI.lon)


@pytest.mark.parametrize(
    "text",
    [
        "Attaque maintenant! venez vite svp",
        "tunaomba msaada haraka sana, watu wanakimbia",
        "help us please they are shooting",
        "masasi ezali kobeta, tosalisa",
        "a-zo ti ngbonga aga lani",
        "nas bundug ja de sabah",
        "ADF FARDC QRF MSF alerte 25 morts",
        "",
    ],
)
def test_no_place_in_the_text_falls_back_to_sender_then_relay_base(text: str) -> None:
    at_home = geolocate(text, INDEX, SenderContext(home=HOME, relay_base=BASE))
    relayed = geolocate(text, INDEX, SenderContext(relay_base=BASE))
    nobody = geolocate(text, INDEX, NOBODY)

    assert (at_home.method, at_home.point, at_home.radius_m) == (
        "sender_place",
        HOME.point,
        SENDER_PLACE_RADIUS_M,
    )
    assert (relayed.method, relayed.point, relayed.radius_m) == (
        "relay_base",
        BASE.point,
        RELAY_BASE_RADIUS_M,
    )
    assert at_home.confidence > relayed.confidence
    assert nobody.method == "unlocated" and not nobody.located


def test_decoy_names_a_large_gazetteer_holds_are_never_taken_for_places() -> None:
    # Villages really called this exist somewhere; in an alert these are words.
    decoys = ("Moto", "Leo", "Sasa", "Watu", "Adf", "Nord", "Village", "Risasi")
    index = GazetteerIndex(PlaceRecord(i, name, (), 0.5, 29.5) for i, name in enumerate(decoys))

    for text in ("moto leo sasa, watu wengi", "ADF au nord du village", "risasi nyingi"):
        assert geolocate(text, index, NOBODY).method == "unlocated"


@pytest.mark.parametrize(
    "text",
    ["", " ", "😱" * 200, "x" * 1600, "Beni " * 400, "\udcff\x00", "\x00\x01\xff junk", "٣٤٥ ¿¡"],
)
def test_odd_text_never_raises(text: str) -> None:
    location = geolocate(text, INDEX, NOBODY)
    assert location.method in {"unlocated", "place_name"}
    assert geolocate(text, INDEX, SenderContext(home=HOME)).located


def test_random_junk_never_raises() -> None:
    rng = random.Random(7)
    alphabet = "aeiouBKMNS 0123456789.,°'\"-°′″ðŸ\x00\udcff😱km nord de"
    for _ in range(500):
        junk = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
        assert geolocate(junk, INDEX, SenderContext(home=HOME)).located
