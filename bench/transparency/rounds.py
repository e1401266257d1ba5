"""One timed round of bench/log_appends.py: start the processes, release the writers
together, collect what each recorded, and turn it into appends/s and sealing lags."""

from __future__ import annotations

import bisect
import math
import os
import queue
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text

from alerts.timeline.models import Event, LogLeaf
from bench.harness.checks import LockSampler
from bench.harness.load import host_ticks
from bench.transparency.writers import (
    CONTEXT,
    Mode,
    SealBatch,
    WriterJob,
    WriterResult,
    sequencer_main,
    writer_main,
)

START_TIMEOUT_S = 120  # for 8 interpreters to import the app and warm up on 2 busy cores
CATCH_UP_S = 60  # after the writers stop, for the sequencer to seal what is left


class ForeignWriters:
    """Every 200 ms, the age of the oldest writing transaction in the cluster that is not
    this round's. The sequencer seals nothing such a transaction could precede, whatever
    its database: on a shared PostgreSQL it explains a lag the round did not cause."""

    QUERY = text(
        "SELECT coalesce(max(extract(epoch FROM clock_timestamp() - xact_start)), 0) "
        "FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND application_name <> :ours"
    )

    def __init__(self, engine: Engine, ours: str) -> None:
        self.engine, self.ours = engine, ours
        self.oldest_s = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with self.engine.connect() as connection:
            while not self._stop.wait(0.2):
                age = connection.execute(self.QUERY, {"ours": self.ours}).scalar_one()
                connection.rollback()
                self.oldest_s = max(self.oldest_s, float(age))

    def __enter__(self) -> ForeignWriters:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(5)


class Fleet:
    """The processes this run started; stopped by their own ids, whatever happens."""

    def __init__(self) -> None:
        self.started: list[Any] = []

    def start(self, target: Any, *args: Any) -> None:
        process = CONTEXT.Process(target=target, args=args, daemon=True)
        process.start()
        self.started.append(process)

    def check(self) -> None:
        """A process that died makes the round meaningless: stop."""
        for process in self.started:
            if process.exitcode not in (None, 0):
                raise RuntimeError(f"a benchmark process exited with code {process.exitcode}")

    def stop(self) -> None:
        for process in self.started:
            if process.is_alive():
                process.terminate()
            process.join(10)
        self.started.clear()


@dataclass(frozen=True)
class Round:
    mode: Mode
    writers: list[WriterResult]
    batches: list[SealBatch]  # empty for the chain: it had no sequencer
    lags: list[tuple[float, float]]  # (commit, lag) per event sealed (the log only), seconds
    unsealed: int  # committed events never sealed within CATCH_UP_S
    host_busy: float | None  # share of the host's CPU time busy during the round
    writer_cores: float  # CPU cores the writers used, on average over the round
    sequencer_cores: float
    postgres_cores: float  # ...the PostgreSQL backends serving the writers and the sequencer
    lock: tuple[float, float, float]  # LockSampler.summary()
    foreign_writer_s: float  # the oldest other writing transaction seen during the round

    @property
    def began(self) -> float:
        return min(w.started for w in self.writers)

    @property
    def lags_s(self) -> list[float]:
        """Each event's time from its commit to the commit of the first head covering it."""
        return [lag for _, lag in self.lags]

    def lag_by_second(self) -> list[tuple[float, float, float]]:
        """The p50, p99 and largest sealing lag of the events committed in each second."""
        seconds: dict[int, list[float]] = {}
        for at, lag in self.lags:
            seconds.setdefault(int(at - self.began), []).append(lag)
        return [
            (nearest_rank(lags, 0.5), nearest_rank(lags, 0.99), max(lags))
            for _, lags in sorted(seconds.items())
        ]

    @property
    def commits(self) -> int:
        return sum(len(w.commits) for w in self.writers)

    @property
    def elapsed_s(self) -> float:
        return max(w.ended for w in self.writers) - self.began

    @property
    def rate(self) -> float:
        return self.commits / self.elapsed_s

    def per_second(self) -> list[int]:
        """Commits in each whole second of the round (the last, partial one left out)."""
        bins = [0] * max(1, int(self.elapsed_s))
        for writer in self.writers:
            for _, at in writer.commits:
                second = int(at - self.began)
                if second < len(bins):
                    bins[second] += 1
        return bins


