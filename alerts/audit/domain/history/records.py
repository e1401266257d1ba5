"""One row of a historical incidents file, checked. The format is in docs/history-file.md."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

from alerts.audit.domain.history.dates import DateSpan, parse_span
from alerts.audit.domain.history.missions import canonical_mission
from alerts.audit.domain.history.ranges import QualifiedCount, parse_count

Kind = Literal["attack", "refusal", "failure"]
KINDS: Final[tuple[Kind, ...]] = ("attack", "refusal", "failure")
COLUMNS: Final = (
    "kind",
    "date",
    "mission",
    "location",
    "description",
    "deaths",
    "response_during",
    "response_after",
    "unit",
    "source",
)
REQUIRED: Final = ("date", "mission")
_YES = {"yes", "y", "true", "1", "oui"}
_NO = {"no", "n", "false", "0", "non", "none"}
_UNKNOWN = {"", "unknown", "n/a", "?"}
MAX_TEXT = 2000
_KIND_OF: Final[dict[str, Kind]] = {k: k for k in KINDS}


@dataclass(frozen=True)
class HistoricalRecord:
    line: int
    kind: Kind
    span: DateSpan | None  # None: the source gives no date
    date_text: str
    mission: str  # canonical: MONUC is counted as MONUSCO
    mission_text: str
    location: str | None
    description: str | None
    deaths: QualifiedCount
    response_during: bool | None  # None: not reported either way
    response_after: str | None
    unit: str | None
    source: str | None


def check_header(header: Sequence[str]) -> None:
    """Raises ValueError naming unknown or missing columns (a typo would lose data)."""
    names = [h.strip().lower() for h in header]
    unknown = [h for h in names if h not in COLUMNS]
    if unknown:
        raise ValueError(
            f"unknown column(s) {', '.join(map(repr, unknown))}; the columns are "
            + ", ".join(COLUMNS)
        )
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ValueError(f"missing column(s): {', '.join(missing)}")
    repeated = sorted({h for h in names if names.count(h) > 1})
    if repeated:
        raise ValueError(f"column(s) given twice: {', '.join(repeated)}")


def _text(row: Mapping[str, str], column: str) -> str | None:
    value = " ".join((row.get(column) or "").split())
    if len(value) > MAX_TEXT:
        raise ValueError(f"{column}: longer than {MAX_TEXT} characters")
    return value or None


def _yes_no(text: str | None) -> bool | None:
    lowered = (text or "").lower()
    if lowered in _YES:
        return True
    if lowered in _NO:
        return False
    if lowered in _UNKNOWN:
        return None
    raise ValueError(f"response_during: {text!r} is not yes, no or empty")


def parse_record(line: int, row: Mapping[str, str]) -> HistoricalRecord:
    """Raises ValueError saying what is wrong with the row."""
    row = {k.strip().lower(): v for k, v in row.items() if k is not None}
    kind_text = (_text(row, "kind") or "attack").lower()
    kind = _KIND_OF.get(kind_text)
    if kind is None:
        raise ValueError(f"kind: {kind_text!r} is not one of {', '.join(KINDS)}")
    mission_text = _text(row, "mission")
    if mission_text is None or mission_text.lower() in {"n/a", "unknown"}:
        raise ValueError("mission: empty; every row names its mission")
    date_text = _text(row, "date") or ""
    try:
        span = parse_span(date_text)
    except ValueError as error:
        raise ValueError(f"date: {error}") from None
    try:
        deaths = parse_count(_text(row, "deaths") or "")
    except ValueError as error:
        raise ValueError(f"deaths: {error}") from None
    return HistoricalRecord(
        line=line,
        kind=kind,
        span=span,
        date_text=date_text,
        mission=canonical_mission(mission_text),
        mission_text=mission_text,
        location=_text(row, "location"),
        description=_text(row, "description"),
        deaths=deaths,
        response_during=_yes_no(_text(row, "response_during")),
        response_after=_text(row, "response_after"),
        unit=_text(row, "unit"),
        source=_text(row, "source"),
    )
