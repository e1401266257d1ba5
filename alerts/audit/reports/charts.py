"""Charts drawn on the server as inline SVG: the report works offline and prints sharp.

Figures are made without pyplot, so no GUI backend and no global figure state
is involved: each report draws its own, thread-safe under gunicorn.

Colours are from the Okabe-Ito palette, which colour-blind readers can tell
apart, and the second series of every chart is hatched too, so a black and
white printout still shows which bar is which. Every bar carries its numbers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from alerts.audit.domain.metrics.stages import STAGE_LABELS, STAGES
from alerts.audit.reports.model import LatencyReport, NoncomplianceReport

BLUE, ORANGE, GREY = "#0072B2", "#E69F00", "#999999"
STYLE: Any = {
    "svg.fonttype": "none",  # text stays text: searchable, selectable, small
    "svg.hashsalt": "community-alerts",  # the same report gives the same SVG
    "font.size": 9,
    "font.family": "sans-serif",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _svg(figure: Figure) -> str:
    out = io.StringIO()
    with matplotlib.rc_context(STYLE):
        figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = out.getvalue()
    return text[text.index("<svg") :]


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(width, height), layout="constrained")


# Ticks a reader knows, on a log axis of seconds.
TICKS = ((1, "1 s"), (10, "10 s"), (60, "1 min"), (300, "5 min"), (900, "15 min"),
         (3600, "1 h"), (4 * 3600, "4 h"), (86_400, "1 d"), (7 * 86_400, "7 d"))  # fmt: skip


def stage_distribution(report: LatencyReport) -> str | None:
    """One box per stage: time from the first report, median, quartiles, 5th-95th."""
    series = []
    for stage in STAGES:
        values = [r.seconds[stage] for r in report.incidents]
        # A log axis has no zero: a stage reached within the second is drawn at 1 s.
        series.append((stage, [max(v, 1.0) for v in values if v is not None]))
    if not any(m for _, m in series):
        return None
    with matplotlib.rc_context(STYLE):
        figure = _figure(7.0, 3.2)
        axes = figure.add_subplot()
        reached = [(s, m) for s, m in series if m]
        axes.boxplot(
            [m for _, m in reached],
            orientation="horizontal",
            whis=(5, 95),
            # Beyond the whiskers, a busy year has thousands of points: a blot, not a detail.
            showfliers=False,
            patch_artist=True,
            boxprops={"facecolor": "#cfe3f2", "edgecolor": BLUE},
            medianprops={"color": "black"},
        )
        total = len(report.incidents)
        axes.set_yticks(
            range(1, len(reached) + 1),
            [f"{STAGE_LABELS[s]} ({len(m)}/{total})" for s, m in reached],
        )
        axes.invert_yaxis()
        axes.set_xscale("log")
        longest = max(max(m) for _, m in reached)
        shown = [(t, label) for t, label in TICKS if t <= longest * 3] or [TICKS[0]]
        axes.set_xticks([t for t, _ in shown], [label for _, label in shown])
        axes.minorticks_off()
        axes.set_xlim(0.8, max(longest * 1.5, 10))
        axes.set_xlabel("time from the first report (log scale; box: quartiles; whiskers: 5–95%)")
        missing = [STAGE_LABELS[s] for s, m in series if not m]
        if missing:
            axes.set_title("Never reached: " + ", ".join(missing), fontsize=8, loc="left")
        return _svg(figure)


def _bars(
    labels: Sequence[str],
    first: tuple[str, Sequence[float], Sequence[str]],
    second: tuple[str, Sequence[float], Sequence[str]] | None,
    xlabel: str,
    xmax: float | None,
) -> str:
    with matplotlib.rc_context(STYLE):
        figure = _figure(7.0, 0.8 + 0.45 * len(labels) * (2 if second else 1))
        axes = figure.add_subplot()
        height = 0.4 if second else 0.6
        positions = list(range(len(labels)))
        shift = height / 2 if second else 0.0
        name, values, notes = first
        bars = axes.barh([p - shift for p in positions], values, height, color=BLUE, label=name)
        axes.bar_label(bars, labels=list(notes), padding=3, fontsize=8)
        if second is not None:
            name2, values2, notes2 = second
            bars2 = axes.barh(
                [p + shift for p in positions],
                values2,
                height,
                color=ORANGE,
                hatch="//",
                edgecolor="black",
                linewidth=0.3,
                label=name2,
            )
            axes.bar_label(bars2, labels=list(notes2), padding=3, fontsize=8)
            axes.legend(loc="lower right", fontsize=8, frameon=False)
        axes.set_yticks(positions, list(labels))
        axes.invert_yaxis()
        axes.set_xlabel(xlabel)
        everything = [*values, *(second[1] if second else [])]
        top = xmax if xmax is not None else max(everything, default=1) or 1
        axes.set_xlim(0, top * 1.3)  # room for the numbers beside the bars
        if xmax is not None:
            axes.set_xticks([t for t in range(0, int(xmax) + 1, int(xmax) // 5 or 1)])
        else:  # counts: whole numbers only
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        return _svg(figure)


def immediate_by_mission(report: LatencyReport) -> str | None:
    """This period's immediate-response rate per mission, beside the imported past."""
    groups = [g for g in report.groups["mission"] if g.immediate.end_known]
    past = {h.mission: h for h in report.history if h.response_known}
    missions = [g.value for g in groups] + sorted(set(past) - {g.value for g in groups})
    if not missions:
        return None
    now = {g.value: g.immediate for g in groups}
    rates = [100 * (now[m].rate or 0) if m in now else 0.0 for m in missions]
    notes = [
        f"{now[m].immediate}/{now[m].end_known} ({100 * (now[m].rate or 0):.0f}%)"
        if m in now
        else "no end time known"
        for m in missions
    ]
    second = None
    if past:
        old = [100 * (past[m].rate or 0) if m in past else 0.0 for m in missions]
        old_notes = [
            f"{past[m].response_during}/{past[m].response_known} ({100 * (past[m].rate or 0):.0f}%)"
            if m in past
            else "none imported"
            for m in missions
        ]
        second = ("imported history", old, old_notes)
    return _bars(
        missions,
        ("this period", rates, notes),
        second,
        "% of attacks with a known end that drew a response during them",
        100.0,
    )


def refusals_against_failures(report: NoncomplianceReport) -> str | None:
    tallies = [m for m in report.missions if not m.nil]
    if not tallies:
        return None
    return _bars(
        [m.mission for m in tallies],
        ("refusals", [m.refusals for m in tallies], [str(m.refusals) for m in tallies]),
        ("failures", [m.failures for m in tallies], [str(m.failures) for m in tallies]),
        "orders not carried out",
        None,
    )
