"""Finding the places an alert's free text names.

Every run of one to three adjacent words is a candidate name: "Kiwanja",
"Ki wanja" (a name split by the phone or the writer), "Mai Ndombe". Words on
the stopword lists, numbers and short all-caps codes (ADF, QRF, MSF) never
begin or end a name. What comes just before a name changes how sure we are:
"village de", "karibu na", "near" announce a place; "vers", "kuelekea",
"venus de" announce where people fled to or came from, not where it happens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple

from alerts.locating.domain.places.index import (
    MIN_FUZZY_LENGTH,
    MIN_NAME_LENGTH,
    GazetteerIndex,
    NameMatch,
)
from alerts.locating.domain.places.normalise import compact, fold
from alerts.locating.domain.places.relative import relative_cues
from alerts.locating.domain.places.stopwords import STOPWORDS

# Letters only: digits, punctuation and emoji separate words.
_WORD = re.compile(r"[^\W\d_]+")
# Words of one name may be separated by up to three of these, nothing else.
_WITHIN_NAME = " \t-'’"
MAX_WORDS_IN_NAME = 3
MIN_MENTION_QUALITY = 0.65

# Cues are the words just before a name, as `compact` writes them.
_STRONG_CUES = (
    frozenset(
        {
            *(("village", "de"), ("localite", "de"), ("groupement", "de"), ("quartier",)),
            *(("pres", "de"), ("pres", "d"), ("a", "cote", "de"), ("cote", "de"), ("cote", "d")),
            *(("environs", "de"), ("non", "loin", "de"), ("cite", "de"), ("colline",)),
            *(("near",), ("village", "of"), ("close", "to"), ("outside",), ("town", "of")),
            *(("kijiji", "cha"), ("karibu", "na"), ("huko",), ("mtaa", "wa"), ("eneo", "la")),
            *(("mji", "wa"), ("kitongoji", "cha"), ("kijijini",)),
            *(("mboka", "ya"), ("na", "mboka"), ("pembeni", "ya"), ("penepene", "na")),
            *(("kodro", "ti"), ("na", "kodro"), ("fi", "hila"), ("gerib", "min")),
        }
    )
    | relative_cues()
)
_WEAK_CUES = frozenset(
    {
        *(("a",), ("au",), ("en",), ("dans",), ("at",), ("in",), ("on",)),
        *(("na",), ("kwa",), ("katika",), ("kwenye",), ("fi",), ("o",), ("ti",)),
    }
)
# Where people fled to or came from: still a place, but likely not the scene.
_MOVEMENT_CUES = frozenset(
    {
        *(("vers",), ("direction",), ("en", "direction", "de"), ("jusqu",), ("venus", "de")),
        *(("venant", "de"), ("towards",), ("from",), ("kuelekea",), ("mpaka",), ("hadi",)),
        *(("kutoka",), ("toka",)),
    }
)
_LONGEST_CUE = 3
STRONG_CUE_BONUS = 0.10
WEAK_CUE_BONUS = 0.04
MOVEMENT_PENALTY = 0.08
CAPITAL_BONUS = 0.03
# Short stopwords are also syllables of names ("sa", "na", "ya", "mai"): one may
# end or begin a several-word name, matched exactly, ranked below the bare word.
MAX_SYLLABLE_LENGTH = 3
SYLLABLE_EDGE_PENALTY = 0.10


class Word(NamedTuple):
    text: str
    start: int
    end: int
    spelling: str  # `compact` of the text
    candidate: bool  # may be a place name: not a stopword, number or code
    syllable: bool  # a short stopword that may still end a longer name: "Mamba sa"
    exact_only: bool  # capitals in mixed-case text: an acronym or a name, never a typo
    capitalised: bool  # a capital initial mid-sentence in mixed-case text: a name, likely
    joins_next: bool  # only a space, hyphen or apostrophe before the next word


@dataclass(frozen=True, slots=True)
class Mention:
    """Words in the text that match gazetteer names, and how well."""

    span: tuple[int, int]
    text: str
    key: str  # the words folded and run together, as the index saw them
    matches: tuple[NameMatch, ...]  # exact ones first, then by typing mistakes
    context_bonus: float  # from the cue before the words and their capital
    quality: float  # the best match's quality, context included
    word_count: int

    def quality_of(self, match: NameMatch) -> float:
        return match_quality(match, len(self.key)) + self.context_bonus


def split_words(text: str) -> list[Word]:
    found = [(match.group(0), match.start(), match.end()) for match in _WORD.finditer(text)]
    if not found:
        return []
    letters = sum(len(written) for written, _, _ in found)
    capitals = sum(len(written) for written, _, _ in found if written.isupper())
    # In a message typed all in capitals, capitals say nothing about codes.
    shouting = letters >= 8 and capitals > 0.6 * letters
    # What lies between each word and the next: "" after the last one.
    gaps = [text[left[2] : right[1]] for left, right in pairwise(found)]
    gaps.append("")
    words = []
    sentence_start = True
    for (written, start, end), gap in zip(found, gaps, strict=True):
        spelling, stopword = _spelling(written)
        all_capitals = not shouting and len(written) > 1 and written.isupper()
        is_code = all_capitals and len(written) <= 3
        words.append(
            Word(
                text=written,
                start=start,
                end=end,
                spelling=spelling,
                candidate=len(spelling) >= 2 and not stopword and not is_code,
                syllable=stopword and not is_code and len(spelling) <= MAX_SYLLABLE_LENGTH,
                exact_only=all_capitals,
                # A capital after ".", "!", "?" or a new line starts a sentence and
                # says nothing about names.
                capitalised=not shouting and not sentence_start and written[:1].isupper(),
                joins_next=0 < len(gap) <= 3 and not gap.strip(_WITHIN_NAME),
            )
        )
        sentence_start = "." in gap or "!" in gap or "?" in gap or "\n" in gap
    return words


@lru_cache(maxsize=65_536)
def _spelling(written: str) -> tuple[str, bool]:
    """A word's compact spelling and whether it is a stopword; words repeat, so cached."""
    spelling = compact(written)
    return spelling, spelling in STOPWORDS


