"""The results of bench.log_appends: the "Event appends" section of docs/benchmarks.md
and its chart, docs/img/log-appends.svg."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.harness.doc import ROOT, wrap
from bench.transparency import charts
from bench.transparency.profiles import Profile
from bench.transparency.rounds import Round, nearest_rank
from bench.transparency.writers import SEALING_INTERVAL_S, payload

SECTION = "## Event appends"
CHART = ROOT / "docs" / "img" / "log-appends.svg"
GOAL_RATE = 2000.0  # appends/s with 8 writers
GOAL_LAG_P99_S = 1.0


@dataclass(frozen=True)
class Checks:
    log_leaves: int
    log_heads: int
    log_events: int
    log_finding: str | None
    chain_checked: int
    chain_rows: int
    chain_finding: str | None

    @property
    def ok(self) -> bool:
        log = self.log_finding is None and self.log_leaves == self.log_events
        return log and self.chain_finding is None and self.chain_checked == self.chain_rows


@dataclass(frozen=True)
class Outcome:
    chain: Round
    log: Round
    checks: Checks
    writers: int
    duration_s: float
    load: tuple[float, float]  # 1-minute load average before and after both rounds
    append_profile: Profile
    seal_profile: Profile

    def lag(self, fraction: float) -> float:
        return nearest_rank(self.log.lags_s, fraction)

    @property
    def met(self) -> bool:
        return self.log.rate >= GOAL_RATE and self.lag(0.99) <= GOAL_LAG_P99_S

    @property
    def ok(self) -> bool:
        return self.met and self.checks.ok and self.log.unsealed == 0


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def rate_table(outcome: Outcome) -> str:
    rows = [
        "| Timeline | appends/s | events | CPU cores: writers | sequencer | their PostgreSQL "
        "backends | host busy | sessions waiting on a lock (mean) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in (("old: locked hash chain", outcome.chain), ("new: log", outcome.log)):
        sequencer = f"{r.sequencer_cores:.2f}" if r.batches else "–"
        rows.append(
            f"| {name} | {r.rate:,.0f} | {r.commits:,} | {r.writer_cores:.2f} | {sequencer} | "
            f"{r.postgres_cores:.2f} | {_share(r.host_busy)} | {r.lock[0]:.1f} |"
        )
    return "\n".join(rows)


def lag_table(outcome: Outcome) -> str:
    log = outcome.log
    batches = log.batches
    per_head = sum(b.sealed for b in batches) / len(batches) if batches else 0.0
    durations = [b.ended - b.began for b in batches]
    mean = sum(durations) / len(durations) if durations else 0.0
    return "\n".join(
        [
            "| Sealing lag, commit → in a signed head | p50 | p99 | max | heads signed | "
            "events per head (mean) | `seal` call: mean | max |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            f"| new: log, {len(log.lags_s):,} events | {outcome.lag(0.5):.2f} s | "
            f"**{outcome.lag(0.99):.2f} s** | {max(log.lags_s, default=float('nan')):.2f} s | "
            f"{len(batches):,} | {per_head:,.0f} | {mean * 1000:.0f} ms | "
            f"{max(durations, default=0.0) * 1000:.0f} ms |",
        ]
    )


def profile_table(title: str, profile: Profile, unit: str) -> str:
    lines = [
        f"| {title}: {profile.cpu_per_item_us:,.0f} µs of CPU per {unit} unprofiled; "
        f"cProfile over {profile.items:,} | share | µs per {unit} |",
        "|---|---:|---:|",
    ]
    lines += [f"| {p.name} | {p.share:.0%} | {p.per_item_us:,.0f} |" for p in profile.parts]
    return "\n".join(lines)


def verdicts(outcome: Outcome) -> list[str]:
    chain, log = outcome.chain, outcome.log
    rate = "meets" if log.rate >= GOAL_RATE else "misses"
    lag = "meets" if outcome.lag(0.99) <= GOAL_LAG_P99_S else "misses"
    checks = outcome.checks
    check = (
        f"Checks after the run: `verify_log` rebuilt {checks.log_leaves:,} leaves from the "
        f"{checks.log_events:,} events (warm-up included) and {checks.log_heads:,} signed heads "
        f"held ({'intact' if checks.log_finding is None else checks.log_finding}); the chain "
        f"audit held for {checks.chain_checked:,} of {checks.chain_rows:,} chained events "
        f"({'intact' if checks.chain_finding is None else checks.chain_finding})."
    )
    if log.unsealed:
        check += f" {log.unsealed} events were not sealed within a minute of the last commit."
    return [
        f"Ratio, log / chain: **{log.rate / chain.rate:.1f}×** the appends per second. Goals: at "
        f"least {GOAL_RATE:,.0f} appends/s with {outcome.writers} writers, which the log "
        f"{rate} ({log.rate:,.0f}/s); a sealing lag p99 of at most {GOAL_LAG_P99_S:.0f} s, "
        f"which it {lag} ({outcome.lag(0.99):.2f} s).",
        check,
    ]


def interpretation(outcome: Outcome) -> list[str]:
    chain, log = outcome.chain, outcome.log
    cores = os.cpu_count() or 1
    notes = [
        f"The chain's writers queued on its one lock: {chain.lock[0]:.1f} of {outcome.writers} "
        f"sessions waited on it on average, at least one in {chain.lock[2]:.0%} of the samples; "
        "each holder reads the head, inserts and commits, its WAL flush included, while the "
        f"others wait. The log's writers take no lock ({log.lock[0]:.1f} waiting on average): "
        "they commit side by side, and PostgreSQL flushes their commits to the WAL together.",
    ]
    if log.host_busy is not None:
        ours = log.writer_cores + log.sequencer_cores + log.postgres_cores
        other = max(0.0, log.host_busy * cores - ours)
        limit = "the CPU sets the log's pace" if log.host_busy >= 0.85 else "the CPU was not full"
        notes.append(
            f"During the log's round the host's {cores} cores were {log.host_busy:.0%} busy: "
            f"{log.writer_cores:.2f} cores in the writers, {log.sequencer_cores:.2f} in the "
            f"sequencer, {log.postgres_cores:.2f} in the PostgreSQL backends serving them and "
            f"{other:.2f} in other work (PostgreSQL's own background processes, and whatever "
            f"else ran on the host), so {limit}. Per append that is "
            f"{1e3 * log.writer_cores / log.rate:.2f} ms of writer CPU and "
            f"{1e3 * log.postgres_cores / log.rate:.2f} ms of its backend's."
        )
    return notes


def profile_notes(outcome: Outcome) -> list[str]:
    log, seal, append = outcome.log, outcome.seal_profile, outcome.append_profile
    _, flush, driver, commit, checkout, canonical = (p.share for p in append.parts)
    needed = log.rate * seal.cpu_per_item_us / 1e6
    keeps = "keeps up" if needed < log.sequencer_cores else "cannot keep up"
    cores = os.cpu_count() or 1
    ours = log.writer_cores + log.sequencer_cores + log.postgres_cores
    total_ms = ours / log.rate * 1e3
    notes = [
        f"What an append costs: {append.cpu_per_item_us:,.0f} µs of one writer's CPU, "
        "unprofiled, alone. The profile puts "
        f"{flush:.0%} of it in SQLAlchemy's flush of the one row (psycopg's part "
        f"{driver:.0%}), {commit:.0%} in the commit and {checkout:.0%} in the pool's checkout "
        f"with its pre-ping, a round trip more per transaction; the log's own work, the "
        f"canonical-JSON check, is {canonical:.0%}. The chain paid all of that too, plus its "
        "head read and hash, under its lock: what the log removed is the lock, not the cost "
        "of a transaction.",
        f"The sequencer needs {seal.cpu_per_item_us:,.0f} µs of CPU per event it seals (the "
        "ORM's flush of leaves and nodes and the RFC 8785 leaves are most of it), so at the "
        f"log's {log.rate:,.0f} appends/s it needs {needed:.2f} of a core; during the round "
        f"it got {log.sequencer_cores:.2f} ({keeps}). It is one process among "
        f"{outcome.writers} writers and their PostgreSQL backends: on a saturated host its "
        "share of the CPU bounds the lag, and so does any writing transaction elsewhere in "
        "the cluster, whatever its database: the sequencer seals nothing it could precede. "
        f"The oldest such transaction seen during the round (sampled every 200 ms, until every "
        f"event was sealed) was {log.foreign_writer_s:.1f} s old.",
    ]
    if log.rate < GOAL_RATE:
        notes.insert(
            1,
            f"So the goal is out of reach on this host for the write path as it is: each "
            f"append took {total_ms:.2f} ms of CPU (writer, sequencer and their PostgreSQL "
            f"backends), so {cores} cores carry at most about {1e3 * cores / total_ms:,.0f} "
            f"appends/s even with nothing else running; {GOAL_RATE:,.0f}/s needs at most "
            f"{1e3 * cores / GOAL_RATE:.2f} ms an append here, or more cores: no writer waits "
            "for another, so the log's rate grows with them.",
        )
    return notes


def section(outcome: Outcome, when: datetime, machine: str, code: str) -> str:
    intro = (
        "Appending events from concurrent writers, measured by "
        "[`bench/log_appends.py`](../bench/log_appends.py): the transparency log "
        "(`alerts.timeline.ledger.record`, sealed by the sequencer) against the hash chain "
        "it replaced, re-created in "
        "[`bench/transparency/chained.py`](../bench/transparency/chained.py), in the same run. "
        "Reproduce with `.venv/bin/python -m bench.log_appends`."
    )
    size = len(str(payload(0, 0).data()))
    conditions = [
        f"Date: {when:%Y-%m-%d %H:%M} UTC. Code: {code}.",
        f"Machine: {machine}; shared with other work: the 1-minute load average was "
        f"{outcome.load[0]:.1f} before the rounds and {outcome.load[1]:.1f} after, on "
        f"{os.cpu_count()} cores. Writers, sequencer and PostgreSQL all run on them.",
        f"Load: {outcome.writers} writer processes (spawned: one interpreter and one "
        f"connection each), each committing one `message.received` event (about {size} "
        f"bytes of data) per `write_transaction` for {outcome.duration_s:.0f} s, after 20 "
        "untimed appends each; first the chain, then the log, each into its own table of "
        "one fresh schema.",
        f"Sequencer (log only): a process calling `seal_all` every {SEALING_INTERVAL_S} s, as "
        "the scheduler's sealing thread does, during the round and after it until every "
        "event was sealed. An event's sealing lag runs from its writer's commit returning to "
        "the commit of the first signed head that covers it, as the sequencer saw it.",
    ]
    parts = [
        SECTION,
        wrap(intro),
        "\n".join(wrap(f"- {item}", indent="  ") for item in conditions),
        rate_table(outcome),
        lag_table(outcome),
        *(wrap(v) for v in verdicts(outcome)),
        f"![Appends per second, old chain and new log, and the log's sealing lags]"
        f"(img/{CHART.name})",
        *(wrap(note) for note in interpretation(outcome)),
        profile_table("One writer's append", outcome.append_profile, "append"),
        profile_table("The sequencer's `seal_all`", outcome.seal_profile, "event"),
        *(wrap(note) for note in profile_notes(outcome)),
    ]
    return "\n\n".join(parts) + "\n"


def chart(outcome: Outcome, path: Path) -> None:
    charts.appends_chart(
        {
            "old: locked hash chain": outcome.chain.per_second(),
            "new: log": outcome.log.per_second(),
        },
        outcome.log.lag_by_second(),
        GOAL_RATE,
        GOAL_LAG_P99_S,
        path,
    )
