"""Threat type and severity of an alert, from operator-edited keyword lists.

Informants write in French, English, Swahili, Lingala, Sango or Juba Arabic,
often several in one SMS, so every language's list is matched against every
message. The lists live in `config/keywords/` so operators can add the words
their informants actually use without a release; this module only turns the
parsed files into patterns and applies them.

Keyword syntax (also explained at the top of each list file):
- one word or phrase per entry, matched on whole words, ignoring case and
  accents ("tués" in the list matches "TUES" and "tués" in the text);
- a `*` at the end of a word matches any ending ("attaqu*": attaque, attaqué,
  attaquent), at the start any beginning ("*uawa": wameuawa, waliuawa), which
  Bantu verbs need because their prefixes carry the subject and tense.

The result is a value, so the audit can show why an alert was classed as it was.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from alerts.locating.domain.casualties import casualty_count

# Precedence, most urgent first: when a message matches several types, the
# first wins. Loss of life and violence against persons outrank violence
# against property, which outranks a sighting; "other" is the fallback.
THREAT_TYPES: tuple[str, ...] = (
    "killing",
    "sexual_violence",
    "abduction",
    "attack",
    "burning",
    "looting",
    "armed_men_sighted",
    "displacement",
    "other",
)
# Optional sections of a language file besides the threat types.
COUNTED_KEY = "counted"  # nouns a number may count: personnes, watu, bato
NUMBERS_KEY = "numbers"  # number words: dix -> 10, kumi -> 10
MIN_SEVERITY, MAX_SEVERITY = 1, 5
# An SMS is at most 1,600 characters once concatenated; anything longer is not
# an alert and is cut so a hostile body cannot cost unbounded time.
MAX_TEXT = 2_000
_TIME_OR_DECIMAL = re.compile(r"\d+(?:[.,:/h]\d+)+")
_WORD = re.compile(r"[a-z0-9]+")
_SPECIAL_LETTERS = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})
_MIN_STEM = 3  # "a*" would match nearly every word
_FOREIGN_LETTER = re.compile(r"[^\W\d_a-z]")


class KeywordListError(ValueError):
    """The keyword lists cannot be used. `problems` names each file and key at fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def normalise(text: str) -> str:
    """Lowercase words without accents, one space apart; times and decimals dropped.

    Times ("10h30", "22:15") and decimals ("1,5594") are removed so their parts
    are never read as counts of victims.
    """
    return " ".join(_WORD.findall(_TIME_OR_DECIMAL.sub(" ", _fold(text))))


def _fold(text: str) -> str:
    """Lowercase without diacritics: "Oïcha" -> "oicha", "tués" -> "tues"."""
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL_LETTERS))
    return "".join(char for char in folded if not unicodedata.combining(char))


@dataclass(frozen=True)
class SeverityRules:
    """Base severity per type, raised by the number of people counted in the text.

    `steps` are (at_least, add) pairs: the largest step a count reaches applies.
    `counted_types` are the types whose keywords a number next to them counts
    ("12 morts", "wameuawa watu 5"); a number next to "maisons brûlées" counts
    houses, not people, so burning is usually left out.
    """

    base: Mapping[str, int]
    steps: tuple[tuple[int, int], ...]
    counted_types: frozenset[str]

    def severity(self, threat: str, count: int | None) -> int:
        level = self.base.get(threat, MIN_SEVERITY)
        if count is not None:
            level += max((add for at_least, add in self.steps if count >= at_least), default=0)
        return max(MIN_SEVERITY, min(MAX_SEVERITY, level))


@dataclass(frozen=True)
class KeywordLists:
    """Compiled keyword lists of every language, ready for `classify`.

    `keywords` keeps the entries as operators wrote them, per type, for display.
    """

    keywords: Mapping[str, tuple[str, ...]]
    numbers: Mapping[str, int]
    severity: SeverityRules
    patterns: Mapping[str, re.Pattern[str]] = field(repr=False, compare=False)
    counted: re.Pattern[str] | None = field(repr=False, compare=False)


@dataclass(frozen=True)
class ThreatAssessment:
    """`matched`: the words of the text that decided the type, each once, in text order.
    `casualties`: the largest count of people found next to a victim word, if any.
    """

    threat: str
    severity: int
    matched: tuple[str, ...]
    casualties: int | None


