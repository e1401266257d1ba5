"""Geolocation speed: `geolocate` against a naive scan of every name, same run, one core.

    .venv/bin/python -m bench.geolocate_speed [--names N] [--messages M] [--no-doc]

Builds a synthetic gazetteer of N Bantu-style village names (seeded, so every
run builds the same one) spread over DR Congo, South Sudan, the Central
African Republic, Mali and Sudan, plus the real towns of the reports. Then
geolocates M alerts written the way informants write them: six languages,
misspelled names, relative phrases, coordinates, grid references, and
messages naming no place. The baseline does the same word splitting but looks
each word up with `rapidfuzz.process.extractOne` over every name, the obvious
way to write fuzzy matching; it is slow, so it runs on a sample.

The results replace the "Geolocation speed" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rapidfuzz import fuzz, process

from alerts.core.domain.geo import Point
from alerts.locating.domain.geolocation import (
    GazetteerIndex,
    PlaceRecord,
    SenderContext,
    SenderPlace,
    geolocate,
)
from alerts.locating.domain.places.normalise import fold
from alerts.locating.domain.places.text import split_words
from bench.harness.doc import code_state, describe_machine, wrap, write_section

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Geolocation speed"
TARGET_PER_SECOND = 5_000
SEED = 20_100  # any fixed number: the same gazetteer and messages every run

# (south, west, north, east) of each mission country, roughly.
BOXES = {
    "CD": (-13.5, 12.2, 5.4, 31.3),
    "SS": (3.5, 24.0, 12.2, 35.9),
    "CF": (2.2, 14.4, 11.0, 27.5),
    "ML": (10.2, -12.2, 25.0, 4.2),
    "SD": (8.7, 21.8, 22.0, 38.6),
}
TOWNS = {  # name: (lat, lon, population)
    **{"Beni": (0.4914, 29.4731, 230_000), "Bunia": (1.5594, 30.2519, 900_000)},
    **{"Goma": (-1.6792, 29.2228, 670_000), "Butembo": (0.1417, 29.2917, 670_000)},
    **{"Kiwanja": (-1.2167, 29.45, 0), "Rutshuru": (-1.1833, 29.45, 50_000)},
    **{"Mambasa": (1.3597, 29.0458, 0), "Djugu": (1.9247, 30.4997, 0)},
    **{"Walikale": (-1.4194, 28.0497, 0), "Pinga": (-0.9833, 28.6833, 0)},
    **{"Dungu": (3.6167, 28.5667, 0), "Juba": (4.8594, 31.5713, 400_000)},
    **{"Malakal": (9.5334, 31.6605, 150_000), "Bor": (6.2092, 31.5589, 315_000)},
    **{"Pibor": (6.7989, 33.1311, 0), "Bangui": (4.3612, 18.555, 890_000)},
    **{"Bria": (6.5423, 21.9863, 0), "Kidal": (18.4411, 1.4078, 0)},
    **{"Nyala": (12.0489, 24.8807, 560_000)},
}
ONSETS = "b k l m n p s t w z g f v mb nd ng ny sh ch j ts bw kw mw".split()  # noqa: SIM905
VOWELS = "a e i o u".split()  # noqa: SIM905
PREFIXES = "ki ka bu mu lu ma nya ki ka ba".split()  # noqa: SIM905

TEMPLATES = [  # {p}: a place; {n}: a count; {k}: kilometres
    "Attaque à {p} ce matin, {n} morts",
    "Des hommes armés sont entrés au village de {p} cette nuit",
    "coups de feu pres de {p}, la population fuit vers la brousse",
    "ADF ont attaqué {p} vers 4h, maisons brûlées",
    "{k} km au nord de {p} les rebelles pillent",
    "Armed men attacking {p} now, people fleeing",
    "Gunshots heard near {p} at 3am, {n} wounded",
    "{k} km north of {p} houses burning",
    "watu wamevamiwa karibu na {p}",
    "Wavamizi wameingia kijiji cha {p} usiku huu, watu {n} wameuawa",
    "risasi nyingi huko {p} sasa hivi tusaidieni",
    "kilomita {k} kusini mwa {p} nyumba zinachomwa",
    "banyama ba ADF bakoti na {p}",
    "basoda bazali kobundisa bato na mboka ya {p} lelo",
    "a-zo ti ngbonga aga na kodro ti {p}",
    "nas bundug ja fi {p} de sabah, {n} nas mutu",
]
NO_PLACE = [
    "Attaque maintenant! venez vite svp",
    "tunaomba msaada haraka sana, watu wanakimbia",
    "help us please they are shooting",
    "masasi ezali kobeta, tosalisa",
    "ADF FARDC QRF MSF alerte",
    "😱😱😱 🔥🔥",
]
POSITIONS = [
    "tirs a -1.2167, 29.4500 maintenant",
    "contact 35M QU 72647 66323 enemy moving north",
    "attaque 1°12'30\"S 29°27'E",
]


@dataclass(frozen=True)
class Message:
    text: str
    context: SenderContext
    expected_method: str  # "place_name", "relative_place", "coordinates", ... or "sender_place"
    expected_key: str | None = None  # folded name of the place meant, if the text names one


def village_name(rng: random.Random) -> str:
    syllables = [rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 4))]
    prefix = rng.choice(PREFIXES) if rng.random() < 0.6 else ""
    return (prefix + "".join(syllables)).capitalize()


def gazetteer(names: int, rng: random.Random) -> list[PlaceRecord]:
    """Places until there are `names` distinct names; like GeoNames, many names recur."""
    records = [
        PlaceRecord(i, name, (), lat, lon, country="CD", population=pop, feature="PPLA")
        for i, (name, (lat, lon, pop)) in enumerate(TOWNS.items(), start=1)
    ]
    distinct = {fold(name) for name in TOWNS}
    countries = list(BOXES)
    while len(distinct) < names:
        country = rng.choice(countries)
        south, west, north, east = BOXES[country]
        name = village_name(rng)
        french = name.replace("u", "ou").replace("j", "dj")
        alternates = (french,) if french != name and rng.random() < 0.3 else ()
        source = "network" if rng.random() < 0.02 else "geonames"
        lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        records.append(
            PlaceRecord(
                len(records) + 1, name, alternates, lat, lon, country=country, source=source,
                feature="PPL",
            )
        )  # fmt: skip
        distinct.add(fold(name))
    return records


def misspelled(name: str, rng: random.Random) -> str:
    """How phones and hurry change a name: a spelling variant or one typing mistake."""
    kind = rng.random()
    if kind < 0.2:
        return name.replace("i", "y", 1) if "i" in name[1:] else name + name[-1]
    if kind < 0.4:
        return name.replace("u", "ou").replace("j", "dj")
    position = rng.randrange(1, len(name) - 1)
    if kind < 0.7 and len(name) >= 7:
        return name[:position] + name[position + 1 :]  # a letter dropped
    return name[:position] + rng.choice("aeiou") + name[position + 1 :]  # a letter mistyped


def messages(records: list[PlaceRecord], count: int, rng: random.Random) -> list[Message]:
    villages = records[len(TOWNS) :]
    made = []
    for _ in range(count):
        place = rng.choice(records[: len(TOWNS)] if rng.random() < 0.2 else villages)
        context = sender_near(place, rng)
        roll = rng.random()
        if roll < 0.08:
            expected = "sender_place" if context.home else "relay_base"
            made.append(Message(rng.choice(NO_PLACE), context, expected))
            continue
        if roll < 0.12:
            text = rng.choice(POSITIONS)
            method = "grid_reference" if "QU" in text else "coordinates"
            made.append(Message(text, context, method))
            continue
        written = misspelled(place.name, rng) if rng.random() < 0.3 else place.name
        if rng.random() < 0.3:
            written = written.lower()
        template = rng.choice(TEMPLATES)
        text = template.format(p=written, n=rng.randint(2, 40), k=rng.randint(2, 30))
        method = "relative_place" if "{k}" in template else "place_name"
        made.append(Message(text, context, method, fold(place.name)))
    return made


def sender_near(place: PlaceRecord, rng: random.Random) -> SenderContext:
    """Informants report on their own area: a home village, or only a relaying CLA's base,
    within a day's walk of the place."""
    lat = place.lat + rng.uniform(-0.15, 0.15)
    lon = place.lon + rng.uniform(-0.15, 0.15)
    near = SenderPlace("near", Point(max(-90.0, min(90.0, lat)), lon))
    return SenderContext(home=near) if rng.random() < 0.8 else SenderContext(relay_base=near)


