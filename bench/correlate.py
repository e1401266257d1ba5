"""Correlation: does a burst become one incident per event, fast, in flat memory?

    .venv/bin/python -m bench.correlate [--reports N] [--events E] [--no-doc]

Generates alert streams with known ground truth (seeded, so every run makes
the same ones) and runs them through `decide`/`absorb` with the in-memory
`CellTimeIndex`, in time order:

- a burst: N reports in ten minutes about E events in North Kivu and Ituri,
  a fifth of them with a neighbour 3-8 km away; located by coordinates
  (~100 m), by a named village (3 km, the village within 3 km of the event),
  by the sender's home village (10 km, home within a few km) or the relaying
  CLA's base (25 km); threat types mixed per event; exact repeats by the
  same sender; texts in six languages;
- a long stream: 100,000 reports over ten days, idle incidents evicted.

It measures B-cubed precision and recall against the truth, reports per
second of CPU time, tracemalloc memory at 1k, 10k and 100k reports, and, in
the same run, a naive baseline that hands `decide` every stored incident.
The results replace the "Correlation" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import random
import sys
import time
import tracemalloc
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from alerts.domain.correlation.bcubed import bcubed
from alerts.domain.correlation.decide import absorb, decide, new_incident_view
from alerts.domain.correlation.memory_index import CellTimeIndex
from alerts.domain.correlation.model import IncidentView, ReportFacts
from alerts.domain.correlation.rules import CorrelationRules
from alerts.domain.correlation.similarity import distinctive_words
from alerts.domain.correlation.spatial import distance_m
from alerts.domain.geo import Point
from alerts.domain.places.normalise import fold
from bench.harness.doc import code_state, describe_machine, wrap, write_section

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Correlation"
SEED = 4_004  # any fixed number: the same streams every run
TARGET_PER_SECOND = 1_000
TARGET_BCUBED = 0.95
START = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
# North Kivu and Ituri, roughly: (south, west, north, east).
AREA = (-1.9, 28.0, 2.6, 30.9)
METRES_PER_DEGREE = 111_320.0
NEIGHBOUR_SHARE = 0.2
NEIGHBOUR_KM = (3.0, 8.0)
APART_KM = 10.0  # other events are at least this far from each other
# How each report is located, and how far its point lies from the event.
METHODS = (  # method, share, radius (m)
    ("coordinates", 0.30, 100.0),
    ("place_name", 0.40, 3_000.0),
    ("sender_place", 0.27, 10_000.0),
    ("relay_base", 0.02, 25_000.0),
    ("unlocated", 0.01, 0.0),
)
COORDINATE_SCATTER_M = 500  # informants typing a position stand around the village
VILLAGE_KM = 3.0  # a named village lies within this of the event
HOME_KM = (1.0, 6.0)  # an informant's home village, from the event
BASE_KM = (5.0, 22.0)  # the CLA base that relays an informant without a home village
REPEAT_SHARE = 0.05  # the same sender sends the same text again
SEVERITY = {"killing": 4, "sexual_violence": 4, "abduction": 4, "attack": 3, "burning": 3}

# Threat types one event is reported as: the main one, then what else informants saw.
EVENT_KINDS = (
    ("attack", ("attack", "killing", "burning", "looting", "armed_men_sighted")),
    ("killing", ("killing", "attack", "displacement")),
    ("abduction", ("abduction", "attack", "armed_men_sighted")),
    ("looting", ("looting", "burning", "attack")),
    ("armed_men_sighted", ("armed_men_sighted", "attack")),
    ("sexual_violence", ("sexual_violence", "attack", "abduction")),
)
# {p}: the place as written (a village, a position), or nothing for coarse reports.
PHRASES = {
    "attack": [
        "Attaque à {p} ce matin, {n} morts",
        "ADF ont attaqué {p} vers {h}h",
        "Armed men attacking {p} now, people fleeing",
        "watu wamevamiwa karibu na {p}",
        "basoda bazali kobundisa bato na mboka ya {p}",
        "a-zo ti ngbonga aga na kodro ti {p}",
        "nas bundug ja fi {p} de sabah",
    ],
    "killing": [
        "{n} personnes tuées à {p}",
        "{n} killed at {p} this morning",
        "Wavamizi wameingia kijiji cha {p} usiku huu, watu {n} wameuawa",
        "bato {n} babomami na {p}",
        "{n} nas mutu fi {p}",
    ],
    "burning": [
        "maisons brûlées à {p}, la population fuit",
        "houses burning in {p}",
        "nyumba zinachomwa {p} sasa hivi",
        "bandako ezali kozika na {p}",
    ],
    "looting": [
        "pillage en cours à {p}",
        "looting of shops in {p}",
        "wanapora mali {p}",
        "bayibi bazali koyiba na {p}",
    ],
    "armed_men_sighted": [
        "hommes armés aperçus près de {p}",
        "armed men seen near {p}, about {n}",
        "watu wenye silaha wameonekana {p}",
        "nas ma bundug fi {p}",
    ],
    "abduction": [
        "{n} personnes enlevées à {p}",
        "{n} people abducted from {p}",
        "watu {n} wametekwa nyara {p}",
    ],
    "sexual_violence": [
        "femmes violées à {p} cette nuit",
        "wanawake wamebakwa {p}",
        "women raped in {p}",
    ],
    "displacement": [
        "population de {p} fuit vers la brousse",
        "watu wanakimbia kutoka {p}",
        "people fleeing {p} to the bush",
    ],
}
# Messages naming no place the gazetteer knows: an alarm and a plea, in one language
# or two; located by the sender's village or relay base.
ALARMS = [
    "Attaque maintenant!", "on tire beaucoup ici", "les assaillants sont là", "tunaomba msaada",
    "risasi nyingi huko sasa hivi", "watu wanakimbia", "help us please they are shooting",
    "they are here now", "masasi ezali kobeta", "banyama bakoti", "ngbonga aga mingi",
    "nas bundug ja hini", "wavamizi wamefika",
]  # fmt: skip
PLEAS = [
    "venez vite svp", "au secours", "aidez nous", "tusaidieni haraka sana", "tosalisa",
    "e sara ye", "saidu", "come quickly", "msaada tafadhali", "",
]  # fmt: skip
# A local detail the gazetteer does not hold (a hamlet, a chief, a market day),
# which informants of one event share: "chez", "kwa", "near".
DETAILS = ["chez {d}", "kwa {d}", "near {d}", "quartier {d}", "kwa mzee {d}", "mboka {d}"]
DETAIL_SHARE = 0.25
ONSETS = "b k l m n p s t w z g f v mb nd ng ny sh ch j ts bw kw mw".split()  # noqa: SIM905
VOWELS = "a e i o u".split()  # noqa: SIM905
PREFIXES = "ki ka bu mu lu ma nya ba".split()  # noqa: SIM905


@dataclass(frozen=True)
class Event:
    id: int
    point: Point
    kind: str
    threats: tuple[str, ...]
    villages: tuple[tuple[str, Point], ...]  # named in place-name reports, the first most
    detail: str  # a local name no gazetteer holds, in some of its texts
    start: datetime
    span: timedelta  # reports arrive from `start` to `start + span`
    reports: int


def offset(point: Point, km: float, bearing: float) -> Point:
    """The point `km` away on `bearing` (radians), flat-Earth: fine for a few km."""
    dlat = km * 1000 * math.cos(bearing) / METRES_PER_DEGREE
    dlon = km * 1000 * math.sin(bearing) / (METRES_PER_DEGREE * math.cos(math.radians(point.lat)))
    return Point(point.lat + dlat, point.lon + dlon)


def around(point: Point, low_km: float, high_km: float, rng: random.Random) -> Point:
    """A point between `low_km` and `high_km` away, uniform over the ring's area."""
    km = math.sqrt(rng.uniform(low_km**2, high_km**2))
    return offset(point, km, rng.uniform(0, 2 * math.pi))


