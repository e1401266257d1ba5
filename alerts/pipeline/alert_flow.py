"""One alert, from its text to an incident and, when it is new and located, a tasking."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.core.domain.geo import Location
from alerts.correlation import assign as correlation
from alerts.correlation import incidents
from alerts.correlation.domain.cells import cells_near
from alerts.correlation.domain.status import FINISHED, IncidentStatus, Standing, moved_by_report
from alerts.correlation.holding import choose_holding, hold_incident
from alerts.correlation.models import Incident, Report
from alerts.dispatch import orders
from alerts.dispatch.orders import route_if_ready
from alerts.intake.models import InboundMessage
from alerts.locating.domain.threats import ThreatAssessment
from alerts.pipeline.domain.events import (
    AlertLocated,
    AlertUnlocated,
    ContinuationLinked,
    IncidentReopened,
    MessageDuplicate,
)
from alerts.registry.models import Sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject


@dataclass(frozen=True)
class Assessment:
    location: Location
    threat: ThreatAssessment


@dataclass(frozen=True)
class AlertOutcome:
    handled_as: str  # "alert" or "duplicate"
    report_id: int | None
    incident_id: int | None
    tasking_id: int | None = None
    duplicate_of: int | None = None


def handle_alert(
    session: Session,
    ctx: ServiceContext,
    message: InboundMessage,
    sender: Sender,
    assessment: Assessment,
) -> AlertOutcome:
    location = assessment.location
    # Locks first, before any row changes: the sender (for the duplicate check) and
    # every cell the report could match in. Reports of different places are then
    # decided in parallel; one place's, one at a time. The incidents it could join
    # are held next (see `choose_holding`), then, if it is routed, the unit.
    keys = [f"sender:{sender.id}"]
    if location.point is not None and location.radius_m is not None:
        keys += cells_near(location.point, location.radius_m)
    correlation.lock_keys(session, keys)
    duplicate = correlation.recent_duplicate(session, message, sender.id, ctx.duplicate_window)
    if duplicate is not None:
        return _link_duplicate(session, ctx, message, duplicate)

    report = _new_report(session, message, sender, assessment)
    own = incidents.own_recent_incident(
        session, sender.id, report.received_at, report.received_at - ctx.same_sender_window
    )
    if not location.located:
        _record_located(session, ctx, message, report, assessment)
        return _unlocated(session, ctx, report, location, _held_own(session, own))

    also = [own.id] if own is not None else []
    decision = choose_holding(session, report, ctx.correlation, also=also)
    own = _held_own(session, own)
    _record_located(session, ctx, message, report, assessment)
    if decision.action == "join" and decision.incident_id is not None:
        incident = session.get(Incident, decision.incident_id)
        assert incident is not None
        return _join(session, ctx, incident, report, decision.as_record(), decision.reopen)
    if decision.action == "new" and own is not None and own.lat is None:
        # The same sender now says where: their incident in triage gets the place.
        return _join(session, ctx, own, report, {"reason": "same-sender-located"}, False)
    incident = incidents.open_incident(
        session,
        ctx,
        report,
        location,
        _sender_scope(session, ctx, report),
        continuation_of=decision.continuation_of,
    )
    if decision.continuation_of is not None:
        ledger.record(
            session,
            ctx.clock.now(),
            ContinuationLinked(decision.continuation_of, decision=decision.as_record()),
            Subject("incident", incident.id),
            incident_id=incident.id,
        )
    return _route_if_ready(session, ctx, incident, report)


def _held_own(session: Session, own: Incident | None) -> Incident | None:
    """The sender's own recent incident, held: still theirs to repeat into only if
    nothing finished it while this report waited for it."""
    if own is None:
        return None
    held = hold_incident(session, own.id)
    return held if held is not None and held.status not in FINISHED else None


def _link_duplicate(
    session: Session, ctx: ServiceContext, message: InboundMessage, original: Report
) -> AlertOutcome:
    """The same sender's same words again: kept and linked, never a second report."""
    now = ctx.clock.now()
    message.duplicate_of_id = original.message_id
    message.handled_as, message.handled_at = "duplicate", now
    ledger.record(
        session,
        now,
        MessageDuplicate(duplicate_of_message=original.message_id, report_id=original.id),
        Subject("message", message.id),
        incident_id=original.incident_id,
    )
    return AlertOutcome(
        "duplicate", original.id, original.incident_id, duplicate_of=original.message_id
    )


