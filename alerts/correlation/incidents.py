"""An incident's life: opened by a report, joined by others, relocated, closed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.core.domain.geo import Location
from alerts.core.references import unused_ref
from alerts.correlation.assign import index_cells
from alerts.correlation.domain.status import DONE_STATUSES
from alerts.correlation.models import Incident, Report
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject


def triage_reason_for(location: Location) -> str | None:
    """Why a person must decide where this is before anyone is sent."""
    if not location.located:
        return "unlocated"
    if location.ambiguous:
        return "ambiguous"
    return None


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
    triage_reason = triage_reason_for(location)
    mission, sector = scope
    incident = Incident(
        mission=mission,
        sector=sector,
        ref=unused_ref(session, Incident.ref),
        status="triage" if triage_reason else "open",
        triage_reason=triage_reason,
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
        "incident.opened",
        Subject("incident", incident.id),
        {
            "ref": incident.ref,
            "report_id": report.id,
            "status": incident.status,
            "triage_reason": triage_reason,
            "threat": incident.threat,
            "severity": incident.severity,
            "continuation_of": continuation_of,
        },
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
            Incident.status.not_in(DONE_STATUSES),
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
        "incident.report_attached",
        Subject("incident", incident.id),
        {
            "report_id": report.id,
            "reason": reason,
            "informants": incident.informants,
            "severity": incident.severity,
            "decision": decision,
        },
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
        "incident.relocated",
        Subject("incident", incident.id),
        {
            "report_id": report.id,
            "from": previous,
            "method": report.location_method,
            "lat": incident.lat,
            "lon": incident.lon,
            "radius_m": incident.radius_m,
        },
        incident_id=incident.id,
    )


def close_incident(
    session: Session, incident: Incident, *, actor: str, outcome: list[str], now: datetime
) -> None:
    """Close with what was done; later reports about it become continuations."""
    incident.status = "closed"
    incident.closed_at = now
    ledger.record(
        session,
        now,
        "incident.closed",
        Subject("incident", incident.id),
        {"outcome": outcome},
        actor=actor,
        incident_id=incident.id,
    )