def village_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        syllables = [rng.choice(ONSETS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 3))]
        name = (rng.choice(PREFIXES) + "".join(syllables)).capitalize()
        if name not in taken:
            taken.add(name)
            return name


def events(count: int, reports: int, start: datetime, period: timedelta, span: timedelta,
           rng: random.Random) -> list[Event]:  # fmt: skip
    """`count` events sharing `reports` reports; a fifth sit 3-8 km from an earlier one,
    starting within an hour of it (neighbouring attacks of one night)."""
    south, west, north, east = AREA
    taken: set[str] = set()
    weights = [rng.lognormvariate(0, 0.8) for _ in range(count)]
    sizes = [max(3, round(reports * w / sum(weights))) for w in weights]
    made: list[Event] = []
    for event_id, size in enumerate(sizes, start=1):
        if made and rng.random() < NEIGHBOUR_SHARE:
            near = rng.choice(made)
            point = spaced(partial(around, near.point, *NEIGHBOUR_KM, rng), made, NEIGHBOUR_KM[0])
            begins = near.start + rng.uniform(-1, 1) * min(period, timedelta(hours=1))
            begins = min(max(begins, start), start + period)
        else:
            point = spaced(
                lambda: Point(rng.uniform(south, north), rng.uniform(west, east)), made, APART_KM
            )
            begins = start + rng.random() * period
        kind, threats = rng.choice(EVENT_KINDS)
        villages = tuple(
            (village_name(rng, taken), around(point, 0, VILLAGE_KM, rng))
            for _ in range(rng.choice((1, 1, 2)))
        )
        detail = village_name(rng, taken)
        made.append(Event(event_id, point, kind, threats, villages, detail, begins, span, size))
    return made