def _new_report(
    session: Session, message: InboundMessage, sender: Sender, assessment: Assessment
) -> Report:
    location, threat = assessment.location, assessment.threat
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
    return report


def _record_located(
    session: Session,
    ctx: ServiceContext,
    message: InboundMessage,
    report: Report,
    assessment: Assessment,
) -> None:
    location, threat = assessment.location, assessment.threat
    now = ctx.clock.now()
    assessed = AlertLocated if location.located else AlertUnlocated
    ledger.record(
        session,
        now,
        assessed(
            message_id=message.id,
            method=location.method,
            lat=report.lat,
            lon=report.lon,
            radius_m=location.radius_m,
            confidence=location.confidence,
            place=location.place_name,
            matched_text=location.matched_text,
            ambiguous=location.ambiguous,
            candidates=report.candidates,
            threat=threat.threat,
            severity=threat.severity,
            threat_words=list(threat.matched),
        ),
        Subject("report", report.id),
    )
    message.handled_as, message.handled_at = "alert", now


def _unlocated(
    session: Session,
    ctx: ServiceContext,
    report: Report,
    location: Location,
    own: Incident | None,
) -> AlertOutcome:
    """Never joins a located incident by chance: its own triage incident, unless the
    same sender is plainly repeating themselves (`own`, held)."""
    if own is not None:
        correlation.apply_join(session, own, report, ctx.correlation)
        incidents.record_attached(session, ctx, own, report, "same-sender-repeat")
        return AlertOutcome("alert", report.id, own.id)
    incident = incidents.open_incident(
        session, ctx, report, location, _sender_scope(session, ctx, report)
    )
    return AlertOutcome("alert", report.id, incident.id)


def _sender_scope(
    session: Session, ctx: ServiceContext, report: Report
) -> tuple[str | None, str | None]:
    sender = session.get(Sender, report.sender_id)
    assert sender is not None
    return orders.scope_of_sender(session, ctx, sender)


def _join(
    session: Session,
    ctx: ServiceContext,
    incident: Incident,
    report: Report,
    decision: dict[str, object],
    reopen: bool,
) -> AlertOutcome:
    if reopen:
        incident.closed_at = None
        incident.status = IncidentStatus.OPEN
        ledger.record(
            session,
            ctx.clock.now(),
            IncidentReopened(report_id=report.id),
            Subject("incident", incident.id),
            incident_id=incident.id,
        )
    before = correlation.apply_join(session, incident, report, ctx.correlation)
    incidents.record_attached(session, ctx, incident, report, "correlated", decision)
    moved = (before.point is None) != (incident.lat is None) or (
        before.point is not None
        and (before.point.lat, before.point.lon, before.radius_m)
        != (incident.lat, incident.lon, incident.radius_m)
    )
    if not moved:
        # Reopened, or corroborated enough that the policy may now task at once.
        if reopen or incident.status == IncidentStatus.TO_VERIFY:
            return _route_if_ready(session, ctx, incident, report)
        return AlertOutcome("alert", report.id, incident.id)
    previous = {
        "lat": before.point.lat if before.point else None,
        "lon": before.point.lon if before.point else None,
        "radius_m": before.radius_m,
    }
    if report.place_name or report.lat is not None:
        incident.place_name = report.place_name or incident.place_name
    incidents.record_relocated(session, ctx, incident, report, previous)
    incident.status, incident.triage_reason = moved_by_report(
        Standing(incident.status, incident.triage_reason), ambiguous=report.ambiguous
    )
    return _route_if_ready(session, ctx, incident, report)


def _route_if_ready(
    session: Session, ctx: ServiceContext, incident: Incident, report: Report
) -> AlertOutcome:
    """Route and task an incident that is located, unambiguous and not yet tasked,
    as the mission's tasking policy says."""
    tasking = route_if_ready(session, ctx, incident)
    return AlertOutcome("alert", report.id, incident.id, tasking.id if tasking else None)
