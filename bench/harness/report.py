"""The results: on the terminal, and as the "Intake webhook" section of docs/benchmarks.md."""

from __future__ import annotations

import math
import os
import platform
import subprocess
import textwrap
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from redis import Redis
from sqlalchemy import Engine, text

from bench.harness.checks import Checks
from bench.harness.load import Result

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## Intake webhook"
INTRO = (  # the top of a new docs/benchmarks.md
    "Speed goals are measured here, by the scripts under `bench/`, never by "
    "timed assertions in tests. Each benchmark runs its baseline in the same run on the same "
    "machine and reports the ratio to it: absolute numbers change with the host and with "
    "whatever else it is doing, the ratio much less. Each section below is rewritten by its "
    "script; edit the script, not the numbers."
)
# The top of a new docs/benchmarks.md, should this benchmark be the first to write it.
HEADER_TEMPLATE = "# Benchmarks\n\n{intro}\n"


@dataclass(frozen=True)
class Outcome:
    """Everything one run measured."""

    noop: Result
    app: Result
    lock: tuple[float, float, float]  # LockSampler.summary() during the app's run
    checks: Checks


def describe_machine(engine: Engine, redis_url: str) -> str:
    with engine.connect() as connection:
        postgres = connection.execute(text("SHOW server_version")).scalar()
    with Redis.from_url(redis_url) as redis:
        redis_version = redis.info("server")["redis_version"]
    cpu = platform.processor() or platform.machine()
    with suppress(OSError, StopIteration):
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"PostgreSQL {postgres}, Redis {redis_version}"
    )


def code_state() -> str:
    """The commit measured, and whether the app's code differed from it."""

    def git(*args: str) -> str:
        command = ["git", "-C", str(ROOT), *args]
        return subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=10
        ).stdout

    try:
        head = git("rev-parse", "--short", "HEAD").strip()
        changed = git("status", "--porcelain", "--", "alerts", "workers", "config").splitlines()
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)"
    if not changed:
        return f"commit {head}"
    return f"commit {head} plus uncommitted changes to {len(changed)} files of the app"


def gunicorn_line(settings: dict[str, str], flags: list[str]) -> str:
    given = f" with `{' '.join(flags)}`" if flags else ""
    return (
        f"`config/gunicorn.conf.py`{given}, resolved by gunicorn (`--print-config`) to "
        f"`{settings.get('worker_class')}`, {settings.get('workers')} workers × "
        f"{settings.get('threads')} threads, timeout {settings.get('timeout')} s, keep-alive "
        f"{settings.get('keepalive')} s, access log "
        + ("off" if settings.get("accesslog") in (None, "None") else "on")
    )


