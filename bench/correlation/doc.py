"""The "Correlation" section of docs/benchmarks.md, written from one run's numbers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from alerts.correlation.domain.model import ReportFacts
from bench.correlation import database_doc
from bench.correlation.database import DatabaseCheckpoint
from bench.correlation.replay import Checkpoint, Memory
from bench.correlation.streams import (
    APART_KM,
    COORDINATE_SCATTER_M,
    DETAIL_SHARE,
    NEIGHBOUR_SHARE,
    REPEAT_SHARE,
    VILLAGE_KM,
)
from bench.harness.doc import code_state, describe_machine, wrap

SECTION = "## Correlation"
MEASURED = ("alerts/correlation", "alerts/pipeline", "bench/correlation")


@dataclass(frozen=True)
class SeedScore:
    seed: int
    role: str  # "tuning", "development check" or "held out"
    reports: int
    events: int
    incidents: int
    bcubed: tuple[float, float, float]
    rate: float  # reports/s of CPU time


@dataclass(frozen=True)
class Outcome:
    seeds: list[SeedScore]  # the tuning seed first
    burst_losses: dict[str, tuple[float, float]]
    burst_memory: list[Memory]
    long_reports: int
    long_events: int
    long_days: int
    long_incidents: int
    long_rate: float
    long_bcubed: tuple[float, float, float]
    long_memory: list[Memory]
    checkpoints: list[Checkpoint]
    database: list[DatabaseCheckpoint]
    database_kind: str
    load: float


def losses(reports: list[ReportFacts], assigned: dict[int, int], truth: dict[int, int]
           ) -> dict[str, tuple[float, float]]:  # fmt: skip
    """B-cubed precision and recall lost, per location method of the report: each
    report's shortfall from 1, divided by all reports, so the parts sum to 1 - P, 1 - R."""
    together = Counter((assigned[r.id], truth[r.id]) for r in reports)
    cluster = Counter(assigned[r.id] for r in reports)
    event = Counter(truth[r.id] for r in reports)
    lost: dict[str, list[float]] = {}
    for r in reports:
        shared = together[(assigned[r.id], truth[r.id])]
        parts = lost.setdefault(r.method, [0.0, 0.0])
        parts[0] += (1 - shared / cluster[assigned[r.id]]) / len(reports)
        parts[1] += (1 - shared / event[truth[r.id]]) / len(reports)
    return {method: (p, r) for method, (p, r) in sorted(lost.items())}


def section(outcome: Outcome, when: datetime, targets: tuple[float, float, int]) -> str:
    target_bcubed, target_rate, seed = targets
    tuned = outcome.seeds[0]
    held = [s for s in outcome.seeds if s.role == "held out"]
    passing = sum(min(s.bcubed[:2]) >= target_bcubed for s in held)
    verdict = "meets" if min(tuned.bcubed[:2]) >= target_bcubed else "misses"
    speed = "meets" if tuned.rate >= target_rate else "misses"
    paragraphs = [
        SECTION,
        wrap(
            "The worker's correlation step over generated alert streams with known events, "
            "in memory and through the database, measured by "
            "[`bench/correlate.py`](../bench/correlate.py) against a naive scan in the same "
            "run. Reproduce with `.venv/bin/python -m bench.correlate` (`--database-url` for "
            "PostgreSQL)."
        ),
        "\n".join(wrap(f"- {item}", indent="  ") for item in conditions(outcome, when, seed)),
        accuracy_table(outcome),
        wrap(
            f"Targets: B-cubed precision and recall ≥ {target_bcubed} on the burst: the "
            f"tuning seed {verdict} them, and {passing} of the {len(held)} held-out seeds do. "
            f"{target_rate:,} reports/s on one core in memory: the burst {speed} it."
        ),
        speed_table(outcome.checkpoints),
        memory_table(outcome),
        database_doc.throughput_table(outcome.database),
        database_doc.lookup_table(outcome.database),
        "\n\n".join(wrap(paragraph) for paragraph in interpretation(outcome, seed)),
    ]
    return "\n\n".join(paragraphs) + "\n"


