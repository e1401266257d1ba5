"""Evaluator report: a latency report over a million events, against a naive baseline.

    .venv/bin/python -m bench.report [--events N] [--sample K] [--no-doc]

Loads a seeded year of incidents (bench/reporting/timeline.py) into a private
PostgreSQL schema by COPY, then times, in the same run:

- the report as `alerts report latency` builds it: one ordered scan of the
  events, stage times replayed in memory, grouped and rendered (JSON and HTML
  with its charts);
- a naive baseline: for each incident, its own queries (its events, its
  reports' events, its messages' events) and the same replay. It is timed on a
  random sample of incidents and scaled to all of them, since running it whole
  would take many minutes; its results are checked against the report's.

The result replaces the "Evaluator report" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import signal
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from alerts.audit.domain.metrics.entries import METRIC_KINDS, LedgerEntry
from alerts.audit.domain.metrics.stages import IncidentTimes, incident_times
from alerts.audit.domain.periods import Period
from alerts.audit.reports.latency import build_latency
from alerts.audit.reports.model import ReportRequest
from alerts.audit.reports.render import render
from alerts.audit.reports.timeline import all_incident_times
from alerts.core.db.session import make_engine, session_factory
from alerts.timeline.models import Event
from bench.harness.doc import code_state, describe_machine, wrap, write_section
from bench.harness.servers import private_schema
from bench.reporting.timeline import generate

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
SECTION = "## Evaluator report"
SEED = 7_007
TARGET_S = 10.0
BASES, UNITS = 6, list(range(1, 13))
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
COLUMNS = (
    "seq, occurred_at, actor, kind, subject_type, subject_id, incident_id, data, prev_hash, hash"
)
INCIDENT_COLUMNS = (
    "id, ref, status, threat, severity, lat, lon, radius_m, place_name, mission, sector, "
    "first_report_at, last_report_at, opened_at, informants"
)


@dataclass(frozen=True)
class Outcome:
    events: int
    incidents: int
    load_s: float
    build_s: list[float]
    build_cpu_s: list[float]  # this process's CPU time for each build (PostgreSQL's not counted)
    json_s: float
    html_s: float
    naive_sample: int
    naive_s: float
    agree: int
    peak_rss_mb: float
    load: tuple[float, float]  # 1-minute load average before and after the timed builds
    share: float  # of the events, those of the kinds the report reads


def load(engine: Engine, events: int) -> tuple[int, float, float]:
    started = time.perf_counter()
    generated = generate(events, SEED, BASES, UNITS)
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        assert connection is not None
        with connection.cursor() as cursor:
            for base in range(1, BASES + 1):
                cursor.execute(
                    "INSERT INTO bases (id, key, mission, name, lat, lon, kind, sector) "
                    "VALUES (%s, %s, 'MONUSCO', %s, 0.5, 29.4, 'permanent', %s)",
                    (base, f"base-{base}", f"Base {base}", f"Sector {base % 4}"),
                )
            for unit in UNITS:
                cursor.execute(
                    "INSERT INTO units (id, callsign, base_id, role, notice_to_move_min, status) "
                    "VALUES (%s, %s, %s, 'qrf', 15, 'ready')",
                    (unit, f"QRF-{unit}", 1 + unit % BASES),
                )
            with cursor.copy(f"COPY incidents ({INCIDENT_COLUMNS}) FROM STDIN") as copy:
                for row in generated.incidents:
                    copy.write_row(row)
            with cursor.copy(f"COPY events ({COLUMNS}) FROM STDIN") as copy:
                for row in generated.events:
                    copy.write_row(row)
            cursor.execute("ANALYZE events")
            cursor.execute("ANALYZE incidents")
        connection.commit()
    finally:
        raw.close()
    read = sum(n for kind, n in generated.kinds.items() if kind in METRIC_KINDS)
    return len(generated.incidents), time.perf_counter() - started, read / events


def naive_times(session: Session, incident_id: int) -> IncidentTimes | None:
    """What one would write first: the incident's own events, then its reports', then
    its messages', three queries per incident, then the same replay."""

    def rows(*where: object) -> list[LedgerEntry]:
        query = select(
            Event.id, Event.occurred_at, Event.kind, Event.subject_id, Event.incident_id,
            Event.data,
        ).where(Event.kind.in_(sorted(METRIC_KINDS)), *where)  # fmt: skip
        return [LedgerEntry(*r) for r in session.execute(query)]

    own = rows(Event.incident_id == incident_id)
    reports = [e.data["report_id"] for e in own if "report_id" in e.data]
    located = rows(Event.subject_type == "report", Event.subject_id.in_(reports))
    messages = [e.data["message_id"] for e in located if "message_id" in e.data]
    received = rows(Event.subject_type == "message", Event.subject_id.in_(messages))
    entries = sorted(own + located + received, key=lambda e: e.event_id)
    return incident_times(entries).get(incident_id)


