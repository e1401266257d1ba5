from pathlib import Path

import pytest

from alerts.locating.domain.threats import (
    THREAT_TYPES,
    KeywordListError,
    build_keyword_lists,
    classify,
    keyword_pattern,
    normalise,
    parse_severity,
)
from alerts.locating.keywords import load_keyword_lists

ROOT = Path(__file__).resolve().parents[3]
# The real, operator-edited lists: these tests fail when an edit breaks a known phrase.
LISTS = load_keyword_lists(ROOT / "config" / "keywords")
RULES = parse_severity(
    {
        "base": {threat: 1 for threat in THREAT_TYPES} | {"killing": 4, "attack": 3},
        "steps": [{"at_least": 3, "add": 1}, {"at_least": 10, "add": 2}],
        "counted_types": ["killing", "attack"],
    },
    "severity.yaml",
)


@pytest.mark.parametrize(
    ("text", "threat"),
    [
        # French
        ("Attaque des ADF à Kiwanja ce matin", "attack"),
        ("Coups de feu entendus près de Rutshuru", "attack"),
        ("3 personnes tuées à Oicha cette nuit", "killing"),
        ("Deux femmes violées au champ près de Luvungi", "sexual_violence"),
        ("12 personnes enlevées par des hommes armés", "abduction"),
        ("Boutiques pillées à Kamango", "looting"),
        ("Maisons brûlées à Pinga", "burning"),
        ("Hommes armés aperçus vers Eringeti", "armed_men_sighted"),
        ("La population fuit vers Beni, beaucoup de déplacés", "displacement"),
        ("ALERTE INSECURITE GRANDE TENSION A SAKE", "other"),
        # English
        ("Armed men attacked the market in Malakal", "attack"),
        ("20 killed in Bor last night", "killing"),
        ("Women raped near the POC site", "sexual_violence"),
        ("Children abducted by gunmen", "abduction"),
        ("Shops looted and cattle stolen", "looting"),
        ("Houses burnt in the village", "burning"),
        ("Militia spotted moving towards Bria", "armed_men_sighted"),
        ("Families fled to the bush", "displacement"),
        # Swahili
        ("Shambulio la ADF Mavivi", "attack"),
        ("Wameshambulia kijiji usiku, milio ya risasi", "attack"),
        ("watu 5 wameuawa karibu na Eringeti", "killing"),
        ("Wanawake wawili wamebakwa", "sexual_violence"),
        ("Watoto kumi wametekwa nyara", "abduction"),
        ("Wameiba mbuzi na kupora maduka", "looting"),
        ("Nyumba zimechomwa Kamango", "burning"),
        ("Watu wenye silaha wameonekana karibu na Oicha", "armed_men_sighted"),
        ("Watu wamekimbia kijiji", "displacement"),
        # Lingala
        ("Banyama babomi bato mitano na Komanda", "killing"),
        ("Bakangi bana misato", "abduction"),
        ("Batumbi ndako na mboka", "burning"),
        ("Babotoli biloko ya bato", "looting"),
        ("Etumba na Fataki, babeti masasi", "attack"),
        ("Bato bakimi na zamba", "displacement"),
        # Sango
        ("Azo ti ngombe aga na Bria", "armed_men_sighted"),
        ("Azo ota akui na Bambari", "killing"),
        ("Anzi ye ti azo", "looting"),
        ("Azo akpe na ngonda", "displacement"),
        # Juba Arabic
        ("Nas be silah katulu nas khamsa fi Bor", "killing"),
        ("Hujum fi Malakal hassa, darabu bundug", "attack"),
        ("Khatafu awlad talata", "abduction"),
        ("Harigu gutiya kulu", "burning"),
        ("Sirigu bagar", "looting"),
        # Mixed: the most urgent type wins whatever the language of each word
        ("ADF wameshambulia Oicha, 7 morts", "killing"),
        ("Attaque na Komanda, bato bakimi", "attack"),
        ("Maisons brûlées, watu wamekimbia", "burning"),
    ],
)
def test_classifies_threat_in_every_language(text: str, threat: str) -> None:
    assert classify(text, LISTS).threat == threat


@pytest.mark.parametrize(
    ("text", "casualties", "severity"),
    [
        ("Attaque à Kiwanja ce matin, 12 morts", 12, 5),
        ("watu 5 wameuawa", 5, 5),
        ("dix personnes tuées", 10, 5),
        ("kumi wameuawa", 10, 5),
        ("20 killed", 20, 5),
        ("un mort à Sake", 1, 4),
        ("watu kumi na wawili wameuawa", 12, 5),
        ("soixante-dix-sept déplacés", 77, 4),
        ("bato zomi na mibale babomi", 12, 5),
        ("nas ashara mutu", 10, 5),
        ("three people injured", 3, 4),
        ("tirs entendus", None, 3),
        ("watu wenye silaha 50 wameonekana", None, 2),  # 50 armed men: not victims
        ("20 maisons brûlées", None, 3),  # houses are not people
    ],
)
def test_counts_of_people_raise_severity(text: str, casualties: int | None, severity: int) -> None:
    result = classify(text, LISTS)
    assert (result.casualties, result.severity) == (casualties, severity)


