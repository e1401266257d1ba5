"""Correlation through the database: reports per second as history grows.

For each checkpoint N, in a private schema (PostgreSQL) or file (SQLite),
migrated and dropped afterwards:

1. the first N reports of a stream are loaded as the worker would have left
   them: senders, messages, reports, incidents and their cells, decided in
   memory by the same rules (`replay.Pipeline`), so the history is realistic
   and takes seconds to load instead of the hours a replay through the
   database would;
2. the next reports go through the real database correlation, one
   transaction each as the worker runs them (`alerts.services.alert_flow`):
   the sender and cell advisory locks, the duplicate check, the report row,
   `correlation.choose` (candidates by cell and time, then `decide`), then
   `correlation.apply_join`, the sender's own incident, or a new incident
   with its cells. Ledger events, routing and tasking are left out: they are
   not correlation, and the intake benchmark measures the rest;
3. a naive baseline hands `decide` every incident stored, read from the same
   database by the same `incident_view`, on a few reports, written nowhere.

Wall-clock time, since most of the cost is round trips to the database; the
SQL statements per report are counted too.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.session import make_engine, session_factory, write_transaction
from alerts.correlation import assign as correlation
from alerts.correlation.domain.bcubed import bcubed
from alerts.correlation.domain.cells import cell_of
from alerts.correlation.domain.decide import decide
from alerts.correlation.domain.model import IncidentView, ReportFacts
from alerts.correlation.domain.rules import CorrelationRules
from alerts.correlation.models import Incident, IncidentCell, Report
from alerts.db import migrate
from alerts.intake.models import InboundMessage
from alerts.registry.models import Sender
from bench.correlation.parallel import run_parallel
from bench.correlation.replay import Pipeline
from bench.correlation.step import incident_row, report_row

_CHUNK = 5_000  # rows per bulk insert


@dataclass(frozen=True)
class Throughput:
    job: str  # "step": correlation alone; "job": the whole worker job
    processes: int
    sample: int
    rate: float  # reports/s, wall clock, all processes together
    queries: float  # SQL statements per report
    agreement: tuple[float, float]  # B-cubed of the database's grouping against memory's
    retries: int
    locked_ms: float  # per report, waiting for correlation's advisory locks
    cpu_ms: float  # per report, the workers' CPU time
    server_cpu_ms: float  # per report, their PostgreSQL backends' (-1: unknown)
    load: float  # the machine's 1-minute load average when the run ended


@dataclass(frozen=True)
class DatabaseCheckpoint:
    stream: str
    stored_reports: int
    stored_incidents: int
    runs: tuple[Throughput, ...]  # in the order of `RUNS`
    naive_sample: int
    deciding_rate: float  # reports/s of the step's reading and deciding alone, on those
    naive_rate: float  # reports/s, every stored incident a candidate
    naive_queries: float
    load_s: float  # seconds to load the history


# (job, processes, share of the sample): run one after another on the reports that
# follow the history, each on the next ones, so the in-memory run checks each in turn.
RUNS = (("step", 1, 1), ("step", 2, 2), ("job", 2, 2))


def measure_database(url: str | None, label: str, reports: Sequence[ReportFacts],
                     rules: CorrelationRules, checkpoints: dict[int, tuple[int, int]]
                     ) -> list[DatabaseCheckpoint]:  # fmt: skip
    """At each checkpoint N -> (sample, naive sample): N reports stored, then `RUNS`
    on the next reports, the baseline on the next `naive sample` (nothing written)."""
    results = []
    for stored, (sample, naive_sample) in sorted(checkpoints.items()):
        with private_database(url) as engine:
            factory = session_factory(engine)
            started = time.perf_counter()
            pipeline, views = load_history(factory, reports[:stored], reports[stored:], rules)
            load_s = time.perf_counter() - started
            naive = reports[stored : stored + naive_sample]
            deciding_rate, naive_rate, naive_queries = baseline(engine, factory, naive, rules)
            runs, at = [], stored
            for job, processes, share in RUNS:
                window = reports[at : at + sample * share]
                at += len(window)
                run = run_parallel(_url(engine), window, rules, processes, job)  # type: ignore[arg-type]
                expected = {r.id: pipeline.step(r).id for r in window}
                runs.append(
                    Throughput(
                        job, processes, len(window), run.rate, run.queries,
                        bcubed(run.chosen, expected)[:2], run.retries, run.locked_ms, run.cpu_ms,
                        run.server_cpu_ms, os.getloadavg()[0],
                    )
                )  # fmt: skip
            results.append(
                DatabaseCheckpoint(
                    label, stored, len(views), tuple(runs), len(naive), deciding_rate,
                    naive_rate, naive_queries, load_s,
                )
            )  # fmt: skip
    return results


def baseline(engine: Engine, factory: sessionmaker[Session], naive: Sequence[ReportFacts],
             rules: CorrelationRules) -> tuple[float, float, float]:  # fmt: skip
    """Reports/s reading and deciding by cell and time, then handed every incident,
    and the statements per report of the latter."""
    started = time.perf_counter()
    for facts in naive:
        indexed_choice(factory, facts, rules)
    deciding_s = max(1e-9, time.perf_counter() - started)
    with counted(engine) as naive_queries:
        started = time.perf_counter()
        for facts in naive:
            naive_choice(factory, facts, rules)
        naive_s = max(1e-9, time.perf_counter() - started)
    return len(naive) / deciding_s, len(naive) / naive_s, naive_queries[0] / max(1, len(naive))


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def indexed_choice(factory: sessionmaker[Session], facts: ReportFacts, rules: CorrelationRules
                   ) -> None:  # fmt: skip
    """The step's decision alone, nothing written: like for like with `naive_choice`."""
    with factory() as session:
        decide(facts, correlation.candidates(session, facts, rules), rules)