def measure(events: int, sample: int, database_url: str) -> Outcome:
    with private_schema(database_url) as url:
        engine = make_engine(url)
        incidents, load_s, share = load(engine, events)
        print(f"loaded {events} events, {incidents} incidents in {load_s:.1f} s", file=sys.stderr)
        factory = session_factory(engine)
        request = ReportRequest(period=YEAR)
        now = datetime(2027, 1, 1, tzinfo=UTC)
        build_s, build_cpu_s = [], []
        load_before = os.getloadavg()[0]
        for _ in range(3):
            with factory() as session:
                started, cpu = time.perf_counter(), time.process_time()
                report = build_latency(session, request, now)
                build_s.append(time.perf_counter() - started)
                build_cpu_s.append(time.process_time() - cpu)
            print(
                f"built the report in {build_s[-1]:.1f} s ({build_cpu_s[-1]:.1f} s of CPU)",
                file=sys.stderr,
            )
        load_after = os.getloadavg()[0]
        started = time.perf_counter()
        render(report, "json")
        json_s = time.perf_counter() - started
        started = time.perf_counter()
        render(report, "html")
        html_s = time.perf_counter() - started
        print(f"timing the naive way on {sample} incidents…", file=sys.stderr)
        with factory() as session:
            fast = all_incident_times(session)
            ids = random.Random(SEED).sample(sorted(fast), min(sample, len(fast)))
            started = time.perf_counter()
            naive = {i: naive_times(session, i) for i in ids}
            naive_s = time.perf_counter() - started
        agree = sum(
            1
            for i in ids
            if (n := naive[i]) is not None
            and (n.first_report_at, dict(n.stages))
            == (fast[i].first_report_at, dict(fast[i].stages))
        )
        engine.dispose()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return Outcome(
        events, incidents, load_s, build_s, build_cpu_s, json_s, html_s, len(ids), naive_s,
        agree, rss,
        (load_before, load_after), share,
    )  # fmt: skip


