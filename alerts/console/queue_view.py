"""The facts behind the live queue, read in a handful of queries."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from alerts.console.domain.queue import QueueFacts, QueueRow, ordered
from alerts.console.domain.scope import Scope
from alerts.console.scoping import single_mission, visible
from alerts.correlation.domain.status import FINAL, TriageReason
from alerts.correlation.models import Incident, Report
from alerts.dispatch.domain.tasking import OPEN_STATUSES, TaskingStatus
from alerts.dispatch.models import Deadline, Tasking
from alerts.registry.models import Unit
from alerts.timeline.domain.kinds import EventKind
from alerts.timeline.models import Event

# A console shows the most urgent this many; more open incidents than that is a crisis
# the page must stay fast in.
QUEUE_LIMIT = 200


def _open_incidents(session: Session, scope: Scope) -> list[Incident]:
    return list(
        session.scalars(
            select(Incident)
            .where(
                # Out of the queue: nothing more to decide.
                Incident.status.not_in(FINAL),
                Incident.merged_into_id.is_(None),
                visible(scope, single=single_mission(session)),
            )
            .order_by(Incident.severity.desc(), Incident.first_report_at, Incident.id)
            .limit(QUEUE_LIMIT)
        )
    )


def action_filter() -> object:
    """Events that count as someone acting: an operator, a unit, or a tasking."""
    return or_(Event.actor != "system", Event.kind.like("tasking.%"))


def queue_rows(session: Session, scope: Scope, now: datetime) -> list[QueueRow]:
    incidents = _open_incidents(session, scope)
    ids = [i.id for i in incidents]
    if not ids:
        return []
    reports = dict(
        session.execute(
            select(Report.incident_id, func.count(Report.id))
            .where(Report.incident_id.in_(ids))
            .group_by(Report.incident_id)
        ).all()
    )
    ack_due, overdue = _deadlines(session, ids, now)
    exhausted = set(
        session.scalars(
            select(Event.incident_id)
            .where(Event.incident_id.in_(ids), Event.kind == EventKind.ESCALATION_EXHAUSTED)
            .distinct()
        )
    )
    last_action = dict(
        session.execute(
            select(Event.incident_id, func.max(Event.occurred_at))
            .where(Event.incident_id.in_(ids), action_filter())  # type: ignore[arg-type]
            .group_by(Event.incident_id)
        ).all()
    )
    units, unanswered = _open_taskings(session, ids)
    facts = [
        QueueFacts(
            incident_id=i.id,
            ref=i.ref,
            status=i.status,
            threat=i.threat,
            severity=i.severity,
            informants=i.informants,
            reports=reports.get(i.id, 0),
            first_report_at=i.first_report_at,
            last_report_at=i.last_report_at,
            place_name=i.place_name,
            sector=i.sector,
            located=i.lat is not None,
            ambiguous=i.triage_reason == TriageReason.AMBIGUOUS,
            ack_due_at=ack_due.get(i.id),
            overdue_deadlines=overdue.get(i.id, 0),
            escalation_exhausted=i.id in exhausted,
            last_action_at=last_action.get(i.id),
            verified=i.verified_at is not None,
            tasked_units=tuple(units.get(i.id, ())),
            unanswered_taskings=unanswered.get(i.id, 0),
        )
        for i in incidents
    ]
    return ordered(facts, now)


def _deadlines(
    session: Session, ids: list[int], now: datetime
) -> tuple[dict[int, datetime], dict[int, int]]:
    """By incident: when its earliest pending ACK falls due, and how many deadlines are overdue."""
    ack_due = dict(
        session.execute(
            select(Deadline.incident_id, func.min(Deadline.due_at))
            .where(
                Deadline.incident_id.in_(ids),
                Deadline.kind == "ack",
                Deadline.status == "pending",
            )
            .group_by(Deadline.incident_id)
        ).all()
    )
    overdue = dict(
        session.execute(
            select(Deadline.incident_id, func.count(Deadline.id))
            .where(
                Deadline.incident_id.in_(ids),
                Deadline.status == "pending",
                Deadline.due_at < now,
            )
            .group_by(Deadline.incident_id)
        ).all()
    )
    return ack_due, overdue


def _open_taskings(session: Session, ids: list[int]) -> tuple[dict[int, list[str]], dict[int, int]]:
    """By incident: its units still on an order, with their state, and how many never answered."""
    units: dict[int, list[str]] = defaultdict(list)
    unanswered: dict[int, int] = defaultdict(int)
    for tasking_status, incident_id, callsign in session.execute(
        select(Tasking.status, Tasking.incident_id, Unit.callsign)
        .join(Unit, Unit.id == Tasking.unit_id)
        .where(Tasking.incident_id.in_(ids), Tasking.status.in_(OPEN_STATUSES))
        .order_by(Tasking.id)
    ):
        units[incident_id].append(f"{callsign} ({tasking_status})")
        if tasking_status == TaskingStatus.PENDING:
            unanswered[incident_id] += 1
    return units, unanswered


# How long a warning that orders wait in the SMS queue stays on the console.
SMS_ALARM_SHOWN_FOR = timedelta(minutes=15)


def sms_queue_alarm(session: Session, now: datetime) -> dict[str, object] | None:
    """The latest warning that an order would wait for its SMS slot longer than a unit
    has to acknowledge it, if one was raised lately: everyone in the JOC must see it."""
    event = session.scalars(
        select(Event)
        .where(
            Event.kind == EventKind.SMS_QUEUE_ALARM,
            Event.occurred_at >= now - SMS_ALARM_SHOWN_FOR,
        )
        .order_by(Event.id.desc())
        .limit(1)
    ).first()
    if event is None:
        return None
    return {
        "at": event.occurred_at,
        "wait_s": event.data.get("wait_s"),
        "ack_timeout_s": event.data.get("ack_timeout_s"),
    }
