"""Loading a historical incidents file (docs/history-file.md) into the database."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from alerts.audit.domain.events import HistoryImported
from alerts.audit.domain.history.records import HistoricalRecord, check_header, parse_record
from alerts.audit.domain.hxl import is_hashtag_row
from alerts.audit.models import HistoricalIncident
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

SHIPPED_DIR = Path(__file__).resolve().parent / "data"


class HistoryFileError(ValueError):
    """The file as a whole cannot be read (its header, its encoding); nothing was loaded."""


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


@dataclass
class ImportSummary:
    dataset: str
    kept: int = 0
    replaced: int = 0
    errors: list[RowError] = field(default_factory=list)
    sha256: str = ""


def shipped_files() -> list[Path]:
    """The seed tables that come with the package (alerts/audit/data/*.csv)."""
    return sorted(SHIPPED_DIR.glob("*.csv"))


def read_records(text: str) -> tuple[list[HistoricalRecord], list[RowError]]:
    """Every good row, and each bad one's line number and reason."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise HistoryFileError("the file is empty; it needs a header row") from None
    except csv.Error as error:
        raise HistoryFileError(f"line 1: {error}") from None
    try:
        check_header(header)
    except ValueError as error:
        raise HistoryFileError(f"line 1: {error}") from None
    names = [h.strip().lower() for h in header]
    records: list[HistoricalRecord] = []
    errors: list[RowError] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RowError(line, f"not CSV: {error}"))
            continue
        if not any(c.strip() for c in cells) or (line == 2 and is_hashtag_row(cells)):
            continue  # blank lines, and the HXL hashtag row under the header
        if len(cells) > len(names):
            errors.append(RowError(line, f"{len(cells)} cells, but the header has {len(names)}"))
            continue
        try:
            records.append(parse_record(line, dict(zip(names, cells, strict=False))))
        except ValueError as error:
            errors.append(RowError(line, str(error)))
    return records, errors


def _rows(
    dataset: str, records: Iterable[HistoricalRecord], now: datetime
) -> list[dict[str, object]]:
    return [
        {
            "dataset": dataset,
            "line": r.line,
            "kind": r.kind,
            "date_text": r.date_text[:100],
            "date_first": None if r.span is None else r.span.first,
            "date_last": None if r.span is None else r.span.last,
            "date_precision": None if r.span is None else r.span.precision,
            "mission": r.mission[:100],
            "mission_text": r.mission_text[:100],
            "location": None if r.location is None else r.location[:200],
            "description": r.description,
            "deaths_text": r.deaths.text[:50] or None,
            "deaths_low": r.deaths.low,
            "deaths_high": r.deaths.high,
            "deaths_qualifier": r.deaths.qualifier,
            "response_during": r.response_during,
            "response_after": r.response_after,
            "unit": None if r.unit is None else r.unit[:200],
            "source": r.source,
            "imported_at": now,
        }
        for r in records
    ]


def import_history(
    session: Session, now: datetime, raw: bytes, *, dataset: str, actor: str
) -> ImportSummary:
    """Replace `dataset` with the good rows of a file, in the caller's transaction.

    Re-importing the same file changes nothing but the import time; an edited
    file replaces the rows it had. The import is an event with the file's
    SHA-256, so a report can say exactly which file its comparison came from.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise HistoryFileError(
            f"not UTF-8 (byte {error.start}): save the file as CSV UTF-8"
        ) from None
    records, errors = read_records(text)
    summary = ImportSummary(dataset, errors=errors, sha256=hashlib.sha256(raw).hexdigest())
    summary.replaced = (
        session.scalar(
            select(func.count())
            .select_from(HistoricalIncident)
            .where(HistoricalIncident.dataset == dataset)
        )
        or 0
    )
    session.execute(delete(HistoricalIncident).where(HistoricalIncident.dataset == dataset))
    if records:
        session.execute(insert(HistoricalIncident), _rows(dataset, records, now))
    summary.kept = len(records)
    ledger.record(
        session,
        now,
        HistoryImported(
            dataset=dataset,
            sha256=summary.sha256,
            kept=summary.kept,
            bad_rows=len(errors),
            replaced=summary.replaced,
        ),
        Subject("dataset", None),
        actor=actor,
    )
    return summary