def spaced(draw: Callable[[], Point], made: list[Event], km: float) -> Point:
    """A drawn point at least `km` from every earlier event: only the neighbours meant
    to be near are near (drawn again, up to a limit, then taken as it is)."""
    point = draw()
    for _ in range(50):
        if all(distance_m(point, e.point) >= km * 1000 for e in made):
            break
        point = draw()
    return point


def stream(made: list[Event], rng: random.Random) -> tuple[list[ReportFacts], dict[int, int]]:
    """Every event's reports, in time order, with ids from 1; and report id -> event id."""
    drafts: list[tuple[datetime, int, int, Point | None, float | None, str, str, int, str]] = []
    next_sender = 1
    for event in made:
        senders = list(range(next_sender, next_sender + max(2, int(event.reports * 0.6))))
        next_sender += len(senders)
        homes = {s: around(event.point, *HOME_KM, rng) for s in senders}
        base = around(event.point, *BASE_KM, rng)
        sent: list[tuple[int, Point | None, float | None, str, str, int, str]] = []
        for _ in range(event.reports):
            at = event.start + rng.random() * event.span
            if sent and rng.random() < REPEAT_SHARE:
                drafts.append((at + timedelta(seconds=rng.uniform(5, 90)), event.id, *sent[-1]))
                continue
            sender = rng.choice(senders)
            draft = report_draft(event, sender, homes[sender], base, rng)
            sent.append(draft)
            drafts.append((at, event.id, *draft))
    drafts.sort(key=lambda d: d[0])
    facts, truth = [], {}
    for report_id, (at, event_id, sender, point, radius, method, threat, sev, text) in enumerate(
        drafts, start=1
    ):
        facts.append(ReportFacts(report_id, sender, at, point, radius, method, threat, sev, text))
        truth[report_id] = event_id
    return facts, truth


def report_draft(event: Event, sender: int, home: Point, base: Point, rng: random.Random
                 ) -> tuple[int, Point | None, float | None, str, str, int, str]:  # fmt: skip
    roll, cumulative = rng.random(), 0.0
    method, radius = METHODS[-1][0], METHODS[-1][2]
    for name, share, size in METHODS:
        cumulative += share
        if roll < cumulative:
            method, radius = name, size
            break
    threat = event.kind if rng.random() < 0.5 else rng.choice(event.threats)
    if rng.random() < 0.08:
        threat = "other"
    point: Point | None
    if method == "coordinates":
        point = around(event.point, 0, COORDINATE_SCATTER_M / 1000, rng)
        written = f"{point.lat:.4f}, {point.lon:.4f}"
    elif method == "place_name":
        name, point = event.villages[0] if rng.random() < 0.75 else rng.choice(event.villages)
        written = name if rng.random() < 0.7 else name.lower()
    else:
        point = {"sender_place": home, "relay_base": base}.get(method)
        written = ""
    text = f"{rng.choice(ALARMS)} {rng.choice(PLEAS)}".strip()
    if written:
        phrase = rng.choice(PHRASES.get(threat, PHRASES[event.kind]))
        text = phrase.format(p=written, n=rng.randint(2, 30), h=rng.randint(1, 12))
    if rng.random() < DETAIL_SHARE:
        text = f"{text} {rng.choice(DETAILS).format(d=event.detail)}"
    severity = SEVERITY.get(threat, 2) if threat != "other" else 1
    return sender, point, radius if point else None, method, threat, severity, text


