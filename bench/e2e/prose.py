"""The "End to end" section of docs/benchmarks.md: conditions, tables, chart and what
follows from the numbers."""

from __future__ import annotations

import math
import sys
from datetime import datetime

from bench.e2e import chart
from bench.e2e.doc import (
    CHART,
    DOC,
    GOAL_S,
    SECTION,
    Outcome,
    counts_line,
    cpu_count,
    cpu_table,
    integrity_line,
    stage_table,
    within_goal,
)
from bench.e2e.stats import Spread, over_time, per_second, stage_spreads
from bench.harness.doc import write_section
from bench.harness.report import wrap


def write(outcome: Outcome, when: datetime, machine: str, code: str, gunicorn: str) -> None:
    tasked = outcome.tasked
    duration = math.ceil(float(outcome.args["duration"]))
    chart.draw(
        over_time(tasked, outcome.start, 5.0),
        per_second([p["accepted"] for p in tasked], outcome.start, duration + 30),
        [(t - outcome.start, n) for t, n in outcome.backlog],
        float(outcome.args["rate"]),
        GOAL_S,
        CHART,
    )
    write_section(DOC, SECTION, section(outcome, when, machine, code, gunicorn))
    print(f"\nwrote the '{SECTION[3:]}' section of {DOC} and {CHART.name}", file=sys.stderr)


def conditions(outcome: Outcome, when: datetime, machine: str, code: str, gunicorn: str) -> str:
    a, shape = outcome.args, outcome.shape
    pacing = (
        "paced by the provider (`ALERTS_SMS_SEGMENTS_PER_S=0`, as with a Twilio messaging "
        "service: the app's one-number lane of 1 segment/s could never carry 50 orders/s)"
        if not a["sms_per_s"]
        else f"paced by the app at {a['sms_per_s']:g} segments/s"
    )
    items = [
        f"Date: {when:%Y-%m-%d %H:%M} UTC. Code: {code}; the working tree was shared with "
        "other engineers editing the app at the same time.",
        f"Machine: {machine}; shared with other work (other benchmarks were serialised with "
        "`flock`, but not everything else). Everything runs on it: the load generator, "
        "PostgreSQL, a private Redis, the sandbox, all traffic on loopback.",
        f"System: gunicorn {gunicorn}; {a['workers']} RQ workers (`alerts worker "
        "--with-scheduler`, one forked work-horse per job) and the scheduler (`alerts "
        "scheduler`); a database of its own, migrated; log level INFO; tasking SMS "
        f"{pacing}. The sandbox answers for Twilio and sends status callbacks (sent, "
        "delivered) to the app, as Twilio would.",
        f"Mission (generated, `bench/e2e/network.py`): {shape.bases} open bases on a grid "
        f"over North Kivu and Ituri, {shape.qrfs_per_base} ready QRFs each ({shape.qrfs} in "
        f"all, every one a candidate in every routing decision), {shape.villages} villages, "
        f"{shape.focal_points} registered focal points; the default tasking policy "
        "(`config/dispatch.yaml`): attacks, abductions and burnings are tasked at once.",
        f"Load: {a['rate']:g} alerts/s for {a['duration']:g} s, open loop (each posted at "
        f"its time by one of {a['clients']} keep-alive clients, however slow the previous "
        "answers), signed Twilio webhooks from 800 senders (200 of them unregistered): "
        "about 86% distinct attacks with coordinates of their own, 10% a second informant "
        "reporting a recent attack some 30 m away, 4% a sender repeating the same words. "
        f"Each QRF texts `DONE <ref>` {a['release_after']:g} s after the sandbox accepted "
        f"its order ({outcome.releases} orders seen), so it is ready for a later alert: "
        "those replies, their confirmations and every SMS's status callbacks are load on top "
        "of the alerts. After 30 untimed warm-up alerts.",
    ]
    return "\n".join(wrap(f"- {item}", indent="  ") for item in items)