def naive_locate(text: str, names: list[str]) -> str | None:
    """The baseline: the same words, each compared with every name in the gazetteer."""
    words = [word for word in split_words(text) if word.candidate and len(word.spelling) >= 3]
    best: tuple[str, float] | None = None
    for word in words:
        found = process.extractOne(fold(word.spelling), names, scorer=fuzz.ratio, score_cutoff=80)
        if found is not None and (best is None or found[1] > best[1]):
            best = (found[0], found[1])
    return best[0] if best else None


@dataclass(frozen=True)
class Rate:
    """Messages per second of this process's CPU time (the one core it runs on), and per
    second of wall-clock time, which also counts whatever else the machine was doing."""

    cpu: float
    wall: float


def per_second(run: Callable[[], int]) -> Rate:
    cpu, wall = time.process_time(), time.perf_counter()
    done = run()
    return Rate(done / (time.process_time() - cpu), done / (time.perf_counter() - wall))


def accuracy(index: GazetteerIndex, sample: list[Message]) -> dict[str, int]:
    """How the answers compare with what each message meant."""
    outcomes = ("right", "ambiguous", "wrong place", "missed", "method right", "method wrong")
    tally = dict.fromkeys(outcomes, 0)
    for message in sample:
        location = geolocate(message.text, index, message.context)
        if message.expected_key is None:
            right = location.method == message.expected_method
            outcome = "method right" if right else "method wrong"
        elif location.method not in {"place_name", "relative_place"}:
            outcome = "missed"
        elif location.ambiguous:
            outcome = "ambiguous"
        elif fold(location.place_name or "") == message.expected_key:
            outcome = "right"
        else:
            outcome = "wrong place"
        tally[outcome] += 1
    return tally


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(frozen=True)
class Outcome:
    records: int
    names: int
    build_seconds: float
    build_mb: float
    messages: int
    cold: Rate
    steady: list[Rate]
    baseline: Rate
    baseline_sample: int
    tally: dict[str, int]
    load: float  # the machine's 1-minute load average just before the timed runs

    @property
    def median(self) -> Rate:
        return Rate(
            statistics.median(r.cpu for r in self.steady),
            statistics.median(r.wall for r in self.steady),
        )