def step(index: CellTimeIndex, report: ReportFacts, rules: CorrelationRules, next_id: int
         ) -> IncidentView:  # fmt: skip
    """One report through the pipeline: candidates, decision, the incident after it."""
    candidates = index.candidates(report)
    decision = decide(report, candidates, rules)
    if decision.action == "join":
        incident = next(c for c in candidates if c.id == decision.incident_id)
        incident = absorb(incident, report, rules)
    else:
        incident = new_incident_view(next_id, report)
    if incident.point is not None:  # an unlocated incident can match nothing: not filed
        index.put(incident)
    return incident


def naive_step(stored: list[IncidentView], report: ReportFacts, rules: CorrelationRules
               ) -> IncidentView:  # fmt: skip
    """The baseline: the same decision, handed every incident ever stored."""
    decision = decide(report, stored, rules)
    if decision.action == "join":
        incident = next(c for c in stored if c.id == decision.incident_id)
        return absorb(incident, report, rules)
    return new_incident_view(0, report)


@dataclass(frozen=True)
class Checkpoint:
    stream: str
    stored_reports: int
    stored_incidents: int  # every incident opened so far: what a naive store holds
    held_incidents: int  # what the index holds after eviction
    index_rate: float  # reports/s of CPU time over the next `sample` reports
    naive_rate: float  # the same reports, naive
    sample: int
    naive_sample: int


@dataclass(frozen=True)
class Run:
    assigned: dict[int, int]
    incidents: int
    rate: float  # reports/s of CPU time over the whole stream
    checkpoints: list[Checkpoint]


def correlate(reports: list[ReportFacts], rules: CorrelationRules,
              checkpoints: dict[int, int] | None = None, sample: int = 1_000,
              evict_every: int | None = None, label: str = "") -> Run:  # fmt: skip
    """The stream in time order through the index, as the pipeline would run it.

    At each checkpoint N (-> naive sample size), the next `sample` reports are timed
    as they run, and the baseline is timed on the next few against a snapshot of every
    incident stored so far (the snapshot is not updated: timing, not decisions).
    """
    checkpoints = checkpoints or {}
    index = CellTimeIndex(rules)
    assigned: dict[int, int] = {}
    every: dict[int, IncidentView] = {}
    next_id, cpu, results = 0, 0.0, []
    segment: dict[int, tuple[float, float, int, int]] = {}  # start -> (started, naive, ...)
    for position, report in enumerate(reports):
        if position in checkpoints:
            few = reports[position : position + checkpoints[position]]
            stored = list(every.values())
            started = time.process_time()
            for later in few:
                naive_step(stored, later, rules)
            naive = len(few) / (time.process_time() - started)
            segment[position] = (cpu, naive, len(stored), len(index))
        started = time.process_time()
        if evict_every and position % evict_every == 0:
            index.evict_before(report.received_at - rules.max_window)
        incident = step(index, report, rules, next_id + 1)
        cpu += time.process_time() - started
        next_id = max(next_id, incident.id)
        assigned[report.id] = incident.id
        every[incident.id] = incident
        for start, (began, naive, stored_count, held) in list(segment.items()):
            if position + 1 - start == sample or position + 1 == len(reports):
                done = position + 1 - start
                few_count = min(checkpoints[start], len(reports) - start)
                results.append(
                    Checkpoint(label, start, stored_count, held, done / (cpu - began), naive,
                               done, few_count)
                )  # fmt: skip
                del segment[start]
    return Run(assigned, next_id, len(reports) / cpu, results)


@dataclass(frozen=True)
class Memory:
    reports: int
    held_incidents: int
    peak_mb: float  # tracemalloc's peak since the start
    live_mb: float  # traced after a full collection
    cached: int  # folded words and texts in the bounded caches
    without_caches_mb: float  # traced once those caches are emptied: the index itself