def _cue_of(words: list[Word], first: int) -> tuple[str, ...] | None:
    """The longest cue ending just before words[first], if any."""
    for length in range(min(_LONGEST_CUE, first), 0, -1):
        before = words[first - length : first]
        if not _adjacent(before):
            continue
        cue = tuple(word.spelling for word in before)
        if cue in _STRONG_CUES or cue in _WEAK_CUES or cue in _MOVEMENT_CUES:
            return cue
    return None


def _adjacent(words: list[Word]) -> bool:
    """Each of these words runs straight into the one after it, as words of one name do."""
    return all(word.joins_next for word in words)


def _context_bonus(cue: tuple[str, ...] | None, capitalised: bool) -> float:
    bonus = CAPITAL_BONUS if capitalised else 0.0
    if cue in _STRONG_CUES:
        bonus += STRONG_CUE_BONUS
    elif cue in _WEAK_CUES:
        bonus += WEAK_CUE_BONUS
    elif cue in _MOVEMENT_CUES:
        bonus -= MOVEMENT_PENALTY
    return bonus


def match_quality(match: NameMatch, query_length: int) -> float:
    """1.0 spelled exactly, 0.95 a spelling variant, less for each typing mistake,
    and less again in a short word, where one letter is a larger share."""
    if match.distance == 0:
        return 1.0 if match.exact_spelling else 0.95
    quality = 0.85 - 0.10 * (match.distance - 1)
    return quality - 0.05 if query_length < 7 else quality