def nearest_rank(values: Sequence[float], fraction: float) -> float:
    """An observed value, never an interpolated one."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(1, math.ceil(round(fraction * len(ordered), 6))) - 1]


def run_round(
    engine: Engine, url: str, mode: Mode, args: Any, seed: bytes, lock_key: int, fleet: Fleet
) -> Round:
    """`args.writers` processes appending for `args.duration` s; for the log, the sequencer
    seals beside them and then until every event is sealed."""
    ready, start, results = CONTEXT.Queue(), CONTEXT.Event(), CONTEXT.Queue()
    stop, sealing, release = CONTEXT.Event(), CONTEXT.Queue(), CONTEXT.Event()
    if mode == "log":
        fleet.start(sequencer_main, url, seed, stop, sealing)
    for writer in range(args.writers):
        job = WriterJob(url, mode, writer, args.duration, lock_key)
        fleet.start(writer_main, job, ready, start, results, release)
    _wait_ready(ready, args.writers, fleet)
    print(f"{mode}: {args.writers} writers warm, appending {args.duration:.0f} s", file=sys.stderr)
    backends = _backends(engine, args.application_name)
    ticks, backend_ticks = host_ticks(), _cpu_ticks(backends)
    with (
        LockSampler(engine, args.application_name) as sampler,
        ForeignWriters(engine, args.application_name) as foreign,
    ):
        start.set()
        writers = [results.get(timeout=args.duration + 60) for _ in range(args.writers)]
        after, backend_after = host_ticks(), _cpu_ticks(backends)
        release.set()
        batches: list[SealBatch] = []
        if mode == "log":
            total = _wait_sealed(engine)
            stop.set()
            batches = sealing.get(timeout=60)
    fleet.stop()
    began, ended = min(w.started for w in writers), max(w.ended for w in writers)
    elapsed = ended - began
    lags, unsealed = _lags(engine, writers, batches) if mode == "log" else ([], 0)
    if mode == "log" and unsealed:
        print(f"log: {unsealed} not sealed within {CATCH_UP_S} s ({total} leaves)", file=sys.stderr)
    busy = None
    if ticks and after:
        busy = (after[0] - ticks[0]) / max(1, after[1] - ticks[1])
    return Round(
        mode, sorted(writers, key=lambda w: w.writer), batches, lags, unsealed, busy,
        sum(w.cpu_s for w in writers) / elapsed, _cpu_between(batches, began, ended) / elapsed,
        (backend_after - backend_ticks) / os.sysconf("SC_CLK_TCK") / elapsed, sampler.summary(),
        foreign.oldest_s,
    )  # fmt: skip


def _backends(engine: Engine, application_name: str) -> list[int]:
    """The process ids of the PostgreSQL backends serving this round's processes: their
    connections are open and pooled by now, so the same backends serve the whole round."""
    with engine.connect() as connection:
        query = text("SELECT pid FROM pg_stat_activity WHERE application_name = :ours")
        return [int(pid) for pid in connection.execute(query, {"ours": application_name}).scalars()]


def _cpu_ticks(pids: list[int]) -> int:
    """utime + stime of these processes, from /proc (PostgreSQL runs on this host)."""
    total = 0
    for pid in pids:
        with suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total


def _cpu_between(batches: list[SealBatch], began: float, ended: float) -> float:
    """The sequencer's CPU time from `began` to `ended`, to the nearest batch."""
    before = [b.cpu_s for b in batches if b.ended <= began]
    until = [b.cpu_s for b in batches if b.ended <= ended]
    return (until[-1] if until else 0.0) - (before[-1] if before else 0.0)


def _wait_ready(ready: Any, writers: int, fleet: Fleet) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    for _ in range(writers):
        while True:
            fleet.check()
            try:
                ready.get(timeout=1)
                break
            except queue.Empty:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"writers not warm within {START_TIMEOUT_S} s") from None


def _wait_sealed(engine: Engine) -> int:
    """Leaves in the log once every event (warm-up included) is sealed, or at the limit.
    The writers have stopped: the count of events no longer moves."""
    deadline = time.monotonic() + CATCH_UP_S
    with engine.connect() as connection:
        events = int(connection.scalar(select(func.count()).select_from(Event)) or 0)
        while True:
            leaves = int(connection.scalar(select(func.count()).select_from(LogLeaf)) or 0)
            connection.rollback()
            if leaves >= events or time.monotonic() > deadline:
                return leaves
            time.sleep(0.2)


def _lags(
    engine: Engine, writers: list[WriterResult], batches: list[SealBatch]
) -> tuple[list[tuple[float, float]], int]:
    """Each event's sealing lag: from its commit to the commit of the first signed head
    that covers its leaf. Events never sealed are counted, not timed."""
    with engine.connect() as connection:
        rows = connection.execute(select(LogLeaf.event_id, LogLeaf.leaf_index))
        leaf_of = {event_id: index for event_id, index in rows}
    sizes = [b.tree_size for b in batches]
    lags: list[tuple[float, float]] = []
    unsealed = 0
    for writer in writers:
        for event_id, committed_at in writer.commits:
            index = leaf_of.get(event_id)
            at = len(sizes) if index is None else bisect.bisect_left(sizes, index + 1)
            if at == len(sizes):
                unsealed += 1
                continue
            lags.append((committed_at, batches[at].ended - committed_at))
    return lags, unsealed
