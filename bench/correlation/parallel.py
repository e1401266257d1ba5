"""Reports through the database in worker processes, as the RQ workers take them.

Each worker is an OS process of its own (spawned, so it shares nothing with
this one: its own imports, engine and connections), as `rq worker` is. They
pull reports in time order from one shared counter, the way workers take jobs
off one queue, and each runs one of two jobs per report:

- "step": the correlation step alone (`database.database_step`);
- "job": the whole worker job, `alerts.pipeline.process_message`, with ledger
  events and routing. Locating is replaced by the stream's own answer (the
  geolocation benchmark measures it), and no network is loaded, so routing
  finds no base and nothing is tasked or sent.

Wall-clock time from the moment every worker is connected and ready until the
last report is done.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from multiprocessing.reduction import ForkingPickler
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Barrier
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import FakeClock
from alerts.core.context import ServiceContext
from alerts.core.db.session import make_engine, session_factory
from alerts.core.domain.geo import Location, LocationMethod
from alerts.core.settings import Settings
from alerts.core.vault import PhoneVault, generate_key
from alerts.correlation.domain.model import ReportFacts
from alerts.correlation.domain.rules import CorrelationRules
from alerts.locating.keywords import load_keyword_lists
from alerts.locating.locator import Locator, PlaceIndexCache
from alerts.pipeline import process_message
from alerts.registry.models import Sender
from bench.correlation.replay import DUPLICATE_WINDOW, SAME_SENDER_WINDOW
from bench.correlation.step import database_step

Job = Literal["step", "job"]
_ATTEMPTS = 3  # as RQ retries a failed job


@dataclass(frozen=True)
class ParallelRun:
    job: Job
    processes: int
    reports: int
    rate: float  # reports/s, wall clock, all processes together
    queries: float  # SQL statements per report
    chosen: dict[int, int]  # report -> the incident it ended in
    retries: int  # attempts that failed (a deadlock, say) and were run again
    locked_ms: float  # per report: waiting for the sender's and cells' advisory locks
    cpu_ms: float  # per report: the workers' CPU time
    server_cpu_ms: float  # per report: their PostgreSQL backends' (-1: not on this machine)


def run_parallel(url: str, reports: Sequence[ReportFacts], rules: CorrelationRules,
                 processes: int, job: Job) -> ParallelRun:  # fmt: skip
    """`reports` through `processes` workers at once, each pulling the next in time order."""
    # The rules hold read-only mappings, which pickle does not know; sent as dicts.
    ForkingPickler.register(MappingProxyType, _as_mapping_proxy)
    context = multiprocessing.get_context("spawn")
    position = context.Value("i", 0)
    ready = context.Barrier(processes + 1)
    results = context.Queue()
    workers = [
        context.Process(
            target=_worker, args=(url, list(reports), rules, job, position, ready, results)
        )
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    ready.wait(timeout=300)
    started = time.perf_counter()
    done = [results.get(timeout=3_600) for _ in workers]
    took = time.perf_counter() - started
    for worker in workers:
        worker.join()
        if worker.exitcode != 0:
            raise RuntimeError(f"a {job} worker failed with exit code {worker.exitcode}")
    failed = [d for d in done if "error" in d]
    if failed:
        raise RuntimeError(f"a {job} worker failed: {failed[0]['error']}")
    chosen = {k: v for d in done for k, v in d["chosen"].items()}
    count = max(1, len(chosen))

    def per_report(key: str) -> float:
        if any(d[key] < 0 for d in done):
            return -1.0
        return float(1_000 * sum(d[key] for d in done) / count)

    return ParallelRun(
        job, processes, len(chosen), len(chosen) / took, per_report("statements") / 1_000,
        chosen, sum(d["retries"] for d in done), per_report("locked_s"), per_report("cpu_s"),
        per_report("server_cpu_s"),
    )  # fmt: skip


def _as_mapping_proxy(mapping: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    return _mapping_proxy, (dict(mapping),)


def _mapping_proxy(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def _worker(url: str, reports: list[ReportFacts], rules: CorrelationRules, job: Job,
            position: Synchronized[int], ready: Barrier, results: Any) -> None:  # fmt: skip
    engine = make_engine(url)
    factory = session_factory(engine)
    run = _step_runner(factory, rules) if job == "step" else _job_runner(factory, rules, reports)
    try:
        with engine.connect() as connection:  # connected before the clock starts
            backend = None
            if engine.dialect.name == "postgresql":
                backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        ready.wait(timeout=300)
        tally = _Tally(engine, backend)
        chosen, retries = {}, 0
        while (index := _next(position)) < len(reports):
            facts = reports[index]
            for attempt in range(_ATTEMPTS):
                try:
                    chosen[facts.id] = run(facts)
                    break
                except Exception:
                    retries += 1
                    if attempt == _ATTEMPTS - 1:
                        raise
        results.put({"chosen": chosen, "retries": retries} | tally.totals())
    except Exception as error:  # reported to the parent, which raises it
        results.put({"error": repr(error)})
    finally:
        engine.dispose()


class _Tally:
    """A worker's statements, its time waiting for correlation's locks, and the CPU
    time it and its PostgreSQL backend (on this machine) used."""

    def __init__(self, engine: Engine, backend: int | None) -> None:
        self.statements, self.locked_s = 0, 0.0
        self._backend = backend
        self._cpu, self._server = time.process_time(), _backend_cpu(backend)
        self._started = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, *args: Any) -> None:
        self.statements += 1
        self._started = time.perf_counter()

    def _after(self, _connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "pg_advisory_xact_lock" in statement:
            self.locked_s += time.perf_counter() - self._started

    def totals(self) -> dict[str, float]:
        server = _backend_cpu(self._backend)
        return {
            "statements": self.statements,
            "locked_s": self.locked_s,
            "cpu_s": time.process_time() - self._cpu,
            "server_cpu_s": -1.0 if min(server, self._server) < 0 else server - self._server,
        }


def _backend_cpu(pid: int | None) -> float:
    """CPU seconds of a PostgreSQL backend on this machine; -1 if it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return -1.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _next(position: Synchronized[int]) -> int:
    with position.get_lock():
        index = position.value
        position.value = index + 1
    return index