def conditions(outcome: Outcome, when: datetime, seed: int) -> list[str]:
    tuned = outcome.seeds[0]
    development = ", ".join(str(s.seed) for s in outcome.seeds if s.role == "development check")
    held = ", ".join(str(s.seed) for s in outcome.seeds if s.role == "held out")
    return [
        f"Date: {when:%Y-%m-%d %H:%M} UTC. Code: {code(MEASURED)}.",
        f"Machine: {describe_machine()}; shared with other work (load average "
        f"{outcome.load:.1f} at the start), so compare speeds within a run, not across runs. "
        "In memory, reports/s are per second of this process's CPU time, one core; through "
        "the database, per second of wall-clock time.",
        f"Burst: {tuned.reports:,} reports in ten minutes about {tuned.events} events in "
        f"North Kivu and Ituri; {NEIGHBOUR_SHARE:.0%} of events 3-8 km from another, the "
        f"rest at least {APART_KM:.0f} km apart. Located by coordinates (30%, 100 m, typed "
        f"within {COORDINATE_SCATTER_M} m of the event), a named village (40%, 3 km, the "
        f"village within {VILLAGE_KM:.0f} km of the event, a third of events named by two "
        "villages), the sender's village (27%, 10 km, home 1-6 km away), the relaying CLA's "
        "base (2%, 25 km) or not at all (1%). Threat types mixed per event (8% 'other'), "
        f"{REPEAT_SHARE:.0%} exact repeats by the same sender, texts in French, English, "
        f"Swahili, Lingala, Sango and Juba Arabic, {DETAIL_SHARE:.0%} with a local name "
        "shared by the event's informants.",
        f"Seeds: the rules were tuned on seed {seed}; seeds {development} were looked at "
        "while tuning, to check that a change was not peculiar to it; seeds "
        f"{held} were first run once the rules were settled.",
        f"Long stream: {outcome.long_reports:,} reports about {outcome.long_events:,} events "
        f"over {outcome.long_days} days (seed {seed + 1}), the same mix, each event's reports "
        "over two hours; incidents idle longer than the longest window evicted every 1,000 "
        "reports.",
        "In memory: what the worker does, without the database: the cell index, `decide` and "
        "`absorb`, and the worker's sender rules around them (a sender's same words within "
        "ten minutes are linked to the original, an unlocated report joins its sender's "
        "incident of the last half hour). Baseline: the same `decide` handed every incident "
        "stored so far, timed on the next reports against a snapshot of the store.",
        database_doc.condition(outcome.database_kind),
    ]


def code(paths: tuple[str, ...]) -> str:
    """The commit, and which of the measured paths differed from it."""
    states = [code_state(path) for path in paths]
    dirty = [path for path, state in zip(paths, states, strict=True) if "uncommitted" in state]
    commit = states[0].split(",")[0]
    return commit + (f", with uncommitted changes in {', '.join(dirty)}" if dirty else "")