OTHER = ThreatAssessment(threat="other", severity=MIN_SEVERITY, matched=(), casualties=None)


def keyword_pattern(entry: str) -> str:
    """Regex source for one list entry on normalised text. Raises ValueError."""
    if _FOREIGN_LETTER.search(_fold(entry)):
        # Text in another script would normalise to nothing, or to half a word.
        raise ValueError(f"{entry!r}: letters outside the Latin alphabet are not matched")
    pieces: list[str] = []
    for raw in entry.split():
        lead, trail = raw.startswith("*"), raw.endswith("*") and len(raw) > 1
        words = normalise(raw.strip("*")).split()
        if "*" in raw.strip("*"):
            raise ValueError(f"{entry!r}: '*' may only start or end a word")
        if not words:
            if raw.strip("*"):
                continue  # punctuation such as "-" between words
            raise ValueError(f"{entry!r}: a lone '*' matches everything")
        if (lead and len(words[0]) < _MIN_STEM) or (trail and len(words[-1]) < _MIN_STEM):
            raise ValueError(f"{entry!r}: a stem needs at least {_MIN_STEM} letters")
        escaped = [re.escape(word) for word in words]
        if lead:
            escaped[0] = "[a-z0-9]*" + escaped[0]
        if trail:
            escaped[-1] += "[a-z0-9]*"
        pieces.extend(escaped)
    if not pieces:
        raise ValueError(f"{entry!r}: no letters or digits to match")
    return " ".join(pieces)


def _alternation(sources: list[str]) -> re.Pattern[str] | None:
    if not sources:
        return None
    # Longest first, so "coups de feu" is reported rather than a shorter entry inside it.
    ordered = sorted(set(sources), key=len, reverse=True)
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(ordered) + r")(?![a-z0-9])")


def _entries(value: object, where: str, problems: list[str]) -> list[tuple[str, str]]:
    """(entry, regex source) pairs of one list; problems are appended, not raised."""
    if value is None:
        return []  # a type with no words yet in this language
    if not isinstance(value, list):
        problems.append(f"{where}: expected a list of words, got {type(value).__name__}")
        return []
    found = []
    for index, item in enumerate(value):
        if not isinstance(item, str):
            problems.append(f"{where}[{index}]: expected text, got {type(item).__name__}")
            continue
        try:
            found.append((item.strip(), keyword_pattern(item)))
        except ValueError as error:
            problems.append(f"{where}[{index}]: {error}")
    return found


def _numbers(
    value: object, where: str, into: dict[str, tuple[int, str]], problems: list[str]
) -> None:
    if not isinstance(value, dict):
        problems.append(f"{where}: expected a mapping of number word to value")
        return
    for word, number in value.items():
        words = normalise(str(word)).split()
        if len(words) != 1 or isinstance(number, bool) or not isinstance(number, int):
            problems.append(f"{where}.{word}: expected one word mapped to a whole number")
        elif not 0 <= number <= 1000:
            problems.append(f"{where}.{word}: {number} is outside 0-1000")
        elif words[0] in into and into[words[0]][0] != number:
            problems.append(
                f"{where}.{word}: {number} contradicts {into[words[0]][0]} in {into[words[0]][1]}"
            )
        else:
            into[words[0]] = (number, where)


def parse_severity(document: object, source: str) -> SeverityRules:
    """Validate the parsed severity file. Raises KeywordListError naming each key at fault."""
    problems: list[str] = []
    if not isinstance(document, dict):
        raise KeywordListError([f"{source}: expected a mapping with base, steps, counted_types"])
    for key in sorted(set(document) - {"base", "steps", "counted_types"}, key=str):
        problems.append(f"{source}: unknown key {key!r}")
    base_doc = document.get("base")
    base: dict[str, int] = {}
    if not isinstance(base_doc, dict):
        problems.append(f"{source}: base: expected a mapping of threat type to severity")
        base_doc = {}
    for threat in THREAT_TYPES:
        level = base_doc.get(threat)
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            problems.append(f"{source}: base.{threat}: expected a severity from 1 to 5")
        else:
            base[threat] = level
    for key in sorted(set(base_doc) - set(THREAT_TYPES), key=str):
        problems.append(f"{source}: base.{key}: not a threat type")
    steps: list[tuple[int, int]] = []
    raw_steps = document.get("steps") or []
    for index, step in enumerate(raw_steps if isinstance(raw_steps, list) else [None]):
        at_least = step.get("at_least") if isinstance(step, dict) else None
        add = step.get("add") if isinstance(step, dict) else None
        if isinstance(at_least, int) and isinstance(add, int) and at_least >= 1 and add >= 0:
            steps.append((at_least, add))
        else:
            problems.append(f"{source}: steps[{index}]: expected {{at_least: N >= 1, add: N >= 0}}")
    counted = document.get("counted_types") or []
    if not isinstance(counted, list) or not set(counted) <= set(THREAT_TYPES):
        problems.append(f"{source}: counted_types: expected a list of threat types")
        counted = []
    if problems:
        raise KeywordListError(problems)
    return SeverityRules(base=base, steps=tuple(steps), counted_types=frozenset(counted))


