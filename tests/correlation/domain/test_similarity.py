import pytest

from alerts.correlation.domain.similarity import distinctive_words, fold_text, text_similarity


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Attaque à KIWANDJA ce matin, 5 morts", "kiwanja"),
        ("watu wamevamiwa karibu na Kiwanja", "kiwanja"),
        ("ADF ont attaqué Mabanga vers 4h", "mabanga"),
        ("help us please they are shooting", ""),
        ("tirs à -1.2167, 29.4500 maintenant", ""),
    ],
)
def test_distinctive_words_drop_the_alert_vocabulary(text: str, words: str) -> None:
    assert distinctive_words(text) == words


@pytest.mark.parametrize(
    ("text", "others", "low", "high"),
    [
        ("Attaque à Kiwanja", ["watu wamevamiwa karibu na KIWANDJA"], 1.0, 1.0),
        ("Attaque à Kiwanja", ["Attaque à Mabanga ce matin"], 0.0, 0.5),
        ("Attaque à Kiwanja", ["help us", "ADF Kiwamja"], 0.8, 0.95),  # a typing mistake
        ("bato babomami Kiwanja chez Kasereka", ["Kiwanja"], 1.0, 1.0),
    ],
)
def test_similarity(text: str, others: list[str], low: float, high: float) -> None:
    similarity = text_similarity(text, others)
    assert similarity is not None and low <= similarity <= high


@pytest.mark.parametrize(
    ("text", "others"),
    [("msaada haraka sana", ["Attaque à Kiwanja"]), ("Attaque à Kiwanja", ["help us", ""])],
)
def test_nothing_distinctive_says_nothing(text: str, others: list[str]) -> None:
    assert text_similarity(text, others) is None


def test_fold_text_for_exact_duplicates() -> None:
    assert fold_text("Attaque à KIWANDJA,  5 morts!") == fold_text("attaque a Kiwanja 5 morts")
    assert fold_text("5 morts") != fold_text("12 morts")