@pytest.mark.parametrize(
    "text",
    [
        "à 5 km au nord de Beni, tirs",  # a distance
        "tirs à 10h30",  # a time
        "saa tano risasi",  # saa tano: eleven o'clock
        "tirs -1.2167, 29.4500",  # a coordinate
        "appelez +243970000001, tirs",  # a phone number
        "tirs, enfant de 5 ans",  # an age
    ],
)
def test_numbers_that_are_not_counts(text: str) -> None:
    assert classify(text, LISTS).casualties is None


@pytest.mark.parametrize(
    "text",
    ["", "   ", "🙏🙏🔥", "\x00\x01\xff junk \ufffd", "x" * 1600, "1234567890" * 160, "?!*%$#"],
)
def test_bad_input_is_other_severity_one(text: str) -> None:
    result = classify(text, LISTS)
    assert (result.threat, result.severity, result.matched) == ("other", 1, ())


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("ATTAQUE À KIWANJA, TIRS", ("attaque", "tirs")),
        ("Coups de feu", ("coups de feu",)),  # the whole phrase, not a shorter entry
        ("wameuawa, waliuawa, wameuawa", ("wameuawa", "waliuawa")),  # each once
    ],
)
def test_matched_words_explain_the_type(text: str, matched: tuple[str, ...]) -> None:
    assert classify(text, LISTS).matched == matched


@pytest.mark.parametrize(
    ("text", "threat"),
    [
        ("ils sont violents", "other"),  # not "violés"
        ("mortier", "other"),  # whole words: not "mort"
        ("deadline", "other"),
        ("God bless", "other"),
    ],
)
def test_matches_whole_words_only(text: str, threat: str) -> None:
    assert classify(text, LISTS).threat == threat


@pytest.mark.parametrize(
    ("entry", "text", "hit"),
    [
        ("attaqu*", "ils attaquent", True),
        ("attaqu*", "contrattaque", False),
        ("*uawa", "waliuawa", True),
        ("*uawa", "uawaji", False),
        ("*nyang'anya", "wamenyang'anya", True),
        ("coups de feu", "coups  de   feu!", True),
        ("tués", "TUES", True),
    ],
)
def test_keyword_syntax(entry: str, text: str, hit: bool) -> None:
    lists = build_keyword_lists({"x.yaml": {"attack": [entry]}}, RULES)
    assert (classify(text, lists).threat == "attack") is hit


def test_precedence_and_severity_come_from_the_rules() -> None:
    lists = build_keyword_lists({"x.yaml": {"attack": ["tirs"], "killing": ["morts"]}}, RULES)
    assert classify("tirs, morts", lists).threat == "killing"
    assert classify("tirs", lists).severity == 3
    assert classify("tirs, 4 morts", lists).severity == 5
    assert classify("tirs, 40 morts", lists).severity == 5  # capped


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"kiling": ["tues"]}, "x.yaml: kiling: unknown key"),
        ({"attack": "tirs"}, "x.yaml: attack: expected a list of words, got str"),
        ({"attack": ["tirs", 12]}, "x.yaml: attack[1]: expected text, got int"),
        ({"attack": ["a*"]}, "x.yaml: attack[0]: 'a*': a stem needs at least 3 letters"),
        ({"attack": ["at*aque"]}, "x.yaml: attack[0]: 'at*aque': '*' may only"),
        ({"attack": ["*"]}, "x.yaml: attack[0]: '*': a lone '*'"),
        ({"attack": ["атака"]}, "x.yaml: attack[0]: 'атака': letters outside"),
        ({"numbers": {"dix": "ten"}}, "x.yaml: numbers.dix: expected one word"),
        (["tirs"], "x.yaml: expected a mapping"),
    ],
)
def test_list_errors_name_the_file_and_key(document: object, problem: str) -> None:
    with pytest.raises(KeywordListError) as caught:
        build_keyword_lists({"x.yaml": document}, RULES)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_contradicting_number_words_are_refused() -> None:
    documents = {"a.yaml": {"numbers": {"saba": 7}}, "b.yaml": {"numbers": {"saba": 8}}}
    with pytest.raises(KeywordListError, match=r"b.yaml: numbers.saba: 8 contradicts 7 in a.yaml"):
        build_keyword_lists(documents, RULES)


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"base": {}}, "severity.yaml: base.killing: expected a severity from 1 to 5"),
        ({"base": {t: 6 for t in THREAT_TYPES}}, "severity.yaml: base.killing"),
        ({"base": {t: 1 for t in THREAT_TYPES}, "stepz": []}, "severity.yaml: unknown key"),
        (
            {"base": {t: 1 for t in THREAT_TYPES}, "steps": [{"at_least": 0, "add": 1}]},
            "severity.yaml: steps[0]",
        ),
        (
            {"base": {t: 1 for t in THREAT_TYPES}, "counted_types": ["fire"]},
            "severity.yaml: counted_types",
        ),
    ],
)
def test_severity_errors_name_the_key(document: object, problem: str) -> None:
    with pytest.raises(KeywordListError) as caught:
        parse_severity(document, "severity.yaml")
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Oïcha, ATTAQUÉ!", "oicha attaque"),
        ("tirs à 10h30 et 22:15", "tirs a et"),
        ("cœur", "coeur"),
    ],
)
def test_normalise(text: str, normalised: str) -> None:
    assert normalise(text) == normalised


def test_keyword_pattern_rejects_empty_entries() -> None:
    with pytest.raises(ValueError, match="no letters"):
        keyword_pattern("!!!")


def test_every_list_file_has_words_for_every_threat_but_other() -> None:
    for threat in THREAT_TYPES:
        assert LISTS.keywords[threat], threat
