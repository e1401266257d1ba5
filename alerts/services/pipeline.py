"""What a worker does with one inbound message.

A unit's reply updates its tasking. Anything else is an alert: it becomes a
report, is located, joins or opens an incident, and a new incident is routed
and its QRF tasked. One transaction, so a crash leaves nothing half-done and
the job can simply run again; each stage still writes its own timed event.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.db.models import InboundMessage, Incident, Report, Sender
from alerts.db.session import write_transaction
from alerts.domain.geo import Location
from alerts.domain.threats import ThreatAssessment, classify
from alerts.services import ledger, replies
from alerts.services.context import ServiceContext
from alerts.services.dispatch import has_open_tasking, route_incident, task_unit
from alerts.services.ledger import Subject
from alerts.services.references import unused_ref

UNIT_ROLES = frozenset({"unit"})
# A repeat after the response is over is news, not a repeat: it opens a new incident.
FINISHED_INCIDENT_STATUSES = ("responded", "closed")


@dataclass(frozen=True)
class Outcome:
    message_id: int
    handled_as: str
    report_id: int | None = None
    incident_id: int | None = None
    tasking_id: int | None = None
    already_done: bool = False


def process_message(ctx: ServiceContext, message_id: int) -> Outcome:
    assessment = _assess(ctx, message_id)
    with write_transaction(ctx.factory) as session:
        message = session.get(InboundMessage, message_id)
        if message is None:
            raise LookupError(f"no inbound message {message_id}")
        if message.handled_as is not None:
            return _previous_outcome(session, message)
        sender = session.get(Sender, message.sender_id)
        assert sender is not None
        if assessment is None:
            replies.handle_unit_reply(session, ctx, message, sender)
            _mark(message, "unit_reply", ctx.clock.now())
            return Outcome(message.id, "unit_reply")
        return _process_alert(session, ctx, message, sender, assessment)


@dataclass(frozen=True)
class Assessment:
    location: Location
    threat: ThreatAssessment


def _assess(ctx: ServiceContext, message_id: int) -> Assessment | None:
    """Locate and classify an alert before the write transaction: locating may
    wait on a geocoder, which must never happen while holding the ledger lock.
    None for a unit's reply, which is not an alert."""
    with ctx.factory() as session:
        message = session.get(InboundMessage, message_id)
        if message is None:
            raise LookupError(f"no inbound message {message_id}")
        sender = session.get(Sender, message.sender_id)
        assert sender is not None
        if sender.role in UNIT_ROLES:
            return None
        return Assessment(
            ctx.locator.locate(session, message.body, sender),
            classify(message.body, ctx.keywords),
        )


def _mark(message: InboundMessage, handled_as: str, now: datetime) -> None:
    message.handled_as = handled_as
    message.handled_at = now


def _previous_outcome(session: Session, message: InboundMessage) -> Outcome:
    report = session.scalars(select(Report).where(Report.message_id == message.id)).first()
    return Outcome(
        message.id,
        message.handled_as or "",
        report_id=report.id if report else None,
        incident_id=report.incident_id if report else None,
        already_done=True,
    )


def _process_alert(
    session: Session,
    ctx: ServiceContext,
    message: InboundMessage,
    sender: Sender,
    assessment: Assessment,
) -> Outcome:
    location, threat = assessment.location, assessment.threat
    now = ctx.clock.now()
    report = Report(
        message_id=message.id,
        sender_id=sender.id,
        text=message.body,
        received_at=message.received_at,
        threat=threat.threat,
        severity=threat.severity,
        ambiguous=location.ambiguous,
        candidates=[dataclasses.asdict(c) for c in location.candidates] or None,
        lat=location.point.lat if location.point else None,
        lon=location.point.lon if location.point else None,
        radius_m=location.radius_m,
        location_method=location.method,
        location_confidence=location.confidence,
        place_name=location.place_name,
        matched_text=location.matched_text,
    )
    session.add(report)
    session.flush()
    ledger.record(
        session,
        now,
        "alert.located" if location.located else "alert.unlocated",
        Subject("report", report.id),
        {
            "message_id": message.id,
            "method": location.method,
            "lat": report.lat,
            "lon": report.lon,
            "radius_m": location.radius_m,
            "confidence": location.confidence,
            "place": location.place_name,
            "matched_text": location.matched_text,
            "ambiguous": location.ambiguous,
            "candidates": report.candidates,
            "threat": threat.threat,
            "severity": threat.severity,
            "threat_words": list(threat.matched),
        },
    )
    _mark(message, "alert", now)

    incident = _open_incident_of_sender(session, ctx, sender, message.received_at)
    if incident is not None:
        _attach(session, ctx, incident, report)
        if not _sharpens(incident, location):
            return Outcome(message.id, "alert", report.id, incident.id)
        _relocate(session, ctx, incident, report, location)
        if has_open_tasking(session, incident.id):
            return Outcome(message.id, "alert", report.id, incident.id)
    else:
        incident = _open_incident(session, ctx, report, location)
        if incident.triage_reason is not None:
            return Outcome(message.id, "alert", report.id, incident.id)
    decision = route_incident(session, ctx, incident)
    tasking = None
    if decision.unit_id is not None:
        tasking = task_unit(session, ctx, incident, decision.unit_id)
    return Outcome(message.id, "alert", report.id, incident.id, tasking.id if tasking else None)


