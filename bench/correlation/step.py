"""The worker's correlation step for one report, as `bench.correlation.database`
and its worker processes run it, and the rows it writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.session import write_transaction
from alerts.correlation import assign as correlation
from alerts.correlation.domain.decide import new_incident_view
from alerts.correlation.domain.model import IncidentView, ReportFacts
from alerts.correlation.domain.rules import CorrelationRules
from alerts.correlation.incidents import own_recent_incident
from alerts.correlation.models import Incident, Report
from alerts.intake.models import InboundMessage
from bench.correlation.replay import DUPLICATE_WINDOW, SAME_SENDER_WINDOW


def database_step(factory: sessionmaker[Session], facts: ReportFacts, rules: CorrelationRules
                  ) -> int:  # fmt: skip
    """One report through the worker's correlation, in its own transaction: the
    incident it ends in (its original's, for a duplicate)."""
    with write_transaction(factory) as session:
        # The message first, as the worker holds its row before correlation's locks.
        message = session.get(InboundMessage, facts.id)
        assert message is not None
        correlation.lock_keys(session, [f"sender:{facts.sender_id}", *correlation.cells_for(facts)])
        duplicate = correlation.recent_duplicate(
            session, message, facts.sender_id, DUPLICATE_WINDOW
        )
        if duplicate is not None and duplicate.incident_id is not None:
            message.duplicate_of_id, message.handled_as = duplicate.message_id, "duplicate"
            return duplicate.incident_id
        report = Report(**report_row(facts, None))
        session.add(report)
        session.flush()
        since = facts.received_at - SAME_SENDER_WINDOW
        if facts.located:
            decision = correlation.choose(session, report, rules)
            if decision.action == "join" and decision.incident_id is not None:
                joined = session.get(Incident, decision.incident_id)
                assert joined is not None
                correlation.apply_join(session, joined, report, rules)
                return joined.id
            own = own_recent_incident(session, facts.sender_id, facts.received_at, since)
            if decision.action == "new" and own is not None and own.lat is None:
                correlation.apply_join(session, own, report, rules)
                return own.id
        else:
            own = own_recent_incident(session, facts.sender_id, facts.received_at, since)
            if own is not None:
                correlation.apply_join(session, own, report, rules)
                return own.id
        incident = Incident(**incident_row(new_incident_view(0, facts), f"N{report.id}"))
        session.add(incident)
        session.flush()
        report.incident_id = incident.id
        correlation.index_cells(session, incident.id, [report])
        return incident.id


def report_row(facts: ReportFacts, incident_id: int | None) -> dict[str, Any]:
    point = facts.point
    return {
        "message_id": facts.id, "sender_id": facts.sender_id, "incident_id": incident_id,
        "text": facts.text, "received_at": facts.received_at, "threat": facts.threat,
        "severity": facts.severity, "lat": None if point is None else point.lat,
        "lon": None if point is None else point.lon, "radius_m": facts.radius_m,
        "location_method": facts.method, "location_confidence": 0.0, "ambiguous": False,
    }  # fmt: skip


def incident_row(view: IncidentView, ref: str, incident_id: int | None = None
                 ) -> dict[str, Any]:  # fmt: skip
    point = view.point
    return {
        "ref": ref, "status": "open" if point is not None else "triage",
        "triage_reason": None if point is not None else "unlocated", "threat": view.threat,
        "severity": view.severity, "lat": None if point is None else point.lat,
        "lon": None if point is None else point.lon, "radius_m": view.radius_m,
        "first_report_at": view.first_report_at, "last_report_at": view.last_report_at,
        "opened_at": view.first_report_at, "informants": len(view.informants),
    } | ({"id": incident_id} if incident_id is not None else {})  # fmt: skip
