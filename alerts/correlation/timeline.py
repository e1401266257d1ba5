"""An incident's timeline: its own events and those of the reports and replies about it."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from alerts.correlation.models import Report
from alerts.timeline.domain.kinds import EventKind
from alerts.timeline.models import Event


def incident_timeline(session: Session, incident_id: int) -> list[Event]:
    """Every event about an incident, including those of its reports' messages
    from before the incident existed, and of the replies units sent about it."""
    reports = session.execute(
        select(Report.id, Report.message_id).where(Report.incident_id == incident_id)
    ).all()
    report_ids = [r.id for r in reports]
    message_ids = [r.message_id for r in reports]
    events = list(
        session.scalars(
            select(Event)
            .where(
                or_(
                    Event.incident_id == incident_id,
                    (Event.subject_type == "incident") & (Event.subject_id == incident_id),
                    (Event.subject_type == "report") & Event.subject_id.in_(report_ids),
                    (Event.subject_type == "message") & Event.subject_id.in_(message_ids),
                )
            )
            .order_by(Event.id)
        )
    )
    # A unit's reply is a message like any other, received before anyone knew
    # which incident it was about; its tasking event names it.
    replies = {
        int(e.data["message_id"]) for e in events if isinstance(e.data.get("message_id"), int)
    } - set(message_ids)
    if replies:
        known = {e.id for e in events}
        received = session.scalars(
            select(Event).where(
                Event.subject_type == "message",
                Event.subject_id.in_(sorted(replies)),
                Event.kind == EventKind.MESSAGE_RECEIVED,
            )
        )
        events += [e for e in received if e.id not in known]
        events.sort(key=lambda e: e.id)
    return events