def memory(reports: list[ReportFacts], rules: CorrelationRules, at: tuple[int, ...],
           evict_every: int) -> list[Memory]:  # fmt: skip
    """tracemalloc of the index over the stream, idle incidents evicted.

    Run apart from the timing (tracing slows every allocation), and keeping nothing
    per report but a preallocated array, so what grows is what correlation holds.
    At each mark a full collection runs first: it also empties CPython's free lists
    (spare tuples and dicts), which tracemalloc counts as allocated. The caches of
    folded words and texts are then emptied to weigh the index alone; they refill.
    """
    assigned = array("q", bytes(8 * (len(reports) + 1)))
    marks = set(at)
    taken: list[Memory] = []
    fold.cache_clear()
    distinctive_words.cache_clear()
    gc.collect()
    tracemalloc.start()
    index = CellTimeIndex(rules)
    next_id = 0
    for position, report in enumerate(reports, start=1):
        if position % evict_every == 0:
            index.evict_before(report.received_at - rules.max_window)
        incident = step(index, report, rules, next_id + 1)
        next_id = max(next_id, incident.id)
        assigned[report.id] = incident.id
        if position in marks:
            _, peak = tracemalloc.get_traced_memory()
            gc.collect()
            live, _ = tracemalloc.get_traced_memory()
            cached = fold.cache_info().currsize + distinctive_words.cache_info().currsize
            fold.cache_clear()
            distinctive_words.cache_clear()
            bare, _ = tracemalloc.get_traced_memory()
            taken.append(
                Memory(position, len(index), peak / 2**20, live / 2**20, cached, bare / 2**20)
            )
    tracemalloc.stop()
    return taken


@dataclass(frozen=True)
class Outcome:
    burst_reports: int
    burst_events: int
    burst_incidents: int
    burst_rate: float
    burst_bcubed: tuple[float, float, float]
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
    load: float


def generate(
    count: int,
    reports: int,
    period: timedelta,
    span: timedelta,
    seed: int,
    limit: int | None = None,
) -> tuple[list[ReportFacts], dict[int, int], int]:
    rng = random.Random(seed)
    made = events(count, reports, START, period, span, rng)
    facts, truth = stream(made, rng)
    if limit is not None:
        facts = facts[:limit]
        truth = {f.id: truth[f.id] for f in facts}
    return facts, truth, len(set(truth.values()))


