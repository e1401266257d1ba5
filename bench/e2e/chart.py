"""The end-to-end chart: throughput and backlog on the left, latency over time on the
right. Drawn like the transparency benchmarks' (bench/transparency/charts.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib
from matplotlib.figure import Figure

from bench.transparency.charts import BLUE, GREY, ORANGE, STYLE


def draw(
    latency: Sequence[tuple[float, int, float, float, float]],
    accepted_per_s: Sequence[int],
    backlog: Sequence[tuple[float, int]],
    rate: float,
    goal_s: float,
    path: Path,
) -> None:
    """Left: tasking SMS the sandbox accepted in each second, and the jobs waiting in
    RQ's queue. Right: end-to-end latency of the alerts posted in each window."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(9.0, 3.2), layout="constrained")
        flow, lag = figure.subplots(1, 2)
        flow.stairs(accepted_per_s, range(len(accepted_per_s) + 1), baseline=None, color=BLUE,
                    label="tasking SMS accepted")  # fmt: skip
        flow.axhline(rate, color=GREY, linewidth=0.8, linestyle=":",
                     label=f"alerts posted: {rate:g}/s")  # fmt: skip
        flow.set_xlabel("second of the run")
        flow.set_ylabel("per second")
        flow.set_ylim(0, max([rate, *accepted_per_s]) * 1.5)
        queued = flow.twinx()
        queued.plot([t for t, _ in backlog], [n for _, n in backlog], color=ORANGE,
                    linestyle="--", linewidth=1.0, label="RQ jobs queued")  # fmt: skip
        queued.set_ylabel("RQ jobs queued")
        queued.set_ylim(0, max([10, *(n for _, n in backlog)]) * 1.5)
        queued.spines["right"].set_visible(True)
        handles = flow.get_legend_handles_labels()
        more = queued.get_legend_handles_labels()
        flow.legend(handles[0] + more[0], handles[1] + more[1], loc="upper left",
                    frameon=False, ncols=2, fontsize=8)  # fmt: skip
        if latency:
            starts = [row[0] for row in latency]
            edges = [*starts, starts[-1] + (starts[1] - starts[0] if len(starts) > 1 else 1.0)]
            for index, (name, style) in enumerate((("p50", ":"), ("p99", "-"), ("max", "--"))):
                values = [row[2 + index] for row in latency]
                lag.stairs(values, edges, baseline=None, color=BLUE, linestyle=style, label=name)
        lag.axhline(goal_s, color=GREY, linewidth=0.8, linestyle=":",
                    label=f"goal: p99 ≤ {goal_s:g} s")  # fmt: skip
        lag.set_xlabel("second of the run the alert was posted in")
        lag.set_ylabel("SMS in → tasking SMS accepted (s)")
        lag.set_ylim(0, max([goal_s, *(row[4] for row in latency)]) * 1.3)
        lag.legend(loc="upper left", frameon=False, ncols=2, fontsize=8)
        path.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None})