def _mention(
    text: str, words: list[Word], first: int, count: int, index: GazetteerIndex, cues: _Cues
) -> Mention | None:
    chosen = words[first : first + count]
    spelling = "".join(word.spelling for word in chosen)
    key = fold(spelling)
    if len(key) < MIN_NAME_LENGTH:
        return None
    clean_edges = chosen[0].candidate and chosen[-1].candidate
    capitalised = chosen[0].capitalised
    # A typing mistake is forgiven only where something says a name is meant,
    # a cue or a capital: elsewhere it is most often a common word one letter
    # from some village. Fuzzy matches are looked up even beside an exact one:
    # a sender near Goma who writes "Gama" may mean Goma; ranking sees both.
    fuzzy_allowed = (
        count <= 2
        and clean_edges
        and len(key) >= MIN_FUZZY_LENGTH
        and not any(word.exact_only for word in chosen)
        and (capitalised or cues.before(first) is not None)
    )
    matches = index.fuzzy(key, spelling) if fuzzy_allowed else ()
    matches = matches or index.exact(key, spelling)
    if not matches:
        return None
    bonus = _context_bonus(cues.before(first), capitalised)
    if not clean_edges:
        bonus -= SYLLABLE_EDGE_PENALTY
    best = max(match_quality(match, len(key)) for match in matches) + bonus
    start, end = chosen[0].start, chosen[-1].end
    return Mention(
        span=(start, end),
        text=text[start:end],
        key=key,
        matches=matches,
        context_bonus=bonus,
        quality=best,
        word_count=count,
    )


class _Cues:
    """The cue before each word, read once and only when a match needs it."""

    def __init__(self, words: list[Word]) -> None:
        self._words = words
        self._read: dict[int, tuple[str, ...] | None] = {}

    def before(self, position: int) -> tuple[str, ...] | None:
        if position not in self._read:
            self._read[position] = _cue_of(self._words, position)
        return self._read[position]


def find_mentions(text: str, index: GazetteerIndex) -> list[Mention]:
    """Non-overlapping place mentions good enough to consider, in text order.

    A name is one word that is no stopword, or two or three adjacent words with
    a real word among them and nothing but words or short syllables at the ends.
    """
    words = split_words(text)
    cues = _Cues(words)
    found: list[Mention] = []
    for first, word in enumerate(words):
        if not (word.candidate or word.syllable):
            continue
        has_real_word = word.candidate
        for count in range(1, MAX_WORDS_IN_NAME + 1):
            if count > 1:
                if first + count > len(words) or not words[first + count - 2].joins_next:
                    break
                last = words[first + count - 1]
                has_real_word = has_real_word or last.candidate
                if not (has_real_word and (last.candidate or last.syllable)):
                    continue
            elif not (word.candidate and len(word.spelling) >= MIN_NAME_LENGTH):
                continue
            mention = _mention(text, words, first, count, index, cues)
            if mention is not None and mention.quality >= MIN_MENTION_QUALITY:
                found.append(mention)
    return _without_overlaps(found)


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Best first, longer first on a tie; drop whatever overlaps a kept mention."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (-m.quality, -m.word_count, m.span)):
        if all(mention.span[1] <= k.span[0] or mention.span[0] >= k.span[1] for k in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.span)


def unmatched_names(text: str, index: GazetteerIndex) -> list[str]:
    """Words that read like a place the gazetteer does not hold, in text order.

    A word qualifies when it follows a cue ("village de Xyz") or is capitalised
    mid-sentence, and neither it nor a near spelling is in the index: what an
    online geocoder might still know.
    """
    words = split_words(text)
    names = []
    for position, word in enumerate(words):
        if not word.candidate or word.exact_only or len(word.spelling) < 4:
            continue
        cue = _cue_of(words, position)
        led = cue in _STRONG_CUES or cue in _WEAK_CUES
        key = fold(word.spelling)
        if (led or word.capitalised) and not index.has_key(key) and not index.fuzzy(key):
            names.append(word.text)
    return names