def findings(outcome: Outcome) -> list[str]:
    """What follows from this run's numbers."""
    spreads = stage_spreads(outcome.tasked)
    e2e = dict(spreads)["end to end"]
    stages = spreads[:-1]
    if not outcome.tasked:
        return ["No alert led to a tasking SMS the sandbox accepted: nothing to split."]
    biggest = max(stages, key=lambda row: row[1].mean)
    share = biggest[1].mean / e2e.mean if e2e.mean else math.nan
    verdict = "meets" if e2e.p99 <= GOAL_S else "misses"
    notes = [
        f"The run {verdict} the goal: p99 {e2e.p99:.2f} s against {GOAL_S:g} s; "
        f"{within_goal(outcome):.1%} of the tasked alerts were within it. The largest "
        f"stage on average is “{biggest[0]}” ({biggest[1].mean * 1000:,.0f} ms, "
        f"{share:.0%} of the mean end to end)."
    ]
    notes += capacity(outcome, dict(spreads))
    cpu = outcome.cpu
    if cpu.host is not None:
        busy = cpu.host / cpu_count()
        notes.append(
            f"CPU: the host's {cpu_count()} cores were {busy:.0%} busy during the load. "
            + (
                "That is saturation: every process waited for a core, so each stage's time "
                "includes waiting for the CPU, and queues grew where work arrives faster "
                "than two workers fork and run jobs."
                if busy >= 0.85
                else "Not saturated: the time goes to waiting between the processes."
            )
        )
    waiting, active, share_waiting = outcome.waits
    notes.append(
        f"Database locks: on average {waiting:.2f} of the system's sessions waited on a lock "
        f"and {active:.2f} ran a statement (sampled every 250 ms during the load and the "
        f"drain); at least one waited in {share_waiting:.0%} of the samples."
    )
    notes.append(
        "Caveats: one run on a 2-core machine shared with other work, with the load "
        "generator, PostgreSQL and the sandbox on the same cores as the system; the sandbox "
        "accepts an SMS in about a millisecond where Twilio takes one or two hundred, and "
        "sends its status callbacks to the same cores. Compare runs by the stage split, "
        "which moves less than the absolute numbers."
    )
    return notes


def capacity(outcome: Outcome, spreads: dict[str, Spread]) -> list[str]:
    """Whether the workers kept up, and what a backlog did to orders and units."""
    _, processed, _ = outcome.rates()
    rate = float(outcome.args["rate"])
    workers = sum(v for k, v in outcome.cpu.parts.items() if k.startswith("worker"))
    notes = [
        f"Capacity: the {outcome.args['workers']} workers processed {processed:.1f} alerts/s "
        f"against {rate:g} posted, at about {1000 * workers / processed:,.0f} ms of worker CPU "
        "per alert (its job, the forks, the orders' send jobs and the QRFs' replies); RQ's "
        f"queue held up to {max((n for _, n in outcome.backlog), default=0):,} jobs."
        if processed
        else "Capacity: no alert was processed."
    ]
    if spreads["SMS job's queue wait"].p50 > 1.0:
        notes.append(
            "Orders wait behind alerts: the tasking SMS's send_sms job goes to the back of the "
            "one RQ queue that also holds every alert's process_message job, so once alerts "
            "queue up, each order waits for the whole backlog posted before it."
        )
    found = outcome.integrity
    if found.incidents and found.taskings < 0.8 * found.incidents:
        notes.append(
            f"Units ran out: {found.incidents} incidents opened but {found.taskings} taskings "
            "created. The QRFs' `DONE` replies are processed by the same queue, behind the "
            "backlog, so units were not released in time and later incidents went to triage "
            "with no unit ready."
        )
    return notes


def section(outcome: Outcome, when: datetime, machine: str, code: str, gunicorn: str) -> str:
    intro = (
        "An alert SMS in, the tasking SMS to the QRF accepted by the sandbox out: the whole "
        "system under a sustained load, measured by [`bench/e2e/`](../bench/e2e/__main__.py). "
        "Goal (issue 12): at 50 alerts/s for 2 minutes, with real workers on PostgreSQL, p99 "
        "≤ 1 s, the time split by stage. Reproduce with `.venv/bin/python -m bench.e2e` "
        "(`--rate 10 --duration 15` for a quick look)."
    )
    stages = (
        "Each stage is measured on the wall clock of one host, from records the system keeps "
        "anyway: the client's POST, RQ's own `enqueued_at`, `started_at` (in the work-horse, "
        "after the fork) and `ended_at` of each job, the tasking's `created_at`, and the "
        "moment the sandbox created the SMS (`bench/e2e/sandbox.py` lists it to the "
        "microsecond). The stages add up to the end-to-end time."
    )
    return (
        "\n\n".join(
            [
                SECTION,
                wrap(intro),
                conditions(outcome, when, machine, code, gunicorn),
                stage_table(outcome),
                wrap(stages),
                f"![Tasking SMS per second, RQ backlog, and end-to-end latency over the run]"
                f"(img/{CHART.name})",
                wrap(counts_line(outcome)),
                wrap(integrity_line(outcome)),
                "CPU cores busy on average during the load, by part (a part's work-horses and "
                "gunicorn workers included):",
                cpu_table(outcome.cpu),
                *(wrap(note) for note in findings(outcome)),
            ]
        )
        + "\n"
    )
