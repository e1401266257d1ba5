"""How alike two alert texts read, from 0 to 1, on the words that tell events apart.

Informants describing one attack share its particulars: the village, a
hamlet, a chief's name. They do not share much else: one writes in French,
the next in Swahili. And two different attacks share the alert vocabulary
("attaque", "watu", "venez vite", "ADF"), so comparing whole texts makes
every pair of alerts look half alike. So the words every alert uses (the
multilingual stop words of place matching, which include threat words,
numbers written out and armed groups) are dropped, the rest folded the way
place names are (accents, case, dj/j, ou/u, doubled letters), then compared
as sets of words (`token_set_ratio`), so one informant's extra words do not
hide the words both used.

A text left with no such words says nothing either way: `None`, not 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz

from alerts.locating.domain.places.normalise import compact, fold, strip_accents
from alerts.locating.domain.places.stopwords import STOPWORDS

_WORDS = re.compile(r"[^\W\d_]+")
_TOKENS = re.compile(r"[^\W_]+")
# Shorter words are particles and abbreviations, not names of anything.
_MIN_LETTERS = 3
# Texts are compared again and again during a burst (each incident keeps its
# last five), so their folded forms are remembered; bounded, and holds no ids.
_FOLDED_TEXTS = 16_384


@lru_cache(maxsize=_FOLDED_TEXTS)
def fold_text(text: str) -> str:
    """The whole text as words folded like place names, one space apart; numbers kept.

    For exact duplicates (a carrier's retry, a sender pressing send twice):
    case, accents, spacing, punctuation and spelling variants do not count,
    but "5 morts" and "12 morts" stay different.
    """
    tokens = _TOKENS.findall(strip_accents(text))
    return " ".join(token if any(c.isdigit() for c in token) else fold(token) for token in tokens)


@lru_cache(maxsize=_FOLDED_TEXTS)
def distinctive_words(text: str) -> str:
    """The text's words minus the alert vocabulary, folded, one space apart."""
    kept = []
    for word in _WORDS.findall(text):
        written = compact(word)
        if len(written) >= _MIN_LETTERS and written not in STOPWORDS:
            kept.append(fold(written))
    return " ".join(kept)


def text_similarity(text: str, others: Iterable[str]) -> float | None:
    """The best `token_set_ratio` of the text's distinctive words against any of the
    others', 0..1; None when the text or all the others have none."""
    words = distinctive_words(text)
    if not words:
        return None
    best: float | None = None
    for other in others:
        other_words = distinctive_words(other)
        if not other_words:
            continue
        cutoff = 0.0 if best is None else best * 100
        score = fuzz.token_set_ratio(words, other_words, score_cutoff=cutoff) / 100
        best = score if best is None else max(best, score)
    return best
