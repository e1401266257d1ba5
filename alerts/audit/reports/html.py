"""Reports as self-contained HTML: inline SVG charts, inline CSS, no scripts, print-ready."""

from __future__ import annotations

from datetime import UTC, datetime

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from alerts.audit.domain.metrics.aggregate import DIMENSIONS
from alerts.audit.domain.metrics.stages import STAGE_LABELS, STAGES
from alerts.audit.domain.periods import long_date
from alerts.audit.reports import charts
from alerts.audit.reports.model import LatencyReport, Report
from alerts.audit.reports.render import DEFINITIONS

# Lists longer than this are cut in HTML, saying so: a page of 50,000 rows helps nobody
# and takes seconds to draw. CSV and JSON always hold every row.
ROW_LIMIT = 500

_ENV = Environment(
    loader=PackageLoader("alerts.audit.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def duration(seconds: float | None) -> str:
    """`4 min 05 s`, `2 h 10 min`, `3 d 4 h`; an em dash for a missing stage."""
    if seconds is None:
        return "—"
    total = round(seconds)
    sign = "−" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days} d {hours} h"
    if hours:
        return f"{sign}{hours} h {minutes:02d} min"
    if minutes:
        return f"{sign}{minutes} min {secs:02d} s"
    return f"{sign}{secs} s"


def when(moment: datetime | None) -> str:
    return "—" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def percent(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.0f}%"


_ENV.filters.update(duration=duration, when=when, percent=percent, long_date=long_date)


def _svg(chart: str | None) -> Markup | None:
    # Our own matplotlib output, whose text is escaped by matplotlib itself.
    return None if chart is None else Markup(chart)


def render_html(report: Report) -> str:
    common = {
        "report": report,
        "request": report.request,
        "definitions": DEFINITIONS,
        "stages": STAGES,
        "stage_labels": STAGE_LABELS,
        "limit": ROW_LIMIT,
    }
    if isinstance(report, LatencyReport):
        template = _ENV.get_template("latency.html")
        return template.render(
            **common,
            dimensions=DIMENSIONS,
            stage_chart=_svg(charts.stage_distribution(report)),
            immediate_chart=_svg(charts.immediate_by_mission(report)),
        )
    template = _ENV.get_template("noncompliance.html")
    return template.render(**common, chart=_svg(charts.refusals_against_failures(report)))