def build_keyword_lists(documents: Mapping[str, object], severity: SeverityRules) -> KeywordLists:
    """Compile parsed language files, keyed by a label naming each one (its file name).

    Every problem in every file is collected before raising KeywordListError,
    so an operator fixes a file in one pass.
    """
    problems: list[str] = []
    sources: dict[str, list[str]] = {threat: [] for threat in THREAT_TYPES}
    written: dict[str, list[str]] = {threat: [] for threat in THREAT_TYPES}
    counted: list[str] = []
    numbers: dict[str, tuple[int, str]] = {}
    if not documents:
        problems.append("no keyword list files")
    for source, document in documents.items():
        if not isinstance(document, dict):
            problems.append(f"{source}: expected a mapping of threat type to a list of words")
            continue
        for key, value in document.items():
            where = f"{source}: {key}"
            if key in THREAT_TYPES:
                for entry, pattern in _entries(value, where, problems):
                    written[key].append(entry)
                    sources[key].append(pattern)
            elif key == COUNTED_KEY:
                counted.extend(pattern for _, pattern in _entries(value, where, problems))
            elif key == NUMBERS_KEY:
                _numbers(value, where, numbers, problems)
            else:
                known = ", ".join((*THREAT_TYPES, COUNTED_KEY, NUMBERS_KEY))
                problems.append(f"{where}: unknown key (known keys: {known})")
    if problems:
        raise KeywordListError(problems)
    compiled = {t: p for t in THREAT_TYPES if (p := _alternation(sources[t])) is not None}
    return KeywordLists(
        keywords={threat: tuple(dict.fromkeys(words)) for threat, words in written.items()},
        numbers={word: value for word, (value, _) in numbers.items()},
        severity=severity,
        patterns=compiled,
        counted=_alternation(counted),
    )


def classify(text: str, lists: KeywordLists) -> ThreatAssessment:
    """Threat type, severity 1-5, the words that decided, and any count of people.

    Never raises on odd input (empty, emoji, binary junk): that is `other`, severity 1.
    """
    normalised = normalise(text[:MAX_TEXT]) if isinstance(text, str) else ""
    if not normalised:
        return OTHER
    matches = {
        threat: list(pattern.finditer(normalised)) for threat, pattern in lists.patterns.items()
    }
    threat = next((t for t in THREAT_TYPES if matches.get(t)), None)
    anchors = [
        match.span()
        for kind, found in matches.items()
        if kind in lists.severity.counted_types
        for match in found
    ]
    if lists.counted is not None:
        # "watu" inside "watu wenye silaha" names the armed men, not their victims.
        not_victims = [
            match.span()
            for kind, found in matches.items()
            if kind not in lists.severity.counted_types
            for match in found
        ]
        anchors.extend(
            match.span()
            for match in lists.counted.finditer(normalised)
            if not any(start <= match.start() < end for start, end in not_victims)
        )
    casualties = casualty_count(normalised, anchors, lists.numbers)
    if threat is None:
        # No keyword: a bare number of people says nothing about the danger.
        return ThreatAssessment("other", MIN_SEVERITY, (), casualties)
    return ThreatAssessment(
        threat=threat,
        severity=lists.severity.severity(threat, casualties),
        matched=tuple(dict.fromkeys(match.group(0) for match in matches[threat])),
        casualties=casualties,
    )
