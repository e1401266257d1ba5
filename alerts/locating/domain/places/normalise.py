"""Spellings of a place name folded to one key.

The same village is written "Kiwanja", "Kiwandja" and "KIWANJA"; "Bunia" is
texted as "Bunya" or "Bounia"; "Rutshuru" as "Rutchuru". French, English and
Swahili spell the same sounds differently (dj/j, ou/u, tch/tsh/ts/ch/sh, qu/k),
and phones drop accents and double letters at random. Folding those away
before comparing leaves the fuzzy matcher only the real typing mistakes.

Keys have no spaces, so "Ki wanja" and "Mai-Ndombe" meet "Kiwanja" and
"Mai Ndombe" in the index.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_LETTERS = re.compile(r"[^a-z]+")
# Order matters: longer spellings before the shorter ones they contain. A lone
# "c" is left alone: French writes it for k (Congo), Kinyarwanda for ch
# (Rucuru); one letter either way is a typing mistake the fuzzy match allows.
_SPELLING_VARIANTS = (
    ("tch", "ch"),  # Rutchuru -> Ruchuru
    ("tsh", "ch"),  # Rutshuru -> Ruchuru
    ("ts", "ch"),  # Rutsuru, a common way to write Rutshuru
    ("sh", "ch"),  # English/Swahili sh, French ch
    ("dj", "j"),  # Kiwandja -> Kiwanja, Djugu -> Jugu
    ("dy", "j"),
    ("ou", "u"),  # Bounia -> Bunia
    ("qu", "k"),
    ("ck", "k"),
    ("ph", "f"),
    ("gh", "g"),
)
# y after a letter is written for i: Bunya/Bunia, Kyondo/Kiondo, Mayi/Mai.
_Y_AFTER_LETTER = re.compile(r"(?<=[a-z])y")
_DOUBLED = re.compile(r"([a-z])\1+")


def strip_accents(text: str) -> str:
    """Lower case without diacritics: "Bèni" -> "beni", "Côte" -> "cote"."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def compact(text: str) -> str:
    """Lower-case ASCII letters only, no spaces: the exact spelling, without accents."""
    return _NON_LETTERS.sub("", strip_accents(text))


@lru_cache(maxsize=131_072)
def fold(text: str) -> str:
    """The spelling-variant key of a name or word: "Kiwandja" -> "kiwanja".

    Cached because message words repeat endlessly ("attaque", "watu", "Beni"):
    the cache is bounded and holds nothing but words.
    """
    key = compact(text)
    for written, folded in _SPELLING_VARIANTS:
        if written in key:
            key = key.replace(written, folded)
    key = _Y_AFTER_LETTER.sub("i", key)
    return _DOUBLED.sub(r"\1", key)
