import pytest

from alerts.core.domain.geo import Location, Point
from alerts.locating.domain.coordinates import COORDINATE_RADIUS_M, find_coordinates
from alerts.locating.domain.geolocation import (
    SENDER_PLACE_RADIUS_M,
    GazetteerIndex,
    SenderContext,
    SenderPlace,
    geolocate,
)


@pytest.mark.parametrize(
    ("text", "lat", "lon"),
    [
        ("Attaque -1.2167, 29.4500 maintenant", -1.2167, 29.45),
        ("watu wenye silaha 0.4914,29.4731", 0.4914, 29.4731),
        ("lat -1.2345 lon 29.4567", -1.2345, 29.4567),
        ("LAT: 0.55 LONG: 29.46 coups de feu", 0.55, 29.46),
        ("position 1.2167S 29.4500E", -1.2167, 29.45),
        ("S1.2167 E29.4500 attack", -1.2167, 29.45),
        ("0.4914 N 29.4731 E", 0.4914, 29.4731),
        ("Bunia 1,5594 N 30,2519 E", 1.5594, 30.2519),
        ("coords -1.6792; 29.2228", -1.6792, 29.2228),
    ],
)
def test_finds_decimal_coordinates(text: str, lat: float, lon: float) -> None:
    match = find_coordinates(text)
    assert match is not None
    assert match.point == Point(lat, lon)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Attaque a Kiwanja, 12 morts",
        "appelez +243970000001 vite",
        "a 10.30 les ADF sont venus, 25 personnes",
        "99.123, 200.456",  # not a point on Earth
        "🙏🙏🔥",
        "\x00\x01\xff junk",
    ],
)
def test_ignores_text_without_a_real_point(text: str) -> None:
    assert find_coordinates(text) is None


NO_GAZETTEER = GazetteerIndex(())


def locate(text: str, home: SenderPlace | None) -> Location:
    return geolocate(text, NO_GAZETTEER, SenderContext(home=home))


def test_locate_prefers_coordinates_then_sender_place() -> None:
    home = SenderPlace("Mavivi", Point(0.5447, 29.4639))

    by_coordinates = locate("attack -1.2167, 29.4500", home)
    assert by_coordinates.method == "coordinates"
    assert by_coordinates.radius_m == COORDINATE_RADIUS_M

    by_home = locate("attaque maintenant!", home)
    assert by_home.method == "sender_place"
    assert by_home.place_name == "Mavivi"
    assert by_home.radius_m == SENDER_PLACE_RADIUS_M

    nowhere = locate("attaque maintenant!", None)
    assert nowhere.method == "unlocated"
    assert not nowhere.located


@pytest.mark.parametrize("text", ["", "😱" * 200, "x" * 1600, "\udcff\x00"])
def test_odd_text_is_unlocated_not_an_error(text: str) -> None:
    assert locate(text, None).method == "unlocated"