def triage_reason_for(location: Location) -> str | None:
    """Why a person must decide where this is before anyone is sent."""
    if not location.located:
        return "unlocated"
    if location.ambiguous:
        return "ambiguous"
    return None


def _sharpens(incident: Incident, location: Location) -> bool:
    """A repeat that locates the incident better than anything before it."""
    if not location.located or location.ambiguous or location.radius_m is None:
        return False
    return incident.radius_m is None or location.radius_m < incident.radius_m


def _relocate(
    session: Session, ctx: ServiceContext, incident: Incident, report: Report, location: Location
) -> None:
    previous = {"lat": incident.lat, "lon": incident.lon, "radius_m": incident.radius_m}
    incident.lat, incident.lon, incident.radius_m = report.lat, report.lon, report.radius_m
    incident.place_name = _place_label(location)
    if incident.status == "triage":
        incident.status = "open"
        incident.triage_reason = None
    ledger.record(
        session,
        ctx.clock.now(),
        "incident.relocated",
        Subject("incident", incident.id),
        {
            "report_id": report.id,
            "from": previous,
            "method": location.method,
            "lat": incident.lat,
            "lon": incident.lon,
            "radius_m": incident.radius_m,
        },
        incident_id=incident.id,
    )


def _place_label(location: Location) -> str | None:
    if location.place_name is None and location.point is not None:
        return f"{location.point.lat:.4f},{location.point.lon:.4f}"
    return location.place_name


def _open_incident_of_sender(
    session: Session, ctx: ServiceContext, sender: Sender, received_at: datetime
) -> Incident | None:
    """The sender's own recent incident, if they are repeating themselves.

    Correlating different senders' reports is a separate, later stage; this
    only stops one anxious informant's repeats from opening many incidents.
    """
    since = received_at - ctx.same_sender_window
    return session.scalars(
        select(Incident)
        .join(Report, Report.incident_id == Incident.id)
        .where(
            Report.sender_id == sender.id,
            Report.received_at >= since,
            Incident.status.not_in(FINISHED_INCIDENT_STATUSES),
        )
        .order_by(Report.received_at.desc())
        .limit(1)
    ).first()


def _attach(session: Session, ctx: ServiceContext, incident: Incident, report: Report) -> None:
    report.incident_id = incident.id
    incident.last_report_at = max(incident.last_report_at, report.received_at)
    if report.severity > incident.severity:
        incident.severity, incident.threat = report.severity, report.threat
    ledger.record(
        session,
        ctx.clock.now(),
        "incident.report_attached",
        Subject("incident", incident.id),
        {"report_id": report.id, "reason": "same-sender-repeat"},
        incident_id=incident.id,
    )


def _open_incident(
    session: Session, ctx: ServiceContext, report: Report, location: Location
) -> Incident:
    now = ctx.clock.now()
    triage_reason = triage_reason_for(location)
    incident = Incident(
        ref=unused_ref(session, Incident.ref),
        status="triage" if triage_reason else "open",
        triage_reason=triage_reason,
        threat=report.threat,
        severity=report.severity,
        lat=report.lat,
        lon=report.lon,
        radius_m=report.radius_m,
        place_name=_place_label(location),
        first_report_at=report.received_at,
        last_report_at=report.received_at,
        opened_at=now,
    )
    session.add(incident)
    session.flush()
    report.incident_id = incident.id
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
        },
        incident_id=incident.id,
    )
    return incident
