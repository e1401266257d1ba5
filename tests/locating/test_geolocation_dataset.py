"""The labelled geolocation sets stay usable: their shape, their mix and their truths.

`tests/data/geolocation/messages.jsonl` (the tuning set) and
`tests/data/geolocation/heldout.jsonl` (the held-out set, not tuned on) are
measured by `bench/geolocation_accuracy.py`; a broken line or a lost category
would silently change what the benchmark reports, so both are checked here.
"""

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from alerts.core.domain.geo import Point
from alerts.network.domain.network_file import PlaceEntry

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "geolocation"
FIELDS = {"id", "text", "sender_place", "language", "truth", "expect", "category", "note"}
LANGUAGES = {"fr", "en", "sw", "ln", "sg", "apd", "mix"}
MAJOR_LANGUAGES = ("fr", "en", "sw")
EXPECT_OF_CATEGORY = {
    "name": "located",
    "misspelled": "located",
    "diacritics": "located",
    "relative": "located",
    "decimal": "located",
    "dms": "located",
    "mgrs": "located",
    "sender_place": "located",
    "namesake_sender": "located",
    "ambiguous": "ambiguous",
    "no_place": "unlocated",
    "unknown_place": "unlocated",
}
MIN_PER_CATEGORY = 5
ARMED_GROUPS = re.compile(r"\b(ADF|CODECO|M23|FARDC|FDLR|RSF|Mai[- ]Mai|Seleka)\b", re.IGNORECASE)


def read_messages(name: str = "messages.jsonl") -> list[dict[str, Any]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def read_places() -> list[dict[str, Any]]:
    return yaml.safe_load((DATA / "places.yaml").read_text(encoding="utf-8"))["places"]


def network_places() -> list[dict[str, Any]]:
    text = (ROOT / "config" / "network.example.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["places"]


MESSAGES = read_messages()
HELDOUT = read_messages("heldout.jsonl")
# The held-out set's planned mix: at least this many of each category.
HELDOUT_MIN_PER_CATEGORY = {
    "name": 25,
    "misspelled": 20,
    "relative": 15,
    "decimal": 8,
    "dms": 6,
    "mgrs": 6,
    "ambiguous": 8,
    "sender_place": 12,
    "no_place": 12,
    "unknown_place": 8,
}
BOTH = pytest.mark.parametrize("messages", [MESSAGES, HELDOUT], ids=["tuning", "heldout"])


def fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def test_size() -> None:
    assert len(MESSAGES) >= 320
    assert len(HELDOUT) >= 120


@BOTH
def test_fields_and_ids(messages: list[dict[str, Any]]) -> None:
    for message in messages:
        assert set(message) == FIELDS, message.get("id")
        assert isinstance(message["text"], str) and 0 < len(message["text"]) <= 1600
        assert isinstance(message["note"], str)
    ids = Counter(message["id"] for message in messages)
    assert [i for i, n in ids.items() if n > 1] == []


def test_languages_are_mixed_as_planned() -> None:
    languages = Counter(message["language"] for message in MESSAGES)
    assert set(languages) == LANGUAGES
    for language in MAJOR_LANGUAGES:
        # about a fifth each: no language may crowd the others out of the measure
        assert 0.15 <= languages[language] / len(MESSAGES) <= 0.30, language


def test_every_category_is_present_with_its_expectation() -> None:
    categories = Counter(message["category"] for message in MESSAGES)
    assert set(categories) == set(EXPECT_OF_CATEGORY)
    assert min(categories.values()) >= MIN_PER_CATEGORY, categories
    for message in MESSAGES:
        assert message["expect"] == EXPECT_OF_CATEGORY[message["category"]], message["id"]


@BOTH
def test_truth_is_a_point_exactly_when_located(messages: list[dict[str, Any]]) -> None:
    wrong = []
    for message in messages:
        truth = message["truth"]
        if message["expect"] != "located":
            if truth is not None:
                wrong.append(message["id"])
            continue
        try:
            point = Point(float(truth["lat"]), float(truth["lon"]))
        except (TypeError, KeyError, ValueError):
            wrong.append(message["id"])
            continue
        # every place of the set lies in or near the five mission countries
        if set(truth) != {"lat", "lon"} or not (-15 <= point.lat <= 25 and -15 <= point.lon <= 40):
            wrong.append(message["id"])
    assert wrong == []


def test_places_file_follows_the_network_schema() -> None:
    for entry in read_places():
        PlaceEntry.model_validate(entry)


@BOTH
def test_ambiguous_messages_name_a_namesake(messages: list[dict[str, Any]]) -> None:
    counts = Counter(fold(place["name"]) for place in read_places())
    namesakes = {name for name, n in counts.items() if n > 1}
    assert len(namesakes) >= 3
    for message in messages:
        if message["category"] in {"ambiguous", "namesake_sender"}:
            words = set(re.findall(r"\w+", fold(message["text"])))
            assert words & namesakes, message["id"]


@BOTH
def test_sender_places_are_registered_places(messages: list[dict[str, Any]]) -> None:
    known = {}
    for place in network_places() + read_places():
        known.setdefault(place["name"], []).append(Point(place["lat"], place["lon"]))
    for message in messages:
        sender = message["sender_place"]
        if sender is None:
            assert message["category"] not in {"sender_place", "namesake_sender"}
            continue
        assert len(known.get(sender, [])) == 1, (message["id"], sender)
        if message["category"] == "sender_place":
            truth = Point(message["truth"]["lat"], message["truth"]["lon"])
            assert truth.distance_m(known[sender][0]) < 1.0, message["id"]


def test_realistic_noise_is_present() -> None:
    texts = [message["text"] for message in MESSAGES]
    assert sum(t.isupper() for t in texts) >= 5  # ALL CAPS
    assert sum(not re.search(r"[.,;:!?]", t) for t in texts) >= 50  # no punctuation
    assert sum(any(unicodedata.category(c) == "So" for c in t) for t in texts) >= 5  # emoji
    assert sum(bool(ARMED_GROUPS.search(t)) for t in texts) >= 30  # not places
    assert sum(bool(re.search(r"\d", t)) for t in texts) >= 100  # counts, times, positions


def test_heldout_mix_and_expectations() -> None:
    categories = Counter(message["category"] for message in HELDOUT)
    assert set(categories) <= set(EXPECT_OF_CATEGORY)
    short = {c: categories[c] for c, n in HELDOUT_MIN_PER_CATEGORY.items() if categories[c] < n}
    assert short == {}
    for message in HELDOUT:
        assert message["expect"] == EXPECT_OF_CATEGORY[message["category"]], message["id"]
    assert {message["language"] for message in HELDOUT} == LANGUAGES


def test_heldout_is_new() -> None:
    """No id and no text of the held-out set is in the tuning set."""
    assert {m["id"] for m in HELDOUT}.isdisjoint(m["id"] for m in MESSAGES)
    assert {fold(m["text"]) for m in HELDOUT}.isdisjoint(fold(m["text"]) for m in MESSAGES)