def accuracy_table(outcome: Outcome) -> str:
    rows = [
        "| Stream | seed | role | reports | events | incidents opened | B-cubed precision "
        "| recall | F1 | reports/s (CPU) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in outcome.seeds:
        p, r, f = s.bcubed
        rows.append(
            f"| burst | {s.seed} | {s.role} | {s.reports:,} | {s.events} | {s.incidents:,} "
            f"| {p:.3f} | {r:.3f} | {f:.3f} | {s.rate:,.0f} |"
        )
    p, r, f = outcome.long_bcubed
    rows.append(
        f"| long | {outcome.seeds[0].seed + 1} | — | {outcome.long_reports:,} "
        f"| {outcome.long_events:,} | {outcome.long_incidents:,} | {p:.3f} | {r:.3f} "
        f"| {f:.3f} | {outcome.long_rate:,.0f} |"
    )
    return "\n".join(rows)


def speed_table(checkpoints: list[Checkpoint]) -> str:
    rows = [
        "| In memory | stored reports | stored incidents | held by the index | index: reports/s "
        "| naive: reports/s | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for c in checkpoints:
        rows.append(
            f"| {c.stream} | {c.stored_reports:,} | {c.stored_incidents:,} | {c.held_incidents:,} "
            f"| {c.index_rate:,.0f} | {c.naive_rate:,.0f} | {c.index_rate / c.naive_rate:,.1f}× |"
        )
    return "\n".join(rows)


def memory_table(outcome: Outcome) -> str:
    rows = [
        "| Stream | reports processed | incidents held | traced peak (MB) | live (MB) "
        "| cached words and texts | live without those caches (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, taken in (("burst", outcome.burst_memory), ("long", outcome.long_memory)):
        rows += [
            f"| {kind} | {m.reports:,} | {m.held_incidents:,} | {m.peak_mb:.1f} "
            f"| {m.live_mb:.1f} | {m.cached:,} | {m.without_caches_mb:.1f} |"
            for m in taken
        ]
    return "\n".join(rows)


def interpretation(outcome: Outcome, seed: int) -> list[str]:
    return [
        _accuracy_note(outcome),
        "The generator is as before. The in-memory run now applies the worker's sender "
        "rules (exact duplicates, a sender's unlocated repeat), which "
        "`alerts/pipeline/alert_flow.py` has always applied and the benchmark left out: it "
        "scored a pipeline stricter than the one that runs.",
        _memory_speed_note(outcome),
        *database_doc.notes(outcome.database),
        _memory_note(outcome),
        f"Caveats. The streams are generated, and the rules were tuned against this generator "
        f"(seed {seed}); the held-out seeds have the same habits. Real bursts will differ "
        "most in vocabulary and in how far informants live from what they report, the two "
        "things the errors above come from. Operators closing incidents (reopening, "
        "continuations) are not simulated here; the unit tests cover them.",
    ]


def _accuracy_note(outcome: Outcome) -> str:
    lost = outcome.burst_losses
    worst = sorted(lost.items(), key=lambda item: -(item[1][0] + item[1][1]))
    shares = "; ".join(
        f"{method} {p * 100:.1f} and {r * 100:.1f} points" for method, (p, r) in worst
    )
    f1 = sorted(s.bcubed[2] for s in outcome.seeds)
    return (
        "Accuracy. Precision and recall lost on the tuning seed, by how the report was "
        f"located (precision, recall, in points of 100): {shares}. Unlocated reports are "
        "their own incidents by rule unless their sender reported in the last half hour, so "
        "they cost recall and nothing else. Most of the rest is neighbouring attacks. A "
        "report located only by its sender's village (or a relay base) that overlaps two "
        "attacks goes to the one its sender reported before, else to the likeliest: the one "
        "more informants are reporting per minute, weighed against distance as a normal "
        "spread of 0.4 of the radius; text does not decide, because what coarse texts share "
        "is mostly alert words no stop list holds ('saidu', 'hini'). That is still wrong "
        "about one time in five when the informant's home lies nearer the other attack. A "
        "named village is judged by the incident's typed positions when it has any, not by "
        "earlier reports naming the same village: those may have joined before the "
        "neighbouring attack was known, and following them drew every later report of the "
        "village after one early mistake. A village 3 km from one attack can still lie 2 km "
        "from the next, and then place alone cannot tell them apart. Across the seeds F1 "
        f"ranges from {f1[0]:.3f} to {f1[-1]:.3f}: how many neighbours a seed draws, and how "
        "many villages lie between them, moves the score more than the rules do. The long "
        "stream scores lower than the burst: over ten days unrelated events also meet by "
        "chance within a window."
    )


def _memory_speed_note(outcome: Outcome) -> str:
    long_marks = [c for c in outcome.checkpoints if c.stream == "long"]
    first, steady, last = long_marks[0], long_marks[1], long_marks[-1]
    return (
        "Speed in memory. The index's cost per report does not grow with history: "
        f"{first.index_rate:,.0f} reports/s with {first.stored_reports:,} reports stored, "
        f"{steady.index_rate:,.0f} with {steady.stored_reports:,}, {last.index_rate:,.0f} with "
        f"{last.stored_reports:,}; the differences follow how many incidents are live nearby "
        "and what else the machine was doing. The naive scan slows in proportion to what is "
        f"stored ({first.naive_rate:,.0f} → {steady.naive_rate:,.0f} → "
        f"{last.naive_rate:,.0f} reports/s), so the ratio grows from "
        f"{first.index_rate / first.naive_rate:,.1f}× to "
        f"{last.index_rate / last.naive_rate:,.0f}×. The burst is the hard case for the index: "
        "every incident of the ten minutes is live, and the coarse reports' 35 km reach "
        "spans dozens of cells."
    )


def _memory_note(outcome: Outcome) -> str:
    memory = outcome.long_memory
    last = [c for c in outcome.checkpoints if c.stream == "long"][-1]
    return (
        f"Memory. With idle incidents evicted, the index held {memory[1].held_incidents:,} "
        f"incidents after {memory[1].reports:,} reports and {memory[-1].held_incidents:,} "
        f"after {memory[-1].reports:,}; without the caches of folded words and texts, live "
        f"memory was {memory[1].without_caches_mb:.1f} and "
        f"{memory[-1].without_caches_mb:.1f} MB. That includes the sender rules' memory, "
        "each sender's last report and words of the last half hour: most of what the burst "
        f"holds ({outcome.burst_memory[-1].without_caches_mb:.1f} MB after ten minutes), "
        "bounded by the half hour. The caches hold every village name and text seen since "
        f"the last mark ({memory[-1].cached:,} entries before the last), up to their bounds "
        "(131,072 words; 16,384 texts in each of two), so they too stop growing. The peak "
        "also counts CPython's free lists of spare tuples, bounded as well. Without "
        "eviction, everything stored would stay: the naive store held "
        f"{last.stored_incidents:,} incidents at {last.stored_reports:,} reports."
    )