def section(outcome: Outcome, when: datetime, machine: str) -> str:
    build = statistics.median(outcome.build_s)
    html_total = build + outcome.html_s
    naive_all = outcome.naive_s / outcome.naive_sample * outcome.incidents
    verdict = "meets" if html_total <= TARGET_S else "misses"
    intro = (
        "A latency report over a year of one busy mission, measured by "
        "[`bench/report.py`](../bench/report.py): the report as `alerts report latency` builds "
        "it, against a naive per-incident approach in the same run. Reproduce with "
        "`.venv/bin/python -m bench.report`."
    )
    conditions = [
        f"Date: {when:%Y-%m-%d %H:%M} UTC. Code: {code_state('alerts')}.",
        f"Machine: {machine}; PostgreSQL on the same host; shared with other work: the "
        f"1-minute load average was {outcome.load[0]:.1f} before the timed builds and "
        f"{outcome.load[1]:.1f} after, on {os.cpu_count()} cores.",
        f"Data: {outcome.events:,} events (every hash real, so the chain verifies) for "
        f"{outcome.incidents:,} incidents over 2026, seeded ({SEED}): one to four alerts each, "
        "routing, taskings and their SMS, the units' replies, some declined and re-tasked, "
        "some silent or unlocated, some with an attack end and a political step; every SMS "
        "accepted, sent and delivered, every reply confirmed, as the live pipeline writes "
        f"them, so {outcome.share:.0%} of the events are of the kinds the report reads. "
        f"Loaded by COPY in {outcome.load_s:.0f} s (generation included).",
        "Report: all of 2026, every mission, anonymised; stage times, six groupings, "
        "immediate response, unanswered and stuck lists.",
    ]
    rows = [
        "| Approach | time | incidents | per incident |",
        "|---|---:|---:|---:|",
        f"| report: build (median of 3: {', '.join(f'{s:.1f}' for s in outcome.build_s)} s) "
        f"| {build:.1f} s | {outcome.incidents:,} | {1e6 * build / outcome.incidents:.0f} µs |",
        f"| report: build, CPU time of the Python process (median) "
        f"| {statistics.median(outcome.build_cpu_s):.1f} s | | |",
        f"| report: build + JSON | {build + outcome.json_s:.1f} s | | |",
        f"| report: build + HTML with charts | **{html_total:.1f} s** | | |",
        f"| naive, per-incident queries (timed on {outcome.naive_sample:,} incidents: "
        f"{outcome.naive_s:.1f} s) | ≈ {naive_all:.0f} s scaled | {outcome.incidents:,} | "
        f"{1e6 * outcome.naive_s / outcome.naive_sample:.0f} µs |",
    ]
    notes = [
        f"Ratio, naive / report build: **{naive_all / build:.0f}×**. The target is a report "
        f"over 1,000,000 events in at most {TARGET_S:.0f} s: this run {verdict} it "
        f"({html_total:.1f} s for the HTML, charts included).",
        f"Check: the naive approach and the report agree on the first report and every stage "
        f"time of {outcome.agree} of the {outcome.naive_sample} sampled incidents. Peak memory "
        f"of the whole run (generator included): {outcome.peak_rss_mb:.0f} MB.",
        "Why: the report reads the events it needs in one ordered, streamed scan, with the "
        "database extracting the one field each frequent kind needs, and keeps only each "
        "incident's running state. The naive way pays three queries per incident, and two of "
        "them (a report's events, a message's events) find their rows by subject, which the "
        "schema does not index, as `alerts.correlation.timeline.incident_timeline` does too: each "
        "such query reads the table. The machine is shared, so absolute times vary by tens "
        "of percent between runs; the ratio moves less.",
    ]
    parts = [
        SECTION,
        wrap(intro),
        "\n".join(wrap(f"- {c}", indent="  ") for c in conditions),
        "\n".join(rows),
        *(wrap(n) for n in notes),
    ]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    # Stopped, it still drops its schema: SystemExit runs the clean-up.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    parser = argparse.ArgumentParser(prog="python -m bench.report")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=200, help="incidents for the baseline")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1/test")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    args = parser.parse_args(argv)
    outcome = measure(args.events, args.sample, args.database_url)
    engine = make_engine(args.database_url)
    with engine.connect() as connection:
        postgres = connection.execute(text("SHOW server_version")).scalar()
    engine.dispose()
    content = section(outcome, datetime.now(UTC), f"{describe_machine()}, PostgreSQL {postgres}")
    print(content)
    if not args.no_doc:
        write_section(DOC, SECTION, content)
        print(f"wrote the {SECTION!r} section of {DOC}", file=sys.stderr)
    build = statistics.median(outcome.build_s)
    met = build + outcome.html_s <= TARGET_S and outcome.agree == outcome.naive_sample
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
