import pytest

from alerts.locating.domain.places.index import GazetteerIndex, PlaceRecord
from alerts.locating.domain.places.text import find_mentions, split_words, unmatched_names
from tests.locating.domain.places.towns import INDEX


def mentioned(text: str, index: GazetteerIndex = INDEX) -> list[str]:
    return [mention.text for mention in find_mentions(text, index)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Attaque à Kiwanja ce matin", ["Kiwanja"]),
        ("watu wamevamiwa karibu na Bunya", ["Bunya"]),
        ("banyama ba ADF bakoti na Mavivi", ["Mavivi"]),
        ("Attaque à Kiwanja, les gens fuient vers Rutshuru", ["Kiwanja", "Rutshuru"]),
        ("attaque a Ki wanja", ["Ki wanja"]),  # the longer reading wins
        ("Mamba sa", ["Mamba sa"]),
        ("Beni-Butembo", ["Beni", "Butembo"]),  # two names, not one
        ("Beni. Kiwanja", ["Beni", "Kiwanja"]),
        ("5 km au nord de Beni", ["Beni"]),
        ("attaque maintenant, 25 morts", []),
    ],
)
def test_finds_mentions_in_text_order(text: str, names: list[str]) -> None:
    assert mentioned(text) == names


def test_words_never_join_across_punctuation() -> None:
    assert mentioned("Ki, wanja") == []
    assert mentioned("Mamba. Sa") == []


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("ADF QRF MSF na FARDC", {"ADF", "QRF", "MSF"}),
        ("M23 wamefika", {"M"}),
    ],
)
def test_short_capital_codes_and_numbers_are_never_candidates(text: str, codes: set[str]) -> None:
    words = {word.text: word for word in split_words(text)}
    assert all(not words[code].candidate for code in codes)
    assert "23" not in words


def test_capitals_in_a_shouted_message_are_not_codes() -> None:
    words = {word.text: word for word in split_words("ATTAQUE A BOR MAINTENANT")}
    assert words["BOR"].candidate


def test_codes_and_common_words_are_never_places_even_when_a_village_has_the_name() -> None:
    names = ("Adf", "Msf", "Qrf", "Fardc", "Moto", "Leo", "Watu", "Bato", "Kodro", "Nas", "Mboka")
    index = GazetteerIndex(PlaceRecord(i, name, (), 0.5, 29.5) for i, name in enumerate(names))
    for text in (
        "ADF MSF QRF FARDC",
        "moto leo, watu wengi",  # Swahili: fire today, many people
        "bato ya mboka",  # Lingala: people of the village
        "a-zo ti kodro",  # Sango
        "nas kitir",  # Juba Arabic
    ):
        assert mentioned(text, index) == []


@pytest.mark.parametrize(
    ("strong", "plain"),
    [
        ("près de Mavivi", "Mavivi"),
        ("pres de Mavivi", "Mavivi"),
        ("au village de Mavivi", "Mavivi"),
        ("à côté de Mavivi", "Mavivi"),
        ("kijiji cha Mavivi", "Mavivi"),
        ("karibu na Mavivi", "Mavivi"),
        ("near Mavivi", "Mavivi"),
        ("huko Mavivi", "Mavivi"),
        ("kwa Mavivi", "Mavivi"),
        ("na Mavivi", "Mavivi"),
    ],
)
def test_lead_ins_raise_confidence(strong: str, plain: str) -> None:
    [with_cue] = find_mentions(strong, INDEX)
    [without] = find_mentions(plain, INDEX)
    assert with_cue.quality > without.quality


@pytest.mark.parametrize("moving", ["vers Mavivi", "kuelekea Mavivi", "venus de Mavivi"])
def test_where_people_flee_to_or_come_from_counts_less(moving: str) -> None:
    [away] = find_mentions(moving, INDEX)
    [plain] = find_mentions("Mavivi", INDEX)
    assert away.quality < plain.quality


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("huko butenbo", ["butenbo"]),  # a cue
        ("watu wa Butenbo", ["Butenbo"]),  # a capital mid-sentence
        ("butenbo risasi", []),  # nothing says a name is meant
        ("Butenbo risasi", []),  # a capital that only starts the sentence
        ("ATTAQUE A BUTENBO", ["BUTENBO"]),  # shouted: the cue still counts
        ("ATTAQUE BUTENBO", []),
        ("Risasi. Butembo wamevamiwa", ["Butembo"]),  # exact: no sign needed
    ],
)
def test_a_typing_mistake_is_forgiven_only_where_a_name_is_announced(
    text: str, found: list[str]
) -> None:
    assert mentioned(text) == found


def test_unmatched_names_are_cue_led_or_capitalised_words_the_index_lacks() -> None:
    text = "Attaque au village de Lubero, puis Kasindi et Beni. Ce matin"
    assert unmatched_names(text, INDEX) == ["Lubero", "Kasindi"]
