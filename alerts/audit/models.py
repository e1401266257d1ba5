"""Past incidents from published reports, imported for comparison (`alerts history import`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from alerts.core.db.base import Model
from alerts.core.db.types import UTCDateTime


class HistoricalIncident(Model):
    """One row of a historical file: an attack on civilians, or an order refused or
    failed. Kept with the words it was published in: dates, counts and names
    as written, beside what they were read as."""

    __tablename__ = "historical_incidents"
    # Re-importing a dataset replaces it, so a line is one row of it.
    __table_args__ = (UniqueConstraint("dataset", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset: Mapped[str] = mapped_column(String(100), index=True)
    line: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # attack, refusal, failure
    date_text: Mapped[str] = mapped_column(String(100))
    # None: the source gives no date.
    date_first: Mapped[date | None] = mapped_column(Date)
    date_last: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str | None] = mapped_column(String(8))
    # Canonical (MONUC is counted as MONUSCO); as written beside it.
    mission: Mapped[str] = mapped_column(String(100), index=True)
    mission_text: Mapped[str] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    deaths_text: Mapped[str | None] = mapped_column(String(50))
    deaths_low: Mapped[int | None] = mapped_column(Integer)
    deaths_high: Mapped[int | None] = mapped_column(Integer)  # None: no upper bound
    deaths_qualifier: Mapped[str] = mapped_column(String(16))
    # None: the source says neither yes nor no.
    response_during: Mapped[bool | None] = mapped_column(Boolean)
    response_after: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(Text)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
