import pytest

from alerts.locating.domain.places.index import GazetteerIndex, PlaceRecord
from tests.locating.domain.places.towns import (
    BENI,
    BENI_GEONAMES,
    INDEX,
    KIWANJA,
    MABANGA_BUNIA,
    MABANGA_GOMA,
    RECORDS,
)


@pytest.mark.parametrize(
    ("written", "ids"),
    [
        ("Kiwanja", {KIWANJA.id}),
        ("Kiwandja", {KIWANJA.id}),  # an alternate name
        ("KI-WANJA", {KIWANJA.id}),
        ("Mabanga", {MABANGA_GOMA.id, MABANGA_BUNIA.id}),  # shared names give every place
        ("Beni", {BENI.id, BENI_GEONAMES.id}),
        ("Lubero", set()),
    ],
)
def test_exact_lookup_by_folded_name(written: str, ids: set[int]) -> None:
    matches = INDEX.lookup(written)
    assert {m.record.id for m in matches} == ids
    assert all(m.distance == 0 for m in matches)


@pytest.mark.parametrize(
    ("written", "name", "distance"),
    [
        ("Butenbo", "Butembo", 1),  # a letter mistyped
        ("Butmbo", "Butembo", 1),  # a letter dropped
        ("Buttembo", "Butembo", 0),  # a letter doubled: folded away
        ("Btuembo", "Butembo", 1),  # two letters swapped
        ("Rutshurou", "Rutshuru", 0),  # ou: folded away
        ("Rutshyru", "Rutshuru", 1),
        ("Mambaza", "Mambasa", 1),
        ("Kiwanjq", "Kiwanja", 1),
    ],
)
def test_fuzzy_lookup_finds_one_typing_mistake(written: str, name: str, distance: int) -> None:
    best = INDEX.lookup(written)[0]
    assert (best.record.name, best.distance) == (name, distance)


def test_two_mistakes_only_in_long_names() -> None:
    index = GazetteerIndex(
        [PlaceRecord(1, "Kanyabayonga", (), -0.7, 29.18), PlaceRecord(2, "Mavivi", (), 0.54, 29.46)]
    )
    assert [m.record.id for m in index.lookup("Kanyabaiomga")] == [1]  # two mistakes, 12 letters
    assert index.lookup("Mavava") == ()  # two mistakes in 6 letters: another word


@pytest.mark.parametrize("written", ["Beno", "Gama", "Bor"])
def test_short_words_are_never_fuzzy(written: str) -> None:
    assert INDEX.lookup(written) == ()


def test_exact_spelling_is_told_apart_from_a_variant() -> None:
    [spelled] = INDEX.lookup("Kiwandja")
    [variant] = INDEX.lookup("Kiwanndja")
    assert spelled.exact_spelling and not variant.exact_spelling


def test_counts_and_an_empty_gazetteer() -> None:
    assert len(INDEX) == len(RECORDS)
    assert INDEX.name_count == 10  # Beni, Bèni, Mabanga twice, Kiwandja: one key each
    empty = GazetteerIndex(())
    assert len(empty) == 0 and empty.lookup("Beni") == ()


def test_names_too_short_to_be_places_are_not_indexed() -> None:
    index = GazetteerIndex([PlaceRecord(1, "Ba", ("B.",), 0.0, 29.0)])
    assert index.name_count == 0


def test_records_off_the_earth_are_never_found() -> None:
    index = GazetteerIndex(
        [PlaceRecord(1, "Kasindi", (), 95.0, 29.7), PlaceRecord(2, "Oicha", (), float("nan"), 29.5)]
    )
    assert index.lookup("Kasindi") == () and index.lookup("Oicha") == ()
    assert len(index) == 2
