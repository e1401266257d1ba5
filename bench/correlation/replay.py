"""Alert streams through correlation in memory, as the worker would run them.

`Pipeline` is the worker's correlation step without the database: the cell
index and `decide`/`absorb`, plus the rules `alerts.services.alert_flow`
applies around them. `correlate` times it against a naive scan; `memory`
traces what it holds.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from array import array
from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts.correlation.domain.decide import absorb, decide, new_incident_view
from alerts.correlation.domain.memory_index import CellTimeIndex
from alerts.correlation.domain.model import IncidentView, ReportFacts
from alerts.correlation.domain.rules import CorrelationRules
from alerts.correlation.domain.similarity import distinctive_words, fold_text
from alerts.locating.domain.places.normalise import fold

# The pipeline's defaults (alerts/core/settings.py): a sender's repeat within this
# joins their open incident; their same words within this are a duplicate.
SAME_SENDER_WINDOW = timedelta(minutes=30)
DUPLICATE_WINDOW = timedelta(minutes=10)


class Pipeline:
    """What the worker does with a report, in memory (`alerts.services.alert_flow`).

    `decide`/`absorb` over the cell index, plus the sender rules the worker
    applies around them: the same sender's same words within the duplicate
    window are linked to the original, never a second report; a sender's
    unlocated report joins the incident of their last report within the
    same-sender window, else it is a triage incident of its own; and a
    located report for which `decide` finds nothing gives the place to the
    sender's own unlocated incident. Operators closing incidents are not
    simulated.
    """

    def __init__(self, rules: CorrelationRules, same_sender: timedelta = SAME_SENDER_WINDOW,
                 duplicate: timedelta = DUPLICATE_WINDOW) -> None:  # fmt: skip
        self.rules = rules
        self.index = CellTimeIndex(rules)
        self._same_sender = same_sender
        self._duplicate = duplicate
        self._unlocated: dict[int, IncidentView] = {}  # not in the index: they match nothing
        self._last: dict[int, tuple[datetime, int]] = {}  # sender -> (last report, incident)
        # (sender, folded text) -> (when, incident, report): what a duplicate links to.
        self._said: dict[tuple[int, str], tuple[datetime, int, int]] = {}
        self.next_id = 0

    def duplicate_of(self, report: ReportFacts) -> tuple[int, IncidentView] | None:
        """The earlier report (and its incident) this one repeats word for word, if any."""
        said = self._said.get((report.sender_id, fold_text(report.text)))
        if said is None or report.received_at - said[0] > self._duplicate:
            return None
        original = self._find(said[1])
        return None if original is None else (said[2], original)

    def step(self, report: ReportFacts) -> IncidentView:
        """The incident the report is in afterwards."""
        duplicate = self.duplicate_of(report)
        if duplicate is not None:
            return duplicate[1]
        own = self._own(report)
        if not report.located and own is not None:
            incident = absorb(own, report, self.rules)
        else:
            candidates = self.index.candidates(report)
            decision = decide(report, candidates, self.rules)
            if decision.action == "join":
                incident = next(c for c in candidates if c.id == decision.incident_id)
                incident = absorb(incident, report, self.rules)
            elif decision.action == "new" and own is not None and own.point is None:
                incident = absorb(own, report, self.rules)
            else:
                self.next_id += 1
                incident = new_incident_view(self.next_id, report)
        if incident.point is not None:  # an unlocated incident can match nothing: not filed
            self._unlocated.pop(incident.id, None)
            self.index.put(incident)
        else:
            self._unlocated[incident.id] = incident
        self._last[report.sender_id] = (report.received_at, incident.id)
        key = (report.sender_id, fold_text(report.text))
        self._said[key] = (report.received_at, incident.id, report.id)
        return incident

    def evict(self, now: datetime) -> None:
        """Forget what can no longer match at `now`: incidents idle for longer than
        the longest window, unlocated ones (only their sender can join them) and
        senders silent for longer than the sender windows."""
        self.index.evict_before(now - self.rules.max_window)
        since = now - self._same_sender
        for incident_id in [i for i, v in self._unlocated.items() if v.last_report_at < since]:
            del self._unlocated[incident_id]
        since = now - max(self._same_sender, self._duplicate)
        self._last = {k: v for k, v in self._last.items() if v[0] >= since}
        self._said = {k: v for k, v in self._said.items() if v[0] >= since}

    def __len__(self) -> int:
        return len(self.index) + len(self._unlocated)

    def _own(self, report: ReportFacts) -> IncidentView | None:
        last = self._last.get(report.sender_id)
        if last is None or report.received_at - last[0] > self._same_sender:
            return None
        return self._find(last[1])

    def _find(self, incident_id: int) -> IncidentView | None:
        return self._unlocated.get(incident_id) or self.index.get(incident_id)


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
    pipeline = Pipeline(rules)
    assigned: dict[int, int] = {}
    every: dict[int, IncidentView] = {}
    cpu, results = 0.0, []
    segment: dict[int, tuple[float, float, int, int]] = {}  # start -> (started, naive, ...)
    for position, report in enumerate(reports):
        if position in checkpoints:
            few = reports[position : position + checkpoints[position]]
            stored = list(every.values())
            started = time.process_time()
            for later in few:
                naive_step(stored, later, rules)
            naive = len(few) / (time.process_time() - started)
            segment[position] = (cpu, naive, len(stored), len(pipeline))
        started = time.process_time()
        if evict_every and position % evict_every == 0:
            pipeline.evict(report.received_at)
        incident = pipeline.step(report)
        cpu += time.process_time() - started
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
    return Run(assigned, pipeline.next_id, len(reports) / cpu, results)


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
    """tracemalloc of the pipeline over the stream, idle incidents and senders evicted.

    Run apart from the timing (tracing slows every allocation), and keeping nothing
    per report but a preallocated array, so what grows is what correlation holds.
    At each mark a full collection runs first: it also empties CPython's free lists
    (spare tuples and dicts), which tracemalloc counts as allocated. The caches of
    folded words and texts are then emptied to weigh the index alone; they refill.
    """
    assigned = array("q", bytes(8 * (len(reports) + 1)))
    marks = set(at)
    taken: list[Memory] = []
    caches = (fold, distinctive_words, fold_text)
    for cache in caches:
        cache.cache_clear()
    gc.collect()
    tracemalloc.start()
    pipeline = Pipeline(rules)
    for position, report in enumerate(reports, start=1):
        if position % evict_every == 0:
            pipeline.evict(report.received_at)
        assigned[report.id] = pipeline.step(report).id
        if position in marks:
            _, peak = tracemalloc.get_traced_memory()
            gc.collect()
            live, _ = tracemalloc.get_traced_memory()
            cached = sum(cache.cache_info().currsize for cache in caches)
            for cache in caches:
                cache.cache_clear()
            bare, _ = tracemalloc.get_traced_memory()
            taken.append(
                Memory(position, len(pipeline), peak / 2**20, live / 2**20, cached, bare / 2**20)
            )
    tracemalloc.stop()
    return taken
