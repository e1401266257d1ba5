"""An incident's life: opened by a report, joined by others, relocated, closed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.core.domain.geo import Location
from alerts.core.references import unused_ref
from alerts.correlation.assign import index_cells
from alerts.correlation.domain.events import (
    IncidentClosed,
    IncidentOpened,
    IncidentRelocated,
    ReportAttached,
)
from alerts.correlation.domain.status import FINISHED, IncidentStatus, opened
from alerts.correlation.models import Incident, Report
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject


def place_label(location: Location) -> str | None:
    if location.place_name is None and location.point is not None:
        return f"{location.point.lat:.4f},{location.point.lon:.4f}"
    return location.place_name


def open_incident(
    session: Session,
    ctx: ServiceContext,
    report: Report,
    location: Location,
    scope: tuple[str | None, str | None],
    continuation_of: int | None = None,
) -> Incident:
    """Open an incident for `report`; `scope` is the (mission, sector) its sender's
    alerts belong to until routing places it."""
    now = ctx.clock.now()
    standing = opened(location)
    mission, sector = scope
    incident = Incident(
        mission=mission,
        sector=sector,
        ref=unused_ref(session, Incident.ref),
        status=standing.status,
        triage_reason=standing.triage_reason,
        threat=report.threat,
        severity=report.severity,
        lat=report.lat,
        lon=report.lon,
        radius_m=report.radius_m,
        place_name=place_label(location),
        first_report_at=report.received_at,
        last_report_at=report.received_at,
        opened_at=now,
        informants=1,
        continuation_of_id=continuation_of,
    )
    session.add(incident)
    session.flush()
    report.incident_id = incident.id
    index_cells(session, incident.id, [report])
    ledger.record(
        session,
        now,
        IncidentOpened(
            ref=incident.ref,
            report_id=report.id,
            status=standing.status,
            triage_reason=standing.triage_reason,
            threat=incident.threat,
            severity=incident.severity,
            continuation_of=continuation_of,
        ),
        Subject("incident", incident.id),
        incident_id=incident.id,
    )
    return incident


def own_recent_incident(
    session: Session, sender_id: int, received_at: datetime, window_start: datetime
) -> Incident | None:
    """The sender's own open incident, if they are repeating themselves.

    Only for reports that cannot be located: one anxious informant's repeats
    should not open many triage incidents, and joining their own is no chance.
    """
    return session.scalars(
        select(Incident)
        .join(Report, Report.incident_id == Incident.id)
        .where(
            Report.sender_id == sender_id,
            Report.received_at >= window_start,
            Report.received_at <= received_at,
            # A repeat after the response is over is news, not a repeat: a new incident.
            Incident.status.not_in(FINISHED),
        )
        .order_by(Report.received_at.desc(), Report.id.desc())
        .limit(1)
    ).first()


def record_attached(
    session: Session,
    ctx: ServiceContext,
    incident: Incident,
    report: Report,
    reason: str,
    decision: dict[str, object] | None = None,
) -> None:
    ledger.record(
        session,
        ctx.clock.now(),
        ReportAttached(
            report_id=report.id,
            reason=reason,
            informants=incident.informants,
            severity=incident.severity,
            decision=decision,
        ),
        Subject("incident", incident.id),
        incident_id=incident.id,
    )


def record_relocated(
    session: Session,
    ctx: ServiceContext,
    incident: Incident,
    report: Report,
    previous: dict[str, float | None],
) -> None:
    ledger.record(
        session,
        ctx.clock.now(),
        IncidentRelocated(
            report_id=report.id,
            from_=previous,
            method=report.location_method,
            lat=incident.lat,
            lon=incident.lon,
            radius_m=incident.radius_m,
        ),
        Subject("incident", incident.id),
        incident_id=incident.id,
    )


def close_incident(
    session: Session, incident: Incident, *, actor: str, outcome: list[str], now: datetime
) -> None:
    """Close with what was done; later reports about it become continuations."""
    incident.status = IncidentStatus.CLOSED
    incident.closed_at = now
    ledger.record(
        session,
        now,
        IncidentClosed(outcome=outcome),
        Subject("incident", incident.id),
        actor=actor,
        incident_id=incident.id,
    )
