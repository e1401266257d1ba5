"""How many people an alert says were hurt: a number next to a victim word.

Informants write counts in digits ("12 morts") or words ("watu kumi na mbili"),
and the same text holds numbers that count nothing: distances, times, ages,
phone numbers. Only a number sitting next to a word naming victims counts.
Texts come normalised by `threats.normalise`: lowercase words one space apart.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping

# Joins number words: "vingt et un", "kumi na mbili", "zomi na mibale".
_CONNECTORS = frozenset({"et", "na", "and", "wa"})
# A number followed by one of these is a distance, time or age, not a count of people.
_DISTANCES = frozenset({"km", "kms", "kilo", "kilometre", "kilometres", "m", "metres", "miles"})
_TIMES = frozenset({"h", "hr", "hrs", "heure", "heures", "hour", "hours", "min", "mn", "minutes"})
_DURATIONS = frozenset({"jours", "days", "siku", "ans", "years", "miaka"})
_UNITS_AFTER = _DISTANCES | _TIMES | _DURATIONS
# ...and so is a number preceded by these: "saa tano" is eleven o'clock in Swahili.
_UNITS_BEFORE = frozenset({"saa", "km", "pk", "no", "numero", "nr"})
_NEAR_TOKENS = 2  # how far a number may sit from the noun or verb it counts
_LONGEST_DIGITS = 5  # longer runs of digits are phone numbers or ids, not counts


def _token_index(normalised: str) -> list[int]:
    """Character offset at which each token of a normalised text starts."""
    starts, offset = [], 0
    for token in normalised.split(" "):
        starts.append(offset)
        offset += len(token) + 1
    return starts


def _numbers_in(tokens: list[str], words: Mapping[str, int]) -> list[tuple[int, int, int]]:
    """(first token, last token, value) of each count-like number, digits or words.

    Number words combine as people say them: "vingt cinq" 25, "kumi na mbili"
    12, "quatre vingt" 80 (a larger word multiplies, a smaller one adds).
    """
    found: list[tuple[int, int, int]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.isdigit() and len(token) <= _LONGEST_DIGITS:
            found.append((index, index, int(token)))
            index += 1
            continue
        if token not in words:
            index += 1
            continue
        first, total, group, last = index, 0, words[token], index
        cursor = index + 1
        while cursor < len(tokens):
            if tokens[cursor] in _CONNECTORS and cursor + 1 < len(tokens):
                cursor += 1
            value = words.get(tokens[cursor])
            if value is None:
                break
            if value % 10 == 0 and group < 10 < value:
                group *= value  # quatre vingt
            elif group % 10 == 0 and value < group:
                total, group = total + group, value  # vingt cinq, kumi na mbili
            else:
                break  # "mbili tatu", two or three: separate numbers, not 23 or 6
            last, cursor = cursor, cursor + 1
        found.append((first, last, total + group))
        index = last + 1
    return [
        (first, last, value)
        for first, last, value in found
        if not (last + 1 < len(tokens) and tokens[last + 1] in _UNITS_AFTER)
        and not (first > 0 and tokens[first - 1] in _UNITS_BEFORE)
    ]


def casualty_count(
    normalised: str, anchors: list[tuple[int, int]], words: Mapping[str, int]
) -> int | None:
    """Largest number sitting next to a victim word (anchor character spans)."""
    if not anchors:
        return None
    starts = _token_index(normalised)
    tokens = normalised.split(" ")

    def token_at(offset: int) -> int:
        return bisect_right(starts, offset) - 1

    spans = [(token_at(start), token_at(max(start, end - 1))) for start, end in anchors]
    counts = [
        value
        for first, last, value in _numbers_in(tokens, words)
        if any(
            0 <= a_first - last - 1 <= _NEAR_TOKENS or 0 <= first - a_last - 1 <= _NEAR_TOKENS
            for a_first, a_last in spans
        )
    ]
    return max(counts, default=None)
