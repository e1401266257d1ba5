"""Reports (one per alert) and the incidents they make up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alerts.core.db.base import Model
from alerts.core.db.types import JSONDocument, StateText, UTCDateTime
from alerts.correlation.domain.status import IncidentStatus, TriageReason


class Incident(Model):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(12), unique=True)
    status: Mapped[IncidentStatus] = mapped_column(StateText(IncidentStatus, 16), index=True)
    threat: Mapped[str] = mapped_column(String(32), default="unknown")
    severity: Mapped[int] = mapped_column(Integer, default=1)
    # Why a person must look before anything is tasked: unlocated, ambiguous, no unit.
    triage_reason: Mapped[TriageReason | None] = mapped_column(StateText(TriageReason, 32))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[float | None] = mapped_column(Float)
    place_name: Mapped[str | None] = mapped_column(String(200))
    base_id: Mapped[int | None] = mapped_column(ForeignKey("bases.id"))
    # Who may see it: the mission and sector of its base (or of its sender's network).
    mission: Mapped[str | None] = mapped_column(String(100), index=True)
    sector: Mapped[str | None] = mapped_column(String(100))
    # Where the escalation chain stands: the step reached, and how often it was used.
    escalation_step: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    escalation_uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_report_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_report_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Distinct senders among its reports: independent corroboration.
    informants: Mapped[int] = mapped_column(Integer, default=1)
    # A report about a closed incident opens a new one, linked as a possible continuation.
    continuation_of_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    route: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)

    reports: Mapped[list[Report]] = relationship(
        back_populates="incident", foreign_keys="Report.incident_id"
    )


class IncidentCell(Model):
    """The grid cells an incident's track passes through: the spatial half of the
    correlation index (the temporal half is `incidents.last_report_at`)."""

    __tablename__ = "incident_cells"
    __table_args__ = (UniqueConstraint("cell", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cell: Mapped[str] = mapped_column(String(32))
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)


class Report(Model):
    """One alert from one source, located; many reports can make one incident."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("inbound_messages.id"), unique=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("senders.id"), index=True)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    threat: Mapped[str] = mapped_column(String(32), default="unknown")
    severity: Mapped[int] = mapped_column(Integer, default=1)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    radius_m: Mapped[float | None] = mapped_column(Float)
    ambiguous: Mapped[bool] = mapped_column(default=False)
    # Up to five places the text may mean, best first, for the JOC to choose from.
    candidates: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDocument)
    location_method: Mapped[str] = mapped_column(String(32))
    location_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    place_name: Mapped[str | None] = mapped_column(String(200))
    matched_text: Mapped[str | None] = mapped_column(Text)

    incident: Mapped[Incident | None] = relationship(
        back_populates="reports", foreign_keys=[incident_id]
    )
