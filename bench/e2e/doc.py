"""The results: on the terminal, and as the "End to end" section of docs/benchmarks.md
with its chart, docs/img/e2e-latency.svg."""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bench.e2e.collect import Integrity, Path
from bench.e2e.drive import Results
from bench.e2e.network import Shape
from bench.e2e.stack import CpuWindow
from bench.e2e.stats import Spread, complete, percentile, share_within, stage_spreads
from bench.harness import servers

SECTION = "## End to end"
DOC = servers.ROOT / "docs" / "benchmarks.md"
CHART = servers.ROOT / "docs" / "img" / "e2e-latency.svg"
GOAL_S = 1.0


@dataclass
class Outcome:
    args: dict[str, Any]
    shape: Shape
    start: float  # wall clock of the first alert's due time
    posted: Results
    paths: list[Path]
    integrity: Integrity
    cpu: CpuWindow
    drain: tuple[float, int, int]  # seconds waited, alerts unhandled, tasking SMS unsent
    waits: tuple[float, float, float]  # WaitSampler.summary()
    backlog: list[tuple[float, int]]
    releases: int  # tasking SMS the QRFs saw (warm-up included)
    ended: float = 0.0  # wall clock when the drain stopped
    trouble: dict[str, int] = field(default_factory=dict)  # lines of trouble per log

    @cached_property
    def tasked(self) -> list[dict[str, float]]:
        """The points of every alert that led to a tasking SMS accepted by the sandbox."""
        found = []
        for p in self.paths:
            posted = self.posted.alerts.get(p.sid)
            times = {
                "posted": posted.sent if posted else None,
                "enqueued": p.process[0],
                "started": p.process[1],
                "tasked": p.tasking_created,
                "handed": p.send[0],
                "sending": p.send[1],
                "accepted": p.accepted,
            }
            points = complete(times)
            if points is not None:
                found.append(points)
        return found

    @cached_property
    def unfinished(self) -> list[float]:
        """Seconds waited so far, when the drain stopped, by each new attack whose alert was
        not processed yet, or whose tasking SMS the sandbox had not accepted yet."""
        waited = []
        for p in self.paths:
            posted = self.posted.alerts.get(p.sid)
            pending = p.handled_as is None or (p.tasking_created is not None and not p.accepted)
            if posted is not None and p.kind == "new" and pending:
                waited.append(self.ended - posted.sent)
        return waited

    def p99_at_least(self) -> float:
        """p99 of end to end counting the unfinished as their wait so far: a lower bound."""
        done = [p["accepted"] - p["posted"] for p in self.tasked]
        return percentile(done + self.unfinished, 0.99)

    @cached_property
    def e2e(self) -> Spread:
        return dict(stage_spreads(self.tasked))["end to end"]

    def rates(self) -> tuple[float, float, float]:
        """Alerts answered, processed and tasking SMS accepted per second of the load."""
        seconds = float(self.args["duration"])
        answered = [p.answered for p in self.posted.alerts.values() if 200 <= p.status < 300]
        ended = [p.process[2] for p in self.paths if p.process[2] is not None]
        accepted = [p.accepted for p in self.paths if p.accepted is not None]

        def rate(moments: list[float]) -> float:
            return len(moments) / max(seconds, max(moments, default=0) - self.start)

        return rate(answered), rate(ended), rate(accepted)


def ms(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value * 1000:,.0f}"


def stage_table(outcome: Outcome) -> str:
    rows = [
        "| Stage (alerts that led to a tasking) | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) "
        "| mean (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, s in stage_spreads(outcome.tasked):
        bold = "**" if name == "end to end" else ""
        rows.append(
            f"| {bold}{name}{bold} | {bold}{ms(s.p50)}{bold} | {ms(s.p95)} | {bold}{ms(s.p99)}"
            f"{bold} | {ms(s.largest)} | {ms(s.mean)} |"
        )
    return "\n".join(rows)


def counts_line(outcome: Outcome) -> str:
    posted = outcome.posted.alerts.values()
    statuses = Counter(p.status for p in posted)
    errors = sum(n for status, n in statuses.items() if not 200 <= status < 300)
    kinds = Counter(p.kind for p in outcome.paths)
    handled = outcome.integrity.handled
    answered, processed, accepted = outcome.rates()
    return (
        f"Alerts: {len(posted)} posted ({kinds['new']} new attacks, {kinds['second']} second "
        f"reports, {kinds['resend']} resends among those stored), {errors} webhook errors"
        f"{f' {dict(statuses)}' if errors else ''}; handled as {dict(handled)}. "
        f"{len(outcome.tasked)} led to a tasking SMS the sandbox accepted: the end-to-end "
        f"figures are theirs. Throughput over the load: {answered:.1f} webhooks answered/s, "
        f"{processed:.1f} alerts processed/s, {accepted:.1f} tasking SMS accepted/s. "
        f"{outcome.integrity.incidents} incidents opened and {outcome.integrity.taskings} "
        f"taskings created from the start of the load."
        + (
            f" {len(outcome.unfinished)} new attacks were still unprocessed or their order "
            f"unsent when the drain stopped; counting them at their wait so far, the p99 end "
            f"to end of all new attacks is at least {outcome.p99_at_least():.1f} s."
            if outcome.unfinished
            else ""
        )
    )


def integrity_line(outcome: Outcome) -> str:
    i, (waited, unhandled, unsent) = outcome.integrity, outcome.drain
    verdict = "as expected" if i.ok and not unhandled and not unsent else "**MISMATCH**"
    return (
        f"Loss check ({verdict}): {i.stored} of the {i.answered} alerts answered 2xx stored; "
        f"{unhandled} left unhandled and {unsent} tasking SMS unsent {waited:.0f} s after the "
        f"load; at most {i.reports_per_message_max} report per message; {i.sms_twice} tasking "
        f"SMS accepted twice by the sandbox; {i.failed_jobs} RQ jobs in the failed registry."
    )


def cpu_table(cpu: CpuWindow) -> str:
    def cores(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    names = [*cpu.parts, "load generator", "rest (PostgreSQL, other work)"]
    values = [*cpu.parts.values(), cpu.generator, cpu.rest]
    header = "| host | " + " | ".join(names) + " |"
    return "\n".join(
        [
            header,
            "|" + "---:|" * (len(names) + 1),
            f"| {cores(cpu.host)} | " + " | ".join(cores(v) for v in values) + " |",
        ]
    )


def terminal(outcome: Outcome) -> str:
    lines = [stage_table(outcome), counts_line(outcome), integrity_line(outcome),
             "CPU cores busy during the load:", cpu_table(outcome.cpu)]  # fmt: skip
    waiting, active, share = outcome.waits
    lines.append(
        f"DB sessions: {waiting:.2f} waiting on a lock, {active:.2f} active on average; "
        f"a waiter in {share:.0%} of samples. Largest RQ backlog "
        f"{max((n for _, n in outcome.backlog), default=0)} jobs."
    )
    if any(outcome.trouble.values()):
        lines.append(f"Lines of trouble in the logs: {outcome.trouble}")
    return "\n\n".join(lines)


def within_goal(outcome: Outcome) -> float:
    return share_within([p["accepted"] - p["posted"] for p in outcome.tasked], GOAL_S)


def cpu_count() -> int:
    return os.cpu_count() or 1