def measure(names: int, count: int, baseline_sample: int, rounds: int) -> Outcome:
    rng = random.Random(SEED)
    records = gazetteer(names, rng)
    before = resident_mb()
    started = time.perf_counter()
    index = GazetteerIndex(records)
    build_seconds = time.perf_counter() - started
    build_mb = resident_mb() - before
    sample = messages(records, count, rng)

    def run_all() -> int:
        for message in sample:
            geolocate(message.text, index, message.context)
        return len(sample)

    load = os.getloadavg()[0]
    cold = per_second(run_all)  # the word cache starts empty
    steady = [per_second(run_all) for _ in range(rounds)]
    keys = sorted({fold(name) for r in records for name in (r.name, *r.alt_names)})
    few = sample[:baseline_sample]

    def run_baseline() -> int:
        for message in few:
            naive_locate(message.text, keys)
        return len(few)

    baseline = per_second(run_baseline)
    tally = accuracy(index, sample)
    return Outcome(
        len(records), index.name_count, build_seconds, build_mb, len(sample), cold, steady,
        baseline, len(few), tally, load,
    )  # fmt: skip


def section(outcome: Outcome, when: datetime) -> str:
    median = outcome.median
    ratio = median.cpu / outcome.baseline.cpu
    verdict = "meets" if median.cpu >= TARGET_PER_SECOND else "misses"
    tally = outcome.tally
    named = sum(tally[k] for k in ("right", "ambiguous", "wrong place", "missed"))
    unnamed = tally["method right"] + tally["method wrong"]
    conditions = [
        f"Date: {when:%Y-%m-%d %H:%M} UTC. Code: {code_state('alerts/domain')}.",
        f"Machine: {describe_machine()}; shared with other work (load average "
        f"{outcome.load:.1f} as the timed runs began). Messages/s are per second of this "
        "process's CPU time, on one core; wall-clock figures also count the other work.",
        f"Gazetteer: {outcome.records:,} synthetic places (seeded Bantu-style names over DR "
        "Congo, South Sudan, CAR, Mali and Sudan, some with a French spelling as alternate "
        f"name, plus the reports' real towns): {outcome.names:,} distinct folded names. Index "
        f"built in {outcome.build_seconds:.1f} s, about {outcome.build_mb:,.0f} MB resident.",
        f"Messages: {outcome.messages:,} alerts in French, English, Swahili, Lingala, Sango and "
        "Juba Arabic; 30% of names misspelled (a spelling variant or one typing mistake), 30% "
        "in lower case; relative phrases, coordinates, grid references and messages naming no "
        "place among them; a sender has a home village (80%) or a relaying CLA's base near the "
        "place.",
        "Baseline: the same word splitting, then each word compared with every name by "
        f"`rapidfuzz.process.extractOne` (ratio ≥ 80), on the first {outcome.baseline_sample} "
        "messages.",
    ]
    paragraphs = [
        SECTION,
        wrap(
            "`geolocate` on free-text alerts, one core, measured by "
            "[`bench/geolocate_speed.py`](../bench/geolocate_speed.py) against a naive scan in "
            "the same run. Reproduce with `.venv/bin/python -m bench.geolocate_speed`."
        ),
        "\n".join(wrap(f"- {item}", indent="  ") for item in conditions),
        "\n".join(
            [
                "| Locator | messages/s (CPU) | messages/s (wall clock) |",
                "|---|---:|---:|",
                f"| `geolocate`, first pass (empty word cache) | {outcome.cold.cpu:,.0f} "
                f"| {outcome.cold.wall:,.0f} |",
                f"| `geolocate`, median of {len(outcome.steady)} more passes "
                f"| {median.cpu:,.0f} | {median.wall:,.0f} |",
                f"| naive scan of every name | {outcome.baseline.cpu:,.1f} "
                f"| {outcome.baseline.wall:,.1f} |",
            ]
        ),
        wrap(
            f"Ratio, `geolocate` / naive scan: **{ratio:,.0f}×**. Target "
            f"{TARGET_PER_SECOND:,} messages/s on one core: the median {verdict} it."
        ),
        wrap(
            f"Answers: of {named:,} messages naming a place, {tally['right']:,} were located at "
            f"the place meant, {tally['ambiguous']:,} flagged ambiguous for triage, "
            f"{tally['wrong place']:,} placed at another place and {tally['missed']:,} not "
            "found (located by the sender's village or relay base instead). Of "
            f"{unnamed:,} naming no place or giving a position, {tally['method right']:,} were "
            "located as expected (coordinates, grid reference, the sender's village or relay "
            "base). A misspelled random name often is another village's exact name, which counts "
            "as wrong here."
        ),
    ]
    return "\n\n".join(paragraphs) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.geolocate_speed")
    parser.add_argument("--names", type=int, default=100_000, help="places in the gazetteer")
    parser.add_argument("--messages", type=int, default=5_000, help="alerts to geolocate")
    parser.add_argument("--baseline", type=int, default=100, help="alerts for the naive scan")
    parser.add_argument("--rounds", type=int, default=5, help="timed passes after the first")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    args = parser.parse_args(argv)
    outcome = measure(args.names, args.messages, args.baseline, args.rounds)
    content = section(outcome, datetime.now(UTC))
    print(content)
    if not args.no_doc:
        write_section(DOC, SECTION, content)
        print(f"wrote the {SECTION!r} section of {DOC}", file=sys.stderr)
    return 0 if outcome.median.cpu >= TARGET_PER_SECOND else 1


if __name__ == "__main__":
    sys.exit(main())
