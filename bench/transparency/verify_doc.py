"""The results of bench.log_verify: the "Log verification" section of docs/benchmarks.md
and its chart, docs/img/log-verify.svg."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alerts.audit.log_verify import BATCH, WORKERS
from bench.harness.doc import ROOT, wrap
from bench.transparency import charts
from bench.transparency.million import SEED, Loaded, Proofs, Sealed
from bench.transparency.profiles import Part

SECTION = "## Log verification"
CHART = ROOT / "docs" / "img" / "log-verify.svg"
GOAL_S = 30.0


@dataclass(frozen=True)
class Timed:
    seconds: float
    cpu_s: float  # this process's CPU time and its workers' (PostgreSQL's not counted)
    checked: int  # leaves rebuilt, or chained events that held
    finding: str | None
    load: float  # the host's 1-minute load average when it began


@dataclass(frozen=True)
class Outcome:
    loaded: Loaded
    sealed: Sealed
    verify: Timed
    alone: Timed  # verify_log in one process (workers=1)
    cli: Timed  # `alerts audit verify`, a process of its own (its CPU: with its workers)
    chain: Timed
    proofs: Proofs
    hot: list[Part]
    profiled: int  # leaves the profile covered
    load: tuple[float, float]  # 1-minute load average before and after the verifications

    @property
    def ok(self) -> bool:
        n = self.loaded.events
        intact = self.verify.finding is None and self.chain.finding is None
        alike = (self.alone.checked, self.alone.finding) == (self.verify.checked, None)
        complete = self.verify.checked == self.sealed.leaves == n == self.chain.checked
        intact = intact and alike
        return intact and complete and self.cli.checked == n and self.cli.seconds <= GOAL_S


def table(outcome: Outcome) -> str:
    n = outcome.loaded.events
    verify, chain, sealed = outcome.verify, outcome.chain, outcome.sealed
    timed = [
        ("`alerts audit verify` (the CLI, a fresh process)", outcome.cli),
        (f"`verify_log`, what it runs: {WORKERS} worker processes", verify),
        ("`verify_log`, one process (`workers=1`)", outcome.alone),
        ("baseline: the old chain audit (`audit_chain`)", chain),
    ]
    other = [
        (f"sealing: `seal` in {sealed.batches} batches", sealed.seconds),
        ("loading: generating the events and their chain hashes", outcome.loaded.generate_s),
        ("loading: COPY of both tables", outcome.loaded.copy_s),
    ]
    lines = [
        f"| Step, {n:,} events | wall time | per event | CPU, workers' included | "
        "1-min load at its start |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, step in timed:
        lines.append(
            f"| {name} | {step.seconds:.1f} s | {step.seconds / n * 1e6:.0f} µs | "
            f"{step.cpu_s:.1f} s | {step.load:.1f} |"
        )
    for name, seconds in other:
        lines.append(f"| {name} | {seconds:.1f} s | {seconds / n * 1e6:.0f} µs | | |")
    return "\n".join(lines)


def proof_lines(outcome: Outcome) -> str:
    p = outcome.proofs
    return "\n".join(
        [
            "| Proof, as `alerts audit prove` makes and checks it | hashes | time |",
            "|---|---:|---:|",
            f"| inclusion of a random leaf at size {p.consistency_second:,} "
            f"(median of {p.sampled}; longest {p.inclusion_max_hashes} hashes) | "
            f"{p.inclusion_hashes} | {p.inclusion_s * 1e3:.1f} ms |",
            f"| `--incident {p.incident_ref}`: {p.incident_proofs} events, one proof each | "
            f"{p.incident_hashes} in all | {p.incident_s * 1e3:.0f} ms |",
            f"| consistency of the first head ({p.consistency_first:,}) with the last "
            f"({p.consistency_second:,}) | {p.consistency_hashes} | "
            f"{p.consistency_s * 1e3:.1f} ms |",
        ]
    )


def verdict(outcome: Outcome) -> str:
    verify, chain = outcome.verify, outcome.chain
    met = "meets" if outcome.cli.seconds <= GOAL_S else "misses"
    held = "intact" if verify.finding is None else verify.finding
    chain_held = "intact" if chain.finding is None else chain.finding
    return (
        f"Ratio, log verify / old chain audit: **{verify.seconds / chain.seconds:.2f}×** "
        f"({verify.seconds:.1f} s against {chain.seconds:.1f} s over the same events). The goal "
        f"is `alerts audit verify` over 1,000,000 events within {GOAL_S:.0f} s: this run "
        f"{met} it ({outcome.cli.seconds:.1f} s, start-up included). Both found what they should: "
        f"the log {held}, {verify.checked:,} leaves rebuilt and every signed head holding; the "
        f"chain {chain_held}, {chain.checked:,} events."
    )


def profile_lines(outcome: Outcome) -> str:
    lines = [
        f"| One process over the first {outcome.profiled:,} leaves (cProfile; a part includes "
        "what it calls) | share | µs per leaf |",
        "|---|---:|---:|",
    ]
    for part in outcome.hot:
        lines.append(f"| {part.name} | {part.share:.0%} | {part.per_item_us:.1f} |")
    return "\n".join(lines)


def notes(outcome: Outcome) -> list[str]:
    n = outcome.loaded.events
    verify, alone = outcome.verify, outcome.alone
    sealed = outcome.sealed
    return [
        f"Workers: each leaf is rebuilt from its own event, independently of the others, so "
        f"on PostgreSQL `verify_log` hands ranges of {BATCH:,} leaves to "
        f"{WORKERS} worker processes, each over its own connection, and runs the audit over "
        f"their results in index order ([`alerts/audit/log_verify.py`]"
        f"(../alerts/audit/log_verify.py)). Against one process in this run: "
        f"**{alone.seconds / verify.seconds:.2f}×** faster ({verify.seconds:.1f} s against "
        f"{alone.seconds:.1f} s), for {verify.cpu_s / alone.cpu_s:.2f}× the CPU (the workers' "
        "start-up and the rows passed between processes). Both found the same.",
        f"Sealing took {1e6 * sealed.seconds / n:.0f} µs an event in batches of "
        f"{sealed.leaves // max(1, sealed.batches):,}: a backlog of a million (a sequencer "
        f"stopped for days, or a migration) takes {sealed.seconds / 60:.1f} minutes to catch up; "
        "the writers' own commits never wait for it.",
        "The machine is shared with other work, so absolute times vary by tens of percent "
        "between runs, and between steps of one run (the load column: other engineers' test "
        "suites come and go); the CLI does what `verify_log` does, plus about a second of "
        "start-up. On 2 cores the workers help only as much as the other work leaves free.",
    ]


def section(outcome: Outcome, when: datetime, machine: str, code: str) -> str:
    intro = (
        "The evaluator's full check of the transparency log over a million events, measured by "
        "[`bench/log_verify.py`](../bench/log_verify.py) against the hash-chain audit it "
        "replaced ([`bench/transparency/chained.py`](../bench/transparency/chained.py)) over "
        "the same events in the same run. Reproduce with `.venv/bin/python -m bench.log_verify`."
    )
    sealed = outcome.sealed
    conditions = [
        f"Date: {when:%Y-%m-%d %H:%M} UTC. Code: {code}.",
        f"Machine: {machine}; PostgreSQL on the same host; shared with other work: the "
        f"1-minute load average was {outcome.load[0]:.1f} before the verifications and "
        f"{outcome.load[1]:.1f} after, on {os.cpu_count()} cores.",
        f"Data: {outcome.loaded.events:,} events for {outcome.loaded.incidents:,} incidents, a "
        f"seeded ({SEED}) year of one busy mission as the pipeline writes it "
        "([`bench/reporting/timeline.py`](../bench/reporting/timeline.py)); loaded by COPY "
        "into `events` and, with their chain hashes, into `chained_events`.",
        f"Sealing: the sequencer's `seal`, {sealed.leaves // max(1, sealed.batches):,} events "
        f"a call, one signed head each (median {statistics.median(sealed.batch_s):.1f} s a "
        "batch). Both verifiers read their table in batches of 5,000 rows.",
    ]
    parts = [
        SECTION,
        wrap(intro),
        "\n".join(wrap(f"- {item}", indent="  ") for item in conditions),
        table(outcome),
        wrap(verdict(outcome)),
        f"![Verifying a million events: the log against the old chain, and sealing them]"
        f"(img/{CHART.name})",
        *(wrap(note) for note in notes(outcome)),
        proof_lines(outcome),
        profile_lines(outcome),
    ]
    return "\n\n".join(parts) + "\n"


def chart(outcome: Outcome, path: Path) -> None:
    rows = [
        ("alerts audit verify (CLI)", outcome.cli.seconds, False),
        (f"verify_log, {WORKERS} workers", outcome.verify.seconds, False),
        ("verify_log, one process", outcome.alone.seconds, False),
        ("old chain audit", outcome.chain.seconds, True),
        ("sealing (sequencer)", outcome.sealed.seconds, False),
    ]
    label = f"seconds for {outcome.loaded.events:,} events"
    charts.bars_chart(rows, GOAL_S, label, path)
