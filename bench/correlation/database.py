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
from alerts.correlation.domain.decide import decide, new_incident_view
from alerts.correlation.domain.model import IncidentView, ReportFacts
from alerts.correlation.domain.rules import CorrelationRules
from alerts.correlation.incidents import own_recent_incident
from alerts.correlation.models import Incident, IncidentCell, Report
from alerts.db import migrate
from alerts.intake.models import InboundMessage
from alerts.registry.models import Sender
from bench.correlation.replay import DUPLICATE_WINDOW, SAME_SENDER_WINDOW, Pipeline

_CHUNK = 5_000  # rows per bulk insert


@dataclass(frozen=True)
class DatabaseCheckpoint:
    stream: str
    stored_reports: int
    stored_incidents: int
    sample: int
    rate: float  # reports/s, wall clock, through the database
    queries: float  # SQL statements per report
    agreement: tuple[float, float]  # B-cubed of the database's grouping against memory's
    naive_sample: int
    deciding_rate: float  # reports/s of the step's reading and deciding alone, on those
    naive_rate: float  # reports/s, every stored incident a candidate
    naive_queries: float
    load_s: float  # seconds to load the history


def measure_database(url: str | None, label: str, reports: Sequence[ReportFacts],
                     rules: CorrelationRules, checkpoints: dict[int, tuple[int, int]]
                     ) -> list[DatabaseCheckpoint]:  # fmt: skip
    """At each checkpoint N -> (sample, naive sample): N reports stored, the next
    `sample` through the database, the baseline on the next `naive sample`."""
    results = []
    for stored, (sample, naive_sample) in sorted(checkpoints.items()):
        with private_database(url) as engine:
            factory = session_factory(engine)
            started = time.perf_counter()
            pipeline, views = load_history(factory, reports[:stored], reports[stored:], rules)
            load_s = time.perf_counter() - started
            window = reports[stored : stored + sample]
            naive = reports[stored : stored + naive_sample]
            started = time.perf_counter()
            for facts in naive:
                indexed_choice(factory, facts, rules)
            deciding_s = max(1e-9, time.perf_counter() - started)
            with counted(engine) as naive_queries:
                started = time.perf_counter()
                for facts in naive:
                    naive_choice(factory, facts, rules)
                naive_s = max(1e-9, time.perf_counter() - started)
            with counted(engine) as queries:
                started = time.perf_counter()
                chosen = {r.id: database_step(factory, r, rules) for r in window}
                took = time.perf_counter() - started
            expected = {r.id: pipeline.step(r).id for r in window}
            results.append(
                DatabaseCheckpoint(
                    label, stored, len(views), len(window), len(window) / took,
                    queries[0] / len(window), bcubed(chosen, expected)[:2], len(naive),
                    len(naive) / deciding_s, len(naive) / naive_s,
                    naive_queries[0] / max(1, len(naive)), load_s,
                )
            )  # fmt: skip
    return results


def database_step(factory: sessionmaker[Session], facts: ReportFacts, rules: CorrelationRules
                  ) -> int:  # fmt: skip
    """One report through the worker's correlation, in its own transaction: the
    incident it ends in (its original's, for a duplicate)."""
    with write_transaction(factory, dispatch=False) as session:
        correlation.lock_keys(session, [f"sender:{facts.sender_id}", *correlation.cells_for(facts)])
        message = session.get(InboundMessage, facts.id)
        assert message is not None
        duplicate = correlation.recent_duplicate(
            session, message, facts.sender_id, DUPLICATE_WINDOW
        )
        if duplicate is not None and duplicate.incident_id is not None:
            message.duplicate_of_id, message.handled_as = duplicate.message_id, "duplicate"
            return duplicate.incident_id
        report = Report(**report_row(facts, None))
        session.add(report)
        session.flush()
        since = facts.received_at - SAME_SENDER_WINDOW
        if facts.located:
            decision = correlation.choose(session, report, rules)
            if decision.action == "join" and decision.incident_id is not None:
                joined = session.get(Incident, decision.incident_id)
                assert joined is not None
                correlation.apply_join(session, joined, report, rules)
                return joined.id
            own = own_recent_incident(session, facts.sender_id, facts.received_at, since)
            if decision.action == "new" and own is not None and own.lat is None:
                correlation.apply_join(session, own, report, rules)
                return own.id
        else:
            own = own_recent_incident(session, facts.sender_id, facts.received_at, since)
            if own is not None:
                correlation.apply_join(session, own, report, rules)
                return own.id
        incident = Incident(**incident_row(new_incident_view(0, facts), f"N{report.id}"))
        session.add(incident)
        session.flush()
        report.incident_id = incident.id
        correlation.index_cells(session, incident.id, [report])
        return incident.id


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
    with write_transaction(factory, dispatch=False) as session:
        at = history[0].received_at if history else future[0].received_at
        bulk(session, Sender, [sender_row(sender_id, at) for sender_id in sorted(senders)])
        bulk(session, InboundMessage, messages)
        bulk(session, Incident, [incident_row(v, f"H{v.id}", v.id) for v in views.values()])
        bulk(session, Report, reports)
        bulk(session, IncidentCell, [{"cell": c, "incident_id": i} for c, i in sorted(cells)])
        if session.get_bind().dialect.name == "postgresql":
            # Rows came with their ids: new ones must be numbered after them.
            for table in ("senders", "inbound_messages", "incidents", "reports", "incident_cells"):
                session.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                    )
                )
    return pipeline, views


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


def report_row(facts: ReportFacts, incident_id: int | None) -> dict[str, Any]:
    point = facts.point
    return {
        "message_id": facts.id, "sender_id": facts.sender_id, "incident_id": incident_id,
        "text": facts.text, "received_at": facts.received_at, "threat": facts.threat,
        "severity": facts.severity, "lat": None if point is None else point.lat,
        "lon": None if point is None else point.lon, "radius_m": facts.radius_m,
        "location_method": facts.method, "location_confidence": 0.0, "ambiguous": False,
    }  # fmt: skip


def incident_row(view: IncidentView, ref: str, incident_id: int | None = None
                 ) -> dict[str, Any]:  # fmt: skip
    point = view.point
    return {
        "ref": ref, "status": "open" if point is not None else "triage",
        "triage_reason": None if point is not None else "unlocated", "threat": view.threat,
        "severity": view.severity, "lat": None if point is None else point.lat,
        "lon": None if point is None else point.lon, "radius_m": view.radius_m,
        "first_report_at": view.first_report_at, "last_report_at": view.last_report_at,
        "opened_at": view.first_report_at, "informants": len(view.informants),
    } | ({"id": incident_id} if incident_id is not None else {})  # fmt: skip


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
