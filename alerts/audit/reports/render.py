"""A report as a document: HTML for people, CSV (with HXL) for analysts, JSON for machines."""

from __future__ import annotations

import csv
import importlib
import io
import json
from dataclasses import dataclass
from typing import Any

from alerts.audit.domain.hxl import header_rows
from alerts.audit.domain.metrics.stages import STAGES
from alerts.audit.domain.spreadsheet import inert_row
from alerts.audit.reports.model import Format, LatencyReport, Report
from alerts.audit.reports.tables import DEFAULT_TABLE, as_records, iso, seconds, table, tables

SCHEMA_VERSION = 1
MEDIA_TYPES: dict[Format, str] = {
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
DEFINITIONS = {
    "times": "seconds from the incident's first report (the first alert's arrival) to the stage",
    "missing": "a stage that never happened is null or empty, never zero",
    "percentiles": "nearest rank: the value at rank ceil(p/100 * n) of the n times measured",
    "share": "incidents that reached the stage / incidents in the group",
    "immediate_response": "a unit on scene, or a political or military action recorded as "
    "done, no later than the attack's recorded end; incidents without a known end are not "
    "rated and are counted as end_unknown [OIOS 2014, para. 19]",
    "anonymised": "no informant pseudonyms, no phone numbers, no place names; positions "
    "rounded to 0.1 degree",
}


@dataclass(frozen=True)
class Document:
    content: str
    media_type: str
    filename: str
    rows: int


def _filename(report: Report, extension: str, table_name: str | None = None) -> str:
    period = report.request.period
    span = period.half or f"{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    mission = f"-{report.request.mission.lower()}" if report.request.mission else ""
    suffix = f"-{table_name}" if table_name else ""
    return f"{report.kind}{mission}-{span}{suffix}.{extension}"


def render_csv(report: Report, table_name: str | None = None) -> Document:
    chosen = table(report, table_name or DEFAULT_TABLE[report.kind])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header, hashtags = header_rows(chosen.columns)
    writer.writerow(header)
    writer.writerow(hashtags)
    for row in chosen.rows:
        # Free text (a unit's NO reason) is written as typed: never as a formula.
        writer.writerow(["" if c is None else c for c in inert_row(row)])
    return Document(
        out.getvalue(), MEDIA_TYPES["csv"], _filename(report, "csv", chosen.name), len(chosen.rows)
    )


def summary(report: Report) -> dict[str, Any]:
    if isinstance(report, LatencyReport):
        c = report.immediate
        return {
            "incidents": len(report.incidents),
            "false_alarms_excluded": report.false_alarms,
            "immediate_response": {
                "incidents": c.incidents,
                "end_known": c.end_known,
                "end_unknown": c.end_unknown,
                "immediate": c.immediate,
                "by_on_scene": c.on_scene,
                "by_political": c.political,
                "by_military_action": c.military_action,
                "rate": c.rate,
            },
            "stages": {
                stage: {
                    "incidents": s.incidents,
                    "reached": s.reached,
                    "share": s.share,
                    "p50_s": seconds(s.p50),
                    "p90_s": seconds(s.p90),
                    "p99_s": seconds(s.p99),
                }
                for stage in STAGES
                for s in [report.overall.stages[stage]]
            },
            "unanswered": len(report.unanswered),
            "stuck": len(report.stuck),
            "stuck_after_s": report.request.stuck_after.total_seconds(),
            "history": [
                {
                    "mission": h.mission,
                    "attacks": h.attacks,
                    "response_known": h.response_known,
                    "response_during": h.response_during,
                    "rate": h.rate,
                }
                for h in report.history
            ],
        }
    return {
        "nil_report": report.nil,
        "refusals": report.refusals,
        "failures": report.failures,
        "unattested": report.unattested,
        "missions": [
            {"mission": m.mission, "refusals": m.refusals, "failures": m.failures, "nil": m.nil}
            for m in report.missions
        ],
        "by_reason": report.by_reason,
        "by_trigger": report.by_trigger,
        "history": [
            {"mission": h.mission, "kind": h.kind, "dated": h.dated, "undated": h.undated}
            for h in report.history
        ],
    }


def render_json(report: Report) -> Document:
    request = report.request
    records = {t.name: as_records(t) for t in tables(report)}
    body = {
        "report": report.kind,
        "schema": SCHEMA_VERSION,
        "generated_at": iso(report.generated_at),
        "period": {
            "first": request.period.first.isoformat(),
            "last": request.period.last.isoformat(),
            "half": request.period.half,
            "due": request.period.due.isoformat() if request.period.half else None,
        },
        "mission": request.mission,
        "sector": request.sector,
        "detail": request.detail,
        "definitions": DEFINITIONS,
        "summary": summary(report),
        "tables": records,
    }
    rows = len(records[DEFAULT_TABLE[report.kind]])
    # Compact: a year's report holds tens of thousands of rows; `jq` indents it on demand.
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"
    return Document(text, MEDIA_TYPES["json"], _filename(report, "json"), rows)


def render(report: Report, fmt: Format, table_name: str | None = None) -> Document:
    if fmt == "csv":
        return render_csv(report, table_name)
    if fmt == "json":
        return render_json(report)
    # matplotlib takes about half a second to import: only HTML pays for it, not every
    # `alerts` command nor every CSV export.
    html: Any = importlib.import_module("alerts.audit.reports.html")
    content: str = html.render_html(report)
    rows = len(report.incidents) if isinstance(report, LatencyReport) else len(report.rows)
    return Document(content, MEDIA_TYPES["html"], _filename(report, "html"), rows)
