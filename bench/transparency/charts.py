"""The charts of the transparency-log benchmarks, as SVG files under docs/img/.

Drawn like the audit report's (alerts/audit/reports/charts.py): no pyplot, the
Okabe-Ito palette with the second series dashed, text kept as text, and a fixed
hash salt and no date, so the same numbers give the same file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.figure import Figure

BLUE, ORANGE, GREY, RED = "#0072B2", "#E69F00", "#999999", "#D55E00"
STYLE: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "community-alerts-bench",
    "font.size": 9,
    "font.family": "sans-serif",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _save(figure: Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context(STYLE):
        figure.savefig(path, format="svg", bbox_inches="tight", metadata={"Date": None})


def appends_chart(
    per_second: Mapping[str, Sequence[int]],
    lags: Sequence[tuple[float, float, float]],
    goal_rate: float,
    goal_lag_s: float,
    path: Path,
) -> None:
    """Left: commits in each second of each round. Right: the sealing lags of the log's
    events committed in each second (p50, p99, largest)."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(9.0, 3.2), layout="constrained")
        rates, lag_axes = figure.subplots(1, 2)
        for (name, counts), colour, style in zip(
            per_second.items(), (ORANGE, BLUE), ("--", "-"), strict=False
        ):
            edges = range(len(counts) + 1)
            rates.stairs(counts, edges, baseline=None, color=colour, linestyle=style, label=name)
        rates.axhline(goal_rate, color=GREY, linewidth=0.8, linestyle=":",
                      label=f"goal: {goal_rate:,.0f}/s")  # fmt: skip
        rates.set_xlabel("second of the round")
        rates.set_ylabel("appends committed in that second")
        highest = max(max(counts, default=0) for counts in per_second.values())
        rates.set_ylim(0, max(goal_rate, highest) * 1.4)
        rates.legend(loc="upper center", frameon=False, ncols=2)
        edges = range(len(lags) + 1)
        for index, (name, style) in enumerate((("p50", ":"), ("p99", "-"), ("largest", "--"))):
            values = [row[index] for row in lags]
            lag_axes.stairs(values, edges, baseline=None, color=BLUE, linestyle=style, label=name)
        lag_axes.axhline(goal_lag_s, color=GREY, linewidth=0.8, linestyle=":",
                         label=f"goal: p99 ≤ {goal_lag_s:g} s")  # fmt: skip
        lag_axes.set_xlabel("second of the round the events were committed in")
        lag_axes.set_ylabel("sealing lag, commit → signed head (s)")
        lag_axes.set_ylim(0, max([goal_lag_s, *(row[2] for row in lags)]) * 1.4)
        lag_axes.legend(loc="upper center", frameon=False, ncols=2)
        _save(figure, path)


def bars_chart(
    rows: Sequence[tuple[str, float, bool]], goal_s: float | None, label: str, path: Path
) -> None:
    """One horizontal bar per (name, seconds, is a baseline); baselines dashed and orange."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(7.0, 0.45 * len(rows) + 0.9), layout="constrained")
        axes = figure.add_subplot()
        names = [name for name, _, _ in rows][::-1]
        values = [value for _, value, _ in rows][::-1]
        baseline = [base for _, _, base in rows][::-1]
        bars = axes.barh(
            names,
            values,
            color=[ORANGE if b else BLUE for b in baseline],
            hatch=["//" if b else "" for b in baseline],
            edgecolor="white",
        )
        axes.bar_label(bars, labels=[f"{v:.1f} s" for v in values], padding=3)
        if goal_s is not None:
            axes.axvline(goal_s, color=GREY, linewidth=0.8, linestyle=":")
            axes.annotate(f"goal {goal_s:g} s", (goal_s, len(rows) - 0.5), xytext=(3, 0),
                          textcoords="offset points", color=GREY)  # fmt: skip
        axes.set_xlabel(label)
        axes.set_xlim(0, max([*values, goal_s or 0]) * 1.15)
        _save(figure, path)