def naive_choice(factory: sessionmaker[Session], facts: ReportFacts, rules: CorrelationRules
                 ) -> None:  # fmt: skip
    """The baseline's decision: every stored incident read and weighed, nothing written."""
    with factory() as session:
        ids = session.scalars(select(Incident.id).where(Incident.merged_into_id.is_(None))).all()
        decide(facts, correlation.incident_views(session, ids), rules)


def load_history(factory: sessionmaker[Session], history: Sequence[ReportFacts],
                 future: Sequence[ReportFacts], rules: CorrelationRules
                 ) -> tuple[Pipeline, dict[int, IncidentView]]:  # fmt: skip
    """The history as rows, decided in memory; the messages of `future` waiting.

    Returns the pipeline (to continue in memory) and every incident's last view.
    """
    pipeline = Pipeline(rules)
    views: dict[int, IncidentView] = {}
    reports, messages, cells = [], [], set()
    for position, facts in enumerate(history):
        if position % 1_000 == 0:
            pipeline.evict(facts.received_at)
        duplicate = pipeline.duplicate_of(facts)
        view = pipeline.step(facts)
        views[view.id] = view
        messages.append(message_row(facts, None if duplicate is None else duplicate[0]))
        if duplicate is None:
            reports.append(report_row(facts, view.id) | {"id": facts.id})
            if facts.point is not None:
                cells.add((cell_of(facts.point), view.id))
    messages += [message_row(facts, None, handled=False) for facts in future]
    senders = {facts.sender_id for facts in (*history, *future)}
    with write_transaction(factory) as session:
        at = history[0].received_at if history else future[0].received_at
        bulk(session, Sender, [sender_row(sender_id, at) for sender_id in sorted(senders)])
        bulk(session, InboundMessage, messages)
        bulk(session, Incident, [incident_row(v, f"H{v.id}", v.id) for v in views.values()])
        bulk(session, Report, reports)
        bulk(session, IncidentCell, [{"cell": c, "incident_id": i} for c, i in sorted(cells)])
        if session.get_bind().dialect.name == "postgresql":
            # Rows came with their ids: new ones must be numbered after them.
            for table in _HISTORY_TABLES:
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                    )
                )
    with factory() as session:
        # Statistics, as autovacuum would have gathered them over the weeks the
        # history took: without them the planner guesses at the candidate lookup.
        for table in _HISTORY_TABLES:
            session.execute(text(f"ANALYZE {table}"))
        session.commit()
    return pipeline, views


_HISTORY_TABLES = ("senders", "inbound_messages", "incidents", "reports", "incident_cells")


def bulk(session: Session, model: type[Any], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        session.execute(insert(model), rows[start : start + _CHUNK])


def sender_row(sender_id: int, at: datetime) -> dict[str, Any]:
    # Made-up numbers: nothing here is ever decrypted or sent.
    return {
        "id": sender_id, "pseudonym": f"FP-B{sender_id}", "number_encrypted": b"",
        "number_hash": f"bench-{sender_id}", "role": "focal_point", "registered": True,
        "created_at": at,
    }  # fmt: skip


def message_row(facts: ReportFacts, duplicate_of: int | None, handled: bool = True
                ) -> dict[str, Any]:  # fmt: skip
    """Message ids are the stream's report ids: one message each, a report for each
    but the duplicates."""
    handled_as = None if not handled else "alert" if duplicate_of is None else "duplicate"
    return {
        "id": facts.id, "provider_sid": f"SMbench{facts.id}", "ref": f"B{facts.id}",
        "sender_id": facts.sender_id, "body": facts.text, "received_at": facts.received_at,
        "handled_as": handled_as, "handled_at": facts.received_at if handled else None,
        "duplicate_of_id": duplicate_of,
    }  # fmt: skip


def describe_database(url: str | None) -> str:
    if url is None or make_url(url).get_backend_name() == "sqlite":
        return "SQLite, a temporary file"
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()
    return f"PostgreSQL {version} on the same machine, a private schema created and dropped"


@contextmanager
def private_database(url: str | None) -> Iterator[Engine]:
    """A migrated database nobody else uses, dropped afterwards: a schema of its
    own on PostgreSQL, a temporary file otherwise."""
    if url is None or make_url(url).get_backend_name() == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            yield from _migrated(f"sqlite:///{path}")
        return
    schema = f"bench_correlation_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        options = {"options": f"-csearch_path={schema}"}
        yield from _migrated(
            make_url(url).update_query_dict(options).render_as_string(hide_password=False)
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _migrated(url: str) -> Iterator[Engine]:
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def counted(engine: Engine) -> Iterator[list[int]]:
    """The number of SQL statements run through `engine` inside the block."""
    count = [0]

    def one_more(*_: object) -> None:
        count[0] += 1

    event.listen(engine, "before_cursor_execute", one_more)
    try:
        yield count
    finally:
        event.remove(engine, "before_cursor_execute", one_more)
