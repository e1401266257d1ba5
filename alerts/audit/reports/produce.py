"""One entry point for the CLI and the web: build, render, and record full exports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from alerts.audit.domain.events import FullExport
from alerts.audit.reports.latency import build_latency
from alerts.audit.reports.model import Format, Report, ReportKind, ReportRequest
from alerts.audit.reports.noncompliance import build_noncompliance
from alerts.audit.reports.render import Document, render
from alerts.audit.reports.tables import table_names
from alerts.core.db.session import write_transaction
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject


class ReportRefused(ValueError):
    """The report cannot be produced as asked; the message says why."""


def build(session: Session, kind: ReportKind, request: ReportRequest, now: datetime) -> Report:
    if kind == "latency":
        return build_latency(session, request, now)
    return build_noncompliance(session, request, now)


def produce(
    factory: sessionmaker[Session],
    kind: ReportKind,
    request: ReportRequest,
    fmt: Format,
    now: datetime,
    *,
    actor: str,
    table: str | None = None,
    reason: str | None = None,
) -> Document:
    """Build and render a report. A full one is first recorded as `report.full_export`.

    The event comes before the document is handed over, in its own transaction:
    if it cannot be recorded, nothing is exported. Deciding who may ask for
    full detail is the caller's (the CLI's operator, the console's role check).
    """
    if table is not None and table not in table_names(kind):
        raise ReportRefused(f"no table {table!r}: one of {', '.join(table_names(kind))}")
    if table is not None and fmt != "csv":
        raise ReportRefused("a table is chosen for CSV only; HTML and JSON hold every table")
    full = request.detail == "full"
    if full and (reason is None or len(reason.strip()) < 3):
        raise ReportRefused("a full export needs a reason: it goes into the timeline")
    with factory() as session:
        report = build(session, kind, request, now)
    document = render(report, fmt, table)
    if full and reason is not None:
        with write_transaction(factory) as session:
            ledger.record(
                session,
                now,
                FullExport(
                    report=kind,
                    format=fmt,
                    table=table,
                    first=request.period.first.isoformat(),
                    last=request.period.last.isoformat(),
                    mission=request.mission,
                    sector=request.sector,
                    rows=document.rows,
                    reason=reason.strip(),
                ),
                Subject("report", None),
                actor=actor,
            )
    return document