def measure(burst_reports: int, burst_events: int, long_reports: int, days: int) -> Outcome:
    rules = CorrelationRules.defaults()
    load = os.getloadavg()[0]
    burst, burst_truth, burst_events = generate(
        burst_events, burst_reports, timedelta(minutes=6), timedelta(minutes=4), SEED
    )
    marks = {int(len(burst) * 0.9): 300}
    burst_run = correlate(burst, rules, marks, label="burst")
    burst_memory = memory(burst, rules, (1_000, len(burst)), evict_every=1_000)
    long_events = max(1, long_reports // 50)
    sample = 1_000
    long, long_truth, long_events = generate(
        long_events, long_reports + 2 * sample, timedelta(days=days), timedelta(hours=2),
        SEED + 1, limit=long_reports + sample,
    )  # fmt: skip
    marks = {1_000: 1_000, 10_000: 1_000, long_reports: 300}
    long_run = correlate(long, rules, marks, sample=sample, evict_every=1_000, label="long")
    long_memory = memory(long[:long_reports], rules, (1_000, 10_000, long_reports), 1_000)
    return Outcome(
        len(burst), burst_events, burst_run.incidents, burst_run.rate,
        bcubed(burst_run.assigned, burst_truth),
        losses(burst, burst_run.assigned, burst_truth), burst_memory,
        len(long), long_events, days, long_run.incidents, long_run.rate,
        bcubed(long_run.assigned, long_truth), long_memory,
        burst_run.checkpoints + long_run.checkpoints, load,
    )  # fmt: skip


def section(outcome: Outcome, when: datetime) -> str:
    bp, br, bf = outcome.burst_bcubed
    lp, lr, lf = outcome.long_bcubed
    rows = [
        "| Stream | stored reports | stored incidents | held by the index | index: reports/s "
        "| naive: reports/s | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for c in outcome.checkpoints:
        rows.append(
            f"| {c.stream} | {c.stored_reports:,} | {c.stored_incidents:,} | {c.held_incidents:,} "
            f"| {c.index_rate:,.0f} | {c.naive_rate:,.0f} | {c.index_rate / c.naive_rate:,.1f}× |"
        )
    memory_rows = [
        "| Stream | reports processed | incidents held | traced peak (MB) | live (MB) "
        "| cached words and texts | live without those caches (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, taken in (("burst", outcome.burst_memory), ("long", outcome.long_memory)):
        memory_rows += [
            f"| {kind} | {m.reports:,} | {m.held_incidents:,} | {m.peak_mb:.1f} "
            f"| {m.live_mb:.1f} | {m.cached:,} | {m.without_caches_mb:.1f} |"
            for m in taken
        ]
    verdict = "meets" if min(bp, br) >= TARGET_BCUBED else "misses"
    speed = "meets" if outcome.burst_rate >= TARGET_PER_SECOND else "misses"
    conditions = [
        f"Date: {when:%Y-%m-%d %H:%M} UTC. Code: {code_state('alerts/domain/correlation')}.",
        f"Machine: {describe_machine()}; shared with other work (load average "
        f"{outcome.load:.1f} at the start). Reports/s are per second of this process's CPU "
        "time, one core.",
        f"Burst: {outcome.burst_reports:,} reports in ten minutes about "
        f"{outcome.burst_events} events in North Kivu and Ituri (seed {SEED}); "
        f"{NEIGHBOUR_SHARE:.0%} of events 3-8 km from another, the rest at least "
        f"{APART_KM:.0f} km apart. Located by coordinates (30%, 100 m, typed within "
        f"{COORDINATE_SCATTER_M} m of the event), a named village (40%, 3 km, the village "
        f"within {VILLAGE_KM:.0f} km of the event, a third of events named by two villages), "
        "the sender's village (27%, 10 km, home 1-6 km away), the relaying CLA's base (2%, "
        "25 km) or not at all (1%). Threat types mixed per event (8% 'other'), "
        f"{REPEAT_SHARE:.0%} exact repeats by the same sender, texts in French, English, "
        f"Swahili, Lingala, Sango and Juba Arabic, {DETAIL_SHARE:.0%} with a local name "
        "shared by the event's informants.",
        f"Long stream: {outcome.long_reports:,} reports about {outcome.long_events:,} events "
        f"over {outcome.long_days} days (seed {SEED + 1}), the same mix, each event's reports "
        "over two hours; incidents idle longer than the longest window evicted every 1,000 "
        "reports.",
        "Baseline: the same `decide` handed every incident stored so far (no index, no "
        "eviction), timed on the next reports against a snapshot of the store; the index is "
        "timed on the same reports as they run (candidates, decide, absorb, put).",
    ]
    paragraphs = [
        SECTION,
        wrap(
            "`decide`/`absorb` over generated alert streams with known events, with the "
            "in-memory `CellTimeIndex`, measured by [`bench/correlate.py`](../bench/correlate.py) "
            "against a naive scan in the same run. Reproduce with "
            "`.venv/bin/python -m bench.correlate`."
        ),
        "\n".join(wrap(f"- {item}", indent="  ") for item in conditions),
        "| Stream | reports | events | incidents opened | B-cubed precision | recall | F1 "
        "| reports/s (CPU) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
        f"| burst | {outcome.burst_reports:,} | {outcome.burst_events} "
        f"| {outcome.burst_incidents:,} | {bp:.3f} | {br:.3f} | {bf:.3f} "
        f"| {outcome.burst_rate:,.0f} |\n"
        f"| long | {outcome.long_reports:,} | {outcome.long_events:,} "
        f"| {outcome.long_incidents:,} | {lp:.3f} | {lr:.3f} | {lf:.3f} "
        f"| {outcome.long_rate:,.0f} |",
        wrap(
            f"Targets: B-cubed precision and recall ≥ {TARGET_BCUBED} on the burst: the run "
            f"{verdict} them. {TARGET_PER_SECOND:,} reports/s on one core: the burst "
            f"{speed} it."
        ),
        "\n".join(rows),
        "\n".join(memory_rows),
        "\n\n".join(wrap(paragraph) for paragraph in interpretation(outcome)),
    ]
    return "\n\n".join(paragraphs) + "\n"


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


def interpretation(outcome: Outcome) -> list[str]:
    lost = outcome.burst_losses
    worst = sorted(lost.items(), key=lambda item: -(item[1][0] + item[1][1]))
    shares = "; ".join(
        f"{method} {p * 100:.1f} and {r * 100:.1f} points" for method, (p, r) in worst
    )
    long_marks = [c for c in outcome.checkpoints if c.stream == "long"]
    first, steady, last = long_marks[0], long_marks[1], long_marks[-1]
    memory = outcome.long_memory
    return [
        "Accuracy. Precision and recall lost, by how the report was located (precision, "
        f"recall, in points of 100): {shares}. Unlocated reports are their own incidents by "
        "rule, so they cost recall and nothing else. Most of the rest is the neighbours: a "
        "village named 3 km from one attack can lie 2 km from the next, and then place alone "
        "cannot tell them apart; and a report located only by its sender's village that "
        "overlaps two attacks goes to the one its sender reported before, else a clearly "
        "more similar text, else the nearest, which is wrong when the informant's home is "
        "nearer the other attack. Text helps less than it could: alert words that no stop "
        "list holds ('venez', 'saidu', 'tunaomba') make unrelated texts look alike and "
        "related ones unlike, so low similarity refuses nothing on its own; it only has to "
        "vouch for overlaps at the edges of both radii. The long stream scores lower than "
        "the burst; checked on its first 30,000 reports during development, most of its "
        "merged reports belonged to the designed neighbours, few to unrelated events that "
        "met by chance within a window.",
        "Speed. The index's cost per report does not grow with history: "
        f"{first.index_rate:,.0f} reports/s with {first.stored_reports:,} reports stored, "
        f"{steady.index_rate:,.0f} with {steady.stored_reports:,}, {last.index_rate:,.0f} with "
        f"{last.stored_reports:,}; what differences there are follow how many incidents are "
        "live nearby and what else the shared machine was doing, not how much is stored. A "
        "report only meets the incidents in its cells and window. "
        "The naive scan slows in proportion to what is stored ("
        f"{first.naive_rate:,.0f} → {steady.naive_rate:,.0f} → {last.naive_rate:,.0f} "
        f"reports/s), so the ratio grows from {first.index_rate / first.naive_rate:,.1f}× to "
        f"{last.index_rate / last.naive_rate:,.0f}×. The burst is the hard case for the index: "
        "every incident of the ten minutes is live, and the coarse reports' 35 km reach "
        "spans dozens of cells.",
        f"Memory. With idle incidents evicted, the index held {memory[1].held_incidents:,} "
        f"incidents after {memory[1].reports:,} reports and {memory[-1].held_incidents:,} "
        f"after {memory[-1].reports:,}; without the caches of folded words and texts, live "
        f"memory was {memory[1].without_caches_mb:.1f} and "
        f"{memory[-1].without_caches_mb:.1f} MB. The caches hold every village name and text "
        f"seen since the last mark ({memory[-1].cached:,} entries before the last), up to "
        "their bounds (131,072 words, 16,384 texts), so they too stop growing. The peak also "
        "counts CPython's free lists of spare tuples, bounded as well. Without eviction, "
        "everything stored would stay: the naive store held "
        f"{last.stored_incidents:,} incidents at {last.stored_reports:,} reports.",
        "Caveats. The streams are generated, and the rules were tuned against this generator "
        f"(seed {SEED}); the long stream has its own seed but the same habits. Real bursts "
        "will differ most in vocabulary and in how far informants live from what they report, "
        "the two things the errors above come from. Operators closing incidents (reopening, "
        "continuations) are not simulated here; the unit tests cover them.",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.correlate")
    parser.add_argument("--reports", type=int, default=10_000, help="reports in the burst")
    parser.add_argument("--events", type=int, default=200, help="events in the burst")
    parser.add_argument("--long", type=int, default=100_000, help="reports in the long stream")
    parser.add_argument("--days", type=int, default=10, help="days of the long stream")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    args = parser.parse_args(argv)
    outcome = measure(args.reports, args.events, args.long, args.days)
    content = section(outcome, datetime.now(UTC))
    print(content)
    if not args.no_doc:
        write_section(DOC, SECTION, content)
        print(f"wrote the {SECTION!r} section of {DOC}", file=sys.stderr)
    met = min(outcome.burst_bcubed[:2]) >= TARGET_BCUBED and outcome.burst_rate >= TARGET_PER_SECOND
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