def cores(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def table(results: list[Result]) -> str:
    rows = [
        "| App | req/s (2xx) | p50 (ms) | p99 (ms) | errors | CPU cores busy: host "
        "| gunicorn | load generator | rest |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows.append(
            f"| {r.label} | {r.throughput:.1f} | {r.percentile_ms(0.50):.1f} "
            f"| {r.percentile_ms(0.99):.1f} | {r.errors} | {cores(r.host_cores)} "
            f"| {cores(r.server_cores)} | {cores(r.client_cores)} | {cores(r.other_cores)} |"
        )
    return "\n".join(rows)


def ratios(outcome: Outcome) -> str:
    app, noop = outcome.app, outcome.noop
    return (
        f"Ratios, app / no-op: throughput **{app.throughput / noop.throughput:.2f}×**, "
        f"p50 **{app.percentile_ms(0.5) / noop.percentile_ms(0.5):.1f}×**, "
        f"p99 **{app.percentile_ms(0.99) / noop.percentile_ms(0.99):.1f}×**."
    )


def print_results(outcome: Outcome) -> None:
    print("\n" + table([outcome.noop, outcome.app]) + "\n")
    print(ratios(outcome), outcome.checks.summary(), lock_line(outcome), sep="\n")


def lock_line(outcome: Outcome) -> str:
    waiting, active, queued = outcome.lock
    return (
        f"Advisory locks (dispatch, correlation; pg_stat_activity every 100 ms in the app's run): "
        f"on average "
        f"{waiting:.1f} of the app's database sessions waiting on one and {active:.1f} running a "
        f"statement; at least one waiting in {queued:.0%} of the samples."
    )


def cpu_ms(result: Result) -> float:
    """CPU time gunicorn (master and workers) spent per answered webhook."""
    return 1000 * result.server_cores / result.throughput if result.throughput else math.nan


# What profiling the request showed, and what was cut (issue 12). Not measured by this run:
# cProfile (CPU time) of the app in-process against PostgreSQL and Redis, and py-spy on the
# gunicorn workers during this benchmark.
PROFILE = (
    "Where the time went (profiled on 2026-12-03, before and after issue 12): a webhook cost 5.4 "
    "ms of CPU in-process: 8 SQL statements (besides the pool's ping, BEGIN and COMMIT) in 2 "
    "transactions, a savepoint more for a new stranger, and 3 Redis round trips. By share of its "
    "CPU: the intake transaction 63% (ORM flushes and the objects behind them most of it; sender "
    "lookup and registration 14%, the event inserts 17%, the read for an unused reference 6%), "
    "the outbox hand-over 29% (RQ's enqueue 13%, the second transaction marking the row relayed "
    "16%), the live-console publish 3%, the signature check 5%. Cut: Core inserts with RETURNING "
    "built once, `ON CONFLICT DO NOTHING` standing in for the reads before the insert (the sid's "
    "duplicate check, the reference's and the pseudonym's uniqueness, the savepoint), a four-"
    "column blind-index read of the sender instead of an ORM object, RQ's two round trips in one "
    "pipeline, and the relayed mark batched by a thread. What is left, per webhook, about 2.5 ms "
    "of CPU in-process and 4.3 statements: SQLAlchemy and psycopg around five round trips (the "
    "pool's pre-ping, the sender, message, outbox and event, plus commit) about half, RQ building"
    " and packing its job a fifth, the rest Flask's form parsing, the signature, the TwiML and "
    "the console publish. Gunicorn's workers and threads made no measurable difference (2×4, "
    "2×16, 4×4 and 4×16 all within the noise), so the config is unchanged. Under gunicorn the "
    "gain shows less than in-process: on 2026-12-03 runs of this code on this shared host gave "
    "0.07× to 0.12× (203 to 367 webhooks/s, other sessions' tests often on the same two cores) "
    "against 0.08× before, at 3.0 to 4.6 ms of gunicorn CPU per webhook against 5.4 before; so "
    "the 2.5 ms in-process is not yet what a worker pays, and the difference (64 threads in 4 "
    "processes contending for 2 cores and their GILs) is the next thing to profile. Reaching half"
    " the no-op's rate would take the app to about 0.8 ms of CPU, twice the no-op's own: not "
    "within reach of SQLAlchemy, psycopg, RQ and the twilio library in one Python process per "
    "core."
)


def interpretation(outcome: Outcome) -> list[str]:
    """A few sentences that follow from this run's numbers."""
    app, noop = outcome.app, outcome.noop
    waiting, _, queued = outcome.lock
    total = os.cpu_count() or 1
    busy = (app.host_cores or 0.0) / total
    notes = [
        "The no-op measures what HTTP, gunicorn and Flask cost on this host, with the load "
        f"generator on the same cores (it used {noop.client_cores:.1f} of them against the "
        "no-op). So the ratios are the app's own per-request work against that floor, on this "
        f"host: gunicorn spent {cpu_ms(app):.1f} ms of CPU per webhook for the app, "
        f"{cpu_ms(noop):.1f} ms for the no-op. Per webhook the app checks the signature, finds "
        "or registers the sender, stores the message, its outbox row (claimed from birth) and a "
        "ledger event in one transaction (Core inserts with RETURNING, no lock, no read before "
        "the insert), then enqueues the job in Redis in one round trip; a thread of each worker "
        "marks the rows relayed in batches, off the request path."
    ]
    lock = f"waiters in {queued:.0%} of the samples, {waiting:.1f} on average"
    if busy >= 0.85:
        limit = (
            f"CPU limits the app: the host's {total} cores were {busy:.0%} busy during its run, "
            f"{app.server_cores:.1f} of them in gunicorn and {cores(app.other_cores)} in "
            f"PostgreSQL, Redis and other work; at {cpu_ms(app):.0f} ms per webhook "
            f"they could not carry more than about {1000 * total / cpu_ms(app):.0f} webhooks/s "
            "even with nothing else running."
        )
        if queued >= 0.5:
            limit += (
                f" The advisory locks had {lock}, most likely a consequence of the CPU shortage "
                "rather than its cause: between its statements the holder waits for a CPU and "
                "for its worker's GIL while the others wait on it. `--threads 1` tells the two "
                "apart: if the queue shrinks and throughput holds, the lock is not the limit."
            )
        else:
            limit += f" The advisory locks had {lock}: not the limit."
    elif queued >= 0.5:
        limit = f"The advisory locks set the pace ({lock}) while the CPUs were {busy:.0%} busy."
    else:
        limit = (
            f"Neither the CPUs ({busy:.0%} busy) nor the advisory locks ({lock}) were saturated: "
            "the time goes to waiting between the app, PostgreSQL and Redis."
        )
    notes.append(limit)
    notes.append(PROFILE)
    notes.append(
        "The machine is shared with other work, so these numbers vary between runs, by tens of "
        "percent; compare runs by the ratios, which move less, and treat small changes as noise. "
        f"In this run other work took about {cores(noop.other_cores)} cores while the no-op ran "
        "(it uses neither PostgreSQL nor Redis, so that is all other work)."
    )
    if app.errors or noop.errors:
        notes.append(
            f"Errors: the app answered {app.errors} requests with something other than 2xx "
            f"(statuses {dict(app.statuses)}; 0 is no answer), the no-op {noop.errors}."
        )
    return notes


def wrap(paragraph: str, indent: str = "") -> str:
    """Markdown prose at the repository's line length."""
    return textwrap.fill(
        paragraph, width=100, subsequent_indent=indent, break_long_words=False,
        break_on_hyphens=False,
    )  # fmt: skip


def section(
    when: datetime, machine: str, code: str, gunicorn: str, load: str, outcome: Outcome
) -> str:
    intro = (
        "Twilio inbound webhooks (`POST /sms/twilio`), measured by "
        "[`bench/intake.py`](../bench/intake.py): the real app against a no-op Flask app "
        "([`bench/noop_app.py`](../bench/noop_app.py)) under the same gunicorn settings, in the "
        "same run. Reproduce with `.venv/bin/python -m bench.intake`."
    )
    conditions = [
        f"Date: {when:%Y-%m-%d %H:%M} UTC. Code: {code}.",
        f"Machine: {machine}; shared with other work; the load generator, PostgreSQL and a "
        "private Redis run on it too, all traffic on loopback.",
        f"Gunicorn, both apps: {gunicorn}. App: auto-reply on, log level INFO, a fresh schema "
        "with the example network loaded, no RQ worker running.",
        f"Load: {load}.",
    ]
    paragraphs = [
        SECTION,
        wrap(intro),
        "\n".join(wrap(f"- {item}", indent="  ") for item in conditions),
        table([outcome.noop, outcome.app]),
        wrap(ratios(outcome)),
        wrap(outcome.checks.summary()),
        wrap(lock_line(outcome)),
        *(wrap(note) for note in interpretation(outcome)),
    ]
    return "\n\n".join(paragraphs) + "\n"


HEADER = HEADER_TEMPLATE.format(intro=wrap(INTRO))
