"""The "Escalation timing" section of docs/benchmarks.md: conditions, tables, and
what the numbers say, each with the mechanism behind it (read in the code)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bench.escalation_doc import (
    RUNS,
    SECTION,
    Outcome,
    chart,
    duplicates_line,
    fired_table,
    load_line,
    ratio_lines,
    sms_table,
    worst,
)
from bench.escalation_measure import ON_TIME_S
from bench.escalation_runs import RESTART_AFTER_S, Run
from bench.escalation_stack import EXTRA_QRFS_PER_BASE, HANG_S
from bench.harness.report import wrap


def late(run: Run) -> str:
    spread = run.fired()
    return f"{spread.count - spread.within} of {spread.count}"


def sms(run: Run) -> str:
    spread = run.notified("sent_at")
    return (
        f"{spread.within} of {spread.count} within {ON_TIME_S:.0f} s, the worst {worst(spread)} s"
    )


def capacity(outcome: Outcome, run: Run) -> str:
    """Why SMS wait: what a run asks of the workers against what they can carry."""
    job, facts = outcome.send_job_s, run.facts
    if not job or facts is None or not facts.sms_span_s:
        return ""
    return (
        f"({run.label}) queued {facts.sms} SMS (orders, re-sent orders, escalations) within "
        f"{facts.sms_span_s:.0f} s, {facts.sms / facts.sms_span_s:.1f} a second, and a send_sms "
        f"job took {job:.2f} s here (median, from the workers' logs: the fork, the database and "
        f"the call): two workers carry about {2 / job:.1f} a second, one {1 / job:.1f}, so the "
        "commander's SMS waits in the queue when chains escalate together."
    )


def notes(run: Run) -> str:
    return "; ".join(run.notes) or "nothing was killed"


def findings(outcome: Outcome, args: dict[str, Any]) -> list[str]:
    (a, a_), (b, b_), (c, c_) = (outcome.pair(label) for label, *_ in RUNS)
    gap = c.fired()
    said = [
        "Database deadlines. The scheduler ticks every second, so a deadline fires up to about a "
        "second after it falls due, plus the tick's own work: each firing is one transaction "
        f"with its escalation, one after another. Later than {ON_TIME_S:.0f} s: {late(a)} in (a), "
        f"{late(b)} in (b), whose worst was {worst(b.fired())} s against {worst(a.fired())} s "
        "in (a). The deadlines live in the database and the scheduler fires them; workers only "
        f"send the SMS, so a killed worker cannot hold one back. In (b), {notes(b)}. The SMS it "
        "was sending stays 'sending' until its send lease (twice ALERTS_TWILIO_TIMEOUT_S, plus "
        "10 s) runs out; then the "
        f"scheduler queues it again ({outcome.requeued} such re-queue(s) in its log) and the new "
        "send first asks the provider whether it went.",
        "The commander's SMS comes after its firing: the outbox row is relayed at the end of the "
        "same tick, then a worker forks a work-horse to send it, after the re-sent order queued "
        f"in the same transaction. By the sender's clock, (a): {sms(a)}; (b), where one worker "
        f"sent every SMS of the run alone after the kill: {sms(b)}. {capacity(outcome, a)}",
        f"(c): {notes(c)}. Nothing fires while no scheduler runs: deploy/README.md runs exactly "
        "one, the shipped systemd unit starts another "
        f"{RESTART_AFTER_S:.0f} s after it dies (`RestartSec=5`), and that one needs its start-up "
        f"time too. {late(c)} deadlines fired more than {ON_TIME_S:.0f} s late, the worst "
        f"{worst(gap)} s: those due in the gap, fired together by the first tick back."
        + (
            f" So the {ON_TIME_S:.0f} s promise does not survive a crash of the one scheduler "
            "with this restart delay. A second scheduler would cover the gap: the sweeper is "
            "written for several (each deadline settled in its own transaction), though "
            "deploy/README.md asks for exactly one."
            if gap.within < gap.count
            else ""
        ),
        "RQ delayed jobs. RQ's scheduler polls every second too, from inside the one worker "
        "that holds the queue's scheduler lock, and it moves due jobs to the queue in one go; "
        f"with nothing killed, (a'): worst {worst(a_.fired())} s. (b'): {notes(b_)}; not run "
        f"within {args['wait']:g} s of the last due time: {b_.fired().missing} of "
        f"{b_.fired().count}; SMS not sent: {b_.notified('sent_at').missing}. (c'): "
        f"{notes(c_)}; not run: {c_.fired().missing} of {c_.fired().count}. The mechanisms, in "
        "the installed RQ 2.12: the job a killed worker was running is not run again; it stays "
        "in the started registry until its timeout has passed and a maintenance pass (every 10 "
        "minutes) moves it to the failed registry. The lock of a killed scheduler lives on for "
        "61 s (interval + 60); a worker takes it only when it starts or at its maintenance "
        "pass, so one restarted at once finds it still held and gives up, and delayed jobs wait "
        "up to about ten minutes, restart or not. Which worker gets the hung job in (b') is "
        "chance: when it is the one holding the scheduler lock, (b') goes the way of (c').",
    ]
    if outcome.duplicated:
        said.append(
            f"Sent twice (the same body to the same number): {duplicates_line(outcome)}. The "
            f"sandbox's hung request ({HANG_S:.0f} s) was still open when the re-queued send, "
            "past the 30 s lease, asked whether the message existed, found none and sent it; the "
            "sandbox then completed the hung request as well. Twilio answers far sooner, but a "
            "provider slower than the lease would do the same."
        )
    return said


def conditions(when: datetime, machine: str, code: str, args: dict[str, Any], load: str) -> str:
    pacing = (
        "not paced by the app (`ALERTS_SMS_SEGMENTS_PER_S=0`, as with a messaging service)"
        if not args["sms_per_s"]
        else f"paced at {args['sms_per_s']:g} segment(s) a second on one number"
    )
    items = [
        f"Date: {when:%Y-%m-%d %H:%M} UTC. Code: {code}.",
        f"Machine: {machine}. Shared right now with other engineers' work (test suites, "
        f"benchmarks, type checks): {load}. PostgreSQL, a private Redis and every process "
        "below ran on the same 2 cores.",
        "System: the Twilio sandbox, the web app under gunicorn (2 workers × 4 threads), two RQ "
        "workers (`alerts worker --with-scheduler`, as deployed) and the scheduler (`alerts "
        "scheduler`, 1 s ticks), each in a session of its own; a SIGKILL goes to every process "
        "of the session (RQ's work-horse leaves its worker's process group, so a killpg would "
        f"spare the job). A fresh schema with the example network plus {EXTRA_QRFS_PER_BASE} "
        f"QRFs per open base, ACK timeout {args['ack_timeout']:g} s (network file and "
        f"`ALERTS_ACK_TIMEOUT_S`), SMS {pacing}, Twilio timeout 10 s (the default).",
        f'Load, per run: {args["alerts"]} alerts {args["spacing"]:g} s apart ("Attaque en cours '
        'LAT, LON, des morts") texted through the sandbox, each from a number the system does '
        "not know, 30-50 km from every other: one incident each, tasked at once to the nearest "
        "ready QRF. Nobody answers, so each chain runs to its end: four ACK deadlines (1: resend "
        "to the alternate phone and SMS the base commander; 2 and 3: the next QRF; 4: SMS the "
        "sector HQ and the JOC). After each run its incidents are closed (`operator.close`, as "
        "a JOC officer would), so their QRFs stand down.",
        "Measured: for every deadline, fired (its `tasking.deadline_missed` event, the same "
        "time as `deadlines.settled_at`) minus `due_at`; for each chain's first deadline, the "
        "base commander's SMS accepted by the sandbox (`date_created` through the twilio SDK: "
        "whole seconds, so up to 1 s early) minus `due_at`, and by the sender's own record of "
        "the acceptance (`sent_at`).",
        "Baseline, after each run: as many RQ delayed jobs (`queue.enqueue_at`, two due each "
        "second, on whole seconds because RQ truncates due times to the second), on two fresh "
        "`alerts worker --with-scheduler` with a Redis database of their own. Each job notes "
        "when it ran, then sends its SMS with the app's Twilio client to the same sandbox. It "
        "does less than a firing (no database), so its times are the approach's best case. "
        f"Given up {args['wait']:g} s after the last due time. A hung send: the sandbox's `slow` "
        f"fault, {HANG_S:.0f} s.",
    ]
    return "\n".join(wrap(f"- {item}", indent="  ") for item in items)


def section(when: datetime, machine: str, code: str, args: dict[str, Any], outcome: Outcome) -> str:
    intro = (
        "Whether escalations fire within 5 s of their deadline when nobody acknowledges, also "
        "when a process is SIGKILLed, measured by [`bench/escalation.py`](../bench/escalation.py) "
        "against RQ's own delayed jobs in the same run. Reproduce with `.venv/bin/python -m "
        "bench.escalation`."
    )
    trouble = ", ".join(f"{name} {count}" for name, count in outcome.trouble.items() if count)
    caveats = (
        "Caveats. One run of each, about forty deadlines: a worst case is one sample, and it "
        "moves between runs, most with the other work on the machine; the ratios move less. The "
        "sandbox is local: no carrier in the SMS times. With the app's own pacing (by default "
        "one segment a second on one number) the commander's SMS would also wait behind every "
        "other SMS of the run. Lines of WARNING or worse in the processes' logs: "
        f"{trouble or 'none'} (the re-queues among them)."
    )
    paragraphs = [
        SECTION,
        wrap(intro),
        conditions(when, machine, code, args, load_line(outcome)),
        fired_table(outcome.runs),
        sms_table(outcome.runs),
        *(wrap(line) for line in ratio_lines(outcome)),
        chart(outcome.runs),
        *(wrap(paragraph) for paragraph in findings(outcome, args)),
        wrap(caveats),
    ]
    return "\n\n".join(paragraphs) + "\n"
