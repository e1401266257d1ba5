"""The results of bench.escalation: on the terminal, and as the "Escalation timing"
section of docs/benchmarks.md."""

from __future__ import annotations

from dataclasses import dataclass

from bench.escalation_measure import ON_TIME_S, Spread
from bench.escalation_runs import RESTART_AFTER_S, Run

SECTION = "## Escalation timing"
# label, the system's run, how it is hurt, the baseline's run, how it is hurt
RUNS = (
    ("a", "nothing killed", None, "nothing killed", None),
    (
        "b",
        "a worker SIGKILLed inside a hung send",
        "worker",
        "the worker running one SIGKILLed inside its hung send",
        "worker",
    ),
    (
        "c",
        f"the scheduler SIGKILLed, restarted {RESTART_AFTER_S:.0f} s later",
        "scheduler",
        "the worker holding RQ's scheduler lock SIGKILLed, restarted "
        f"{RESTART_AFTER_S:.0f} s later",
        "rq-scheduler",
    ),
)
SCALE_S = 0.25  # seconds per character of the chart
CHART_S = 15.0  # its right edge


@dataclass(frozen=True)
class Outcome:
    runs: list[Run]
    duplicated: dict[str, int]  # SMS the sandbox accepted twice, by what they were for
    requeued: int  # unsent SMS the scheduler queued again (a send that died, say)
    send_job_s: float | None  # median duration of a send_sms job, from the workers' logs
    trouble: dict[str, int]  # lines of WARNING and worse, per process log
    load: tuple[tuple[float, float, float], ...]  # at the start, as the runs began, at the end

    def pair(self, label: str) -> tuple[Run, Run]:
        runs = {run.label: run for run in self.runs}
        return runs[label], runs[f"{label}'"]


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def worst(spread: Spread) -> str:
    if spread.at_least is not None:
        return f"> {spread.at_least:.0f} ({spread.missing} never)"
    return seconds(spread.worst)


def name(run: Run) -> str:
    return f"({run.label}) {'RQ delayed jobs' if run.baseline else 'database deadlines'}"


def fired_table(runs: list[Run]) -> str:
    lines = [
        "| Run | killed | deadlines | fired: median (s) | worst (s) | within 5 s |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for run in runs:
        fire = run.fired()
        cells = [name(run), run.title, str(fire.count), seconds(fire.median), worst(fire),
                 f"{fire.within}/{fire.count}"]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def sms_table(runs: list[Run]) -> str:
    """The commander's SMS by both clocks: the sandbox's (whole seconds) and the sender's."""
    lines = [
        "| Run | commander SMS | accepted by the sandbox: median (s) | worst (s) | within 5 s | "
        "by the sender's clock: median (s) | worst (s) | within 5 s |",
        "|---|" + "---:|" * 7,
    ]
    for run in runs:
        sandbox, sender = run.notified("accepted_at"), run.notified("sent_at")
        cells = [name(run), str(sandbox.count), seconds(sandbox.median), worst(sandbox),
                 f"{sandbox.within}/{sandbox.count}", seconds(sender.median), worst(sender),
                 f"{sender.within}/{sender.count}"]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ratio(ours: Spread, theirs: Spread) -> str:
    if ours.missing or not ours.worst or theirs.bound is None:
        return "–"
    more = "more than " if theirs.at_least is not None else ""
    return f"{more}{theirs.bound / ours.worst:.1f}×"


def ratio_lines(outcome: Outcome) -> list[str]:
    lines = []
    for label, *_ in RUNS:
        ours, theirs = outcome.pair(label)
        sms = ratio(ours.notified("sent_at"), theirs.notified("sent_at"))
        lines.append(
            f"Ratio, ({label}') / ({label}), RQ delayed jobs over database deadlines: worst "
            f"firing error **{ratio(ours.fired(), theirs.fired())}**, worst commander SMS "
            f"(sender's clock) **{sms}**."
        )
    return lines


def chart(runs: list[Run]) -> str:
    """Worst firing error per run, in text: the doc stays diffable, no plotting dependency."""
    width, mark = round(CHART_S / SCALE_S), round(ON_TIME_S / SCALE_S)
    lines = [f"worst firing error; one █ = {SCALE_S} s, '|' at {ON_TIME_S:.0f} s"]
    for run in runs:
        spread = run.fired()
        value = spread.bound or 0.0
        full = min(width, round(value / SCALE_S))
        bar = list("█" * full + " " * (width - full))
        if bar[mark] == " ":
            bar[mark] = "|"
        tip = "▶" if value > CHART_S else " "
        text = f"more than {spread.at_least:.0f} s" if spread.at_least else f"{value:.2f} s"
        lines.append(f"{name(run):<24} {''.join(bar)}{tip} {text}")
    return "```text\n" + "\n".join(lines) + "\n```"


def load_line(outcome: Outcome) -> str:
    start, runs, end = (f"{one:.1f}" for one, _five, _fifteen in outcome.load)
    return f"load average (1 min) {start} at the start, {runs} as the runs began, {end} at the end"


def duplicates_line(outcome: Outcome) -> str:
    if not outcome.duplicated:
        return "none"
    return ", ".join(f"{count} {what}" for what, count in outcome.duplicated.items())


def terminal(outcome: Outcome) -> str:
    notes = [f"({run.label}): {note}" for run in outcome.runs for note in run.notes]
    counts = (
        f"SMS accepted twice: {duplicates_line(outcome)}. Unsent SMS queued again by the "
        f"scheduler: {outcome.requeued}. Median send_sms job: {seconds(outcome.send_job_s)} s. "
        f"{load_line(outcome)}."
    )
    parts = [fired_table(outcome.runs), sms_table(outcome.runs), *ratio_lines(outcome)]
    return "\n\n".join([*parts, *notes, counts, chart(outcome.runs)])
