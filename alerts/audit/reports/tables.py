"""The flat tables of each report, with their HXL hashtags, for CSV and JSON alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from alerts.audit.domain.hxl import Column
from alerts.audit.domain.metrics.aggregate import DIMENSIONS, GroupSummary
from alerts.audit.domain.metrics.stages import STAGES
from alerts.audit.reports.model import IncidentRow, LatencyReport, NoncomplianceReport, Report

Cell = str | int | float | bool | None


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[Column]
    rows: list[list[Cell]]


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def seconds(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


_INCIDENT_BASE = [
    Column("incident", "#event +id"),
    Column("mission", "#org +mission"),
    Column("sector", "#region +sector"),
    Column("base", "#org +base"),
    Column("unit", "#org +unit"),
    Column("threat", "#event +type"),
    Column("month", "#date +month"),
    Column("first_report_at", "#date +reported"),
    Column("reports", "#indicator +reports +num"),
]
_STAGE_COLUMNS = [Column(f"{s}_s", f"#indicator +{s} +seconds") for s in STAGES]
_PLACE = [Column("lat", "#geo +lat"), Column("lon", "#geo +lon")]
_FULL = [Column("place", "#loc +name"), Column("informants", "#contact +pseudonym +list")]


def _incident_cells(row: IncidentRow) -> list[Cell]:
    return [
        row.ref,
        row.mission,
        row.sector,
        row.base,
        row.unit,
        row.threat,
        row.month,
        iso(row.first_report_at),
        row.reports,
    ]


def _full_cells(row: IncidentRow) -> list[Cell]:
    return [row.place, " ".join(row.informants or ())]


def _incidents(report: LatencyReport, full: bool) -> Table:
    columns = [
        *_INCIDENT_BASE,
        *_STAGE_COLUMNS,
        Column("attack_ended_at", "#date +attack_ended"),
        Column("immediate_response", "#status +immediate"),
        Column("immediate_by", "#status +immediate_by"),
        Column("answered", "#status +answered"),
        *_PLACE,
        *(_FULL if full else []),
    ]
    rows = [
        [
            *_incident_cells(r),
            *(seconds(r.seconds[s]) for s in STAGES),
            iso(r.attack_ended_at),
            r.immediate if r.end_known else None,
            r.immediate_by,
            r.answered,
            r.lat,
            r.lon,
            *(_full_cells(r) if full else []),
        ]
        for r in report.incidents
    ]
    return Table("incidents", columns, rows)


def _summaries(report: LatencyReport) -> Iterator[GroupSummary]:
    yield report.overall
    for dimension in DIMENSIONS:
        yield from report.groups[dimension]


def _aggregates(report: LatencyReport, full: bool) -> Table:
    columns = [
        Column("dimension", "#meta +dimension"),
        Column("group", "#group +name"),
        Column("stage", "#indicator +stage"),
        Column("incidents", "#indicator +incidents +num"),
        Column("reached", "#indicator +reached +num"),
        Column("share", "#indicator +reached +pct"),
        Column("p50_s", "#indicator +p50 +seconds"),
        Column("p90_s", "#indicator +p90 +seconds"),
        Column("p99_s", "#indicator +p99 +seconds"),
    ]
    rows: list[list[Cell]] = []
    for group in _summaries(report):
        for stage in STAGES:
            s = group.stages[stage]
            share = None if s.share is None else round(s.share, 4)
            p50, p90, p99 = seconds(s.p50), seconds(s.p90), seconds(s.p99)
            rows.append(
                [group.dimension, group.value, stage, s.incidents, s.reached, share, p50, p90, p99]
            )
    return Table("aggregates", columns, rows)


def _immediate(report: LatencyReport, full: bool) -> Table:
    columns = [
        Column("dimension", "#meta +dimension"),
        Column("group", "#group +name"),
        Column("incidents", "#indicator +incidents +num"),
        Column("end_known", "#indicator +end_known +num"),
        Column("end_unknown", "#indicator +end_unknown +num"),
        Column("immediate", "#indicator +immediate +num"),
        Column("by_on_scene", "#indicator +immediate +on_scene +num"),
        Column("by_political", "#indicator +immediate +political +num"),
        Column("by_military_action", "#indicator +immediate +military +num"),
        Column("rate", "#indicator +immediate +pct"),
    ]
    rows: list[list[Cell]] = []
    for group in _summaries(report):
        c = group.immediate
        rate = None if c.rate is None else round(c.rate, 4)
        rows.append(
            [
                group.dimension,
                group.value,
                c.incidents,
                c.end_known,
                c.end_unknown,
                c.immediate,
                c.on_scene,
                c.political,
                c.military_action,
                rate,
            ]
        )
    return Table("immediate", columns, rows)


def _unanswered(report: LatencyReport, full: bool) -> Table:
    columns = [*_INCIDENT_BASE, *_PLACE, *(_FULL if full else [])]
    rows = [
        [*_incident_cells(r), r.lat, r.lon, *(_full_cells(r) if full else [])]
        for r in report.unanswered
    ]
    return Table("unanswered", columns, rows)


def _stuck(report: LatencyReport, full: bool) -> Table:
    columns = [
        *_INCIDENT_BASE,
        Column("stuck_at", "#status +stage"),
        Column("since", "#date +since"),
        Column("waiting_s", "#indicator +waiting +seconds"),
        *_PLACE,
        *(_FULL if full else []),
    ]
    rows = [
        [
            *_incident_cells(s.incident),
            s.stage,
            iso(s.since),
            seconds(s.waiting_s),
            s.incident.lat,
            s.incident.lon,
            *(_full_cells(s.incident) if full else []),
        ]
        for s in report.stuck
    ]
    return Table("stuck", columns, rows)


def _register(report: NoncomplianceReport, full: bool) -> Table:
    columns = [
        Column("occurred_at", "#date +occurred"),
        Column("recorded_at", "#date +recorded"),
        Column("category", "#status +noncompliance"),
        Column("trigger", "#cause +trigger"),
        Column("reason_code", "#cause +code"),
        Column("mission", "#org +mission"),
        Column("sector", "#region +sector"),
        Column("base", "#org +base"),
        Column("unit", "#org +unit"),
        Column("country", "#country +contributing"),
        Column("incident", "#event +id"),
        Column("tasking", "#activity +id"),
        Column("evidence_leaf", "#meta +leaf"),
        *([Column("reason_text", "#cause +text")] if full else []),
    ]
    rows: list[list[Cell]] = [
        [
            iso(r.occurred_at),
            iso(r.recorded_at),
            r.category,
            r.trigger,
            r.reason_code,
            r.mission,
            r.sector,
            r.base,
            r.unit,
            r.country,
            r.incident_ref,
            r.tasking_id,
            r.evidence_leaf,
            *([r.reason_text] if full else []),
        ]
        for r in report.rows
    ]
    return Table("register", columns, rows)


def _missions(report: NoncomplianceReport, full: bool) -> Table:
    columns = [
        Column("mission", "#org +mission"),
        Column("refusals", "#indicator +refusals +num"),
        Column("failures", "#indicator +failures +num"),
        Column("nil_report", "#status +nil"),
    ]
    rows: list[list[Cell]] = [[m.mission, m.refusals, m.failures, m.nil] for m in report.missions]
    return Table("missions", columns, rows)


LATENCY_TABLES: dict[str, Callable[[LatencyReport, bool], Table]] = {
    "incidents": _incidents,
    "aggregates": _aggregates,
    "immediate": _immediate,
    "unanswered": _unanswered,
    "stuck": _stuck,
}
NONCOMPLIANCE_TABLES: dict[str, Callable[[NoncomplianceReport, bool], Table]] = {
    "register": _register,
    "missions": _missions,
}
DEFAULT_TABLE = {"latency": "incidents", "noncompliance": "register"}


def table_names(kind: str) -> tuple[str, ...]:
    return tuple(LATENCY_TABLES if kind == "latency" else NONCOMPLIANCE_TABLES)


def tables(report: Report) -> list[Table]:
    full = report.request.detail == "full"
    if isinstance(report, LatencyReport):
        return [make(report, full) for make in LATENCY_TABLES.values()]
    return [make(report, full) for make in NONCOMPLIANCE_TABLES.values()]


def table(report: Report, name: str) -> Table:
    found = {t.name: t for t in tables(report)}
    if name not in found:
        raise ValueError(f"no table {name!r} in this report: one of {', '.join(found)}")
    return found[name]


def as_records(t: Table) -> list[dict[str, Any]]:
    headers = [c.header for c in t.columns]
    return [dict(zip(headers, row, strict=True)) for row in t.rows]
