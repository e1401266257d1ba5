import pytest

from alerts.locating.domain.places.normalise import compact, fold, strip_accents


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("Kiwandja", "Kiwanja"),  # dj / j
        ("Djugu", "Jugu"),
        ("Bunya", "Bunia"),  # y for i after a consonant
        ("Kyondo", "Kiondo"),
        ("Mayi-Mayi", "Mai Mai"),
        ("Bounia", "Bunia"),  # French ou
        ("Rutchuru", "Rutshuru"),  # tch / tsh / sh / ch
        ("Rushuru", "Ruchuru"),
        ("Mambassa", "Mambasa"),  # double letters
        ("Bunnia", "Bunia"),
        ("Kiwanja", "Ki wanja"),  # merged and split words
        ("Mambasa", "Mamba sa"),
        ("Mai-Ndombe", "Maindombe"),
        ("BÈNI", "beni"),  # case and accents
        ("Walikalé", "Walikale"),
    ],
)
def test_spelling_variants_fold_to_one_key(written: str, meant: str) -> None:
    assert fold(written) == fold(meant)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Beni", "Bunia"),
        ("Goma", "Gama"),
        ("Butembo", "Butembe"),
        ("Kiwanja", "Kiwanda"),
        ("Congo", "Kongo"),  # c is k in French, ch in Kinyarwanda: left to the fuzzy match
    ],
)
def test_different_names_stay_different(one: str, other: str) -> None:
    assert fold(one) != fold(other)


@pytest.mark.parametrize(
    ("text", "stripped", "compacted"),
    [
        ("Côte d'Ivoire", "cote d'ivoire", "cotedivoire"),
        ("Bèni", "beni", "beni"),
        ("ŒUVRE", "œuvre", "uvre"),  # no ASCII form: dropped, not mangled
        ("Mai-Mai 23", "mai-mai 23", "maimai"),
    ],
)
def test_accents_and_separators_go(text: str, stripped: str, compacted: str) -> None:
    assert strip_accents(text) == stripped
    assert compact(text) == compacted