def _step_runner(factory: sessionmaker[Session], rules: CorrelationRules) -> Any:
    return lambda facts: database_step(factory, facts, rules)


def _job_runner(factory: sessionmaker[Session], rules: CorrelationRules,
                reports: list[ReportFacts]) -> Any:  # fmt: skip
    clock = FakeClock(reports[0].received_at if reports else None)
    ctx = ServiceContext(
        factory=factory,
        vault=PhoneVault(generate_key()),
        clock=clock,
        sms=_NoSms(),
        status_callback_url=None,
        locator=StreamLocator(
            PlaceIndexCache(), by_text={(r.sender_id, r.text): r for r in reports}
        ),
        keywords=load_keyword_lists(Settings().keywords_dir),
        correlation=rules,
        duplicate_window=DUPLICATE_WINDOW,
        same_sender_window=SAME_SENDER_WINDOW,
        sends_sms=False,
    )

    def run(facts: ReportFacts) -> int:
        clock.set(facts.received_at)
        outcome = process_message(ctx, facts.id)
        assert outcome.incident_id is not None
        return outcome.incident_id

    return run


@dataclass(frozen=True)
class StreamLocator(Locator):
    """Where the stream says each report is, found by its sender and words (a
    sender's exact repeat is one report's words again, and one place)."""

    by_text: dict[tuple[int, str], ReportFacts] = field(default_factory=dict)

    def locate(self, session: Session, text: str, sender: Sender) -> Location:
        del session
        facts = self.by_text.get((sender.id, text))
        if facts is None or facts.point is None:
            return Location(None, None, "unlocated", 0.0)
        return Location(facts.point, facts.radius_m, cast(LocationMethod, facts.method), 0.9)


class _NoSms:
    """Nothing is sent: no network is loaded, so nothing is tasked."""

    def send(self, to: str, body: str, status_callback: str | None) -> str:
        raise AssertionError("the benchmark sends no SMS")

    def find_sent(self, to: str, body: str, since: datetime) -> list[str]:
        return []
