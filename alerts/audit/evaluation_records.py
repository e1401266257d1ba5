"""What the timeline needs for the immediate-response rate and cannot see by itself.

When an attack ended, and what was done about it (a political step leaves no
tasking behind), are told by people: a JOC officer, a CLA after calling back,
an evaluator reading the mission's own records. Each statement is an event
with its actor; a correction is a later statement, and the latest one counts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from alerts.audit.domain.events import AttackEnded, ResponseAction
from alerts.audit.domain.metrics.response import RESPONSE_ACTIONS
from alerts.correlation.models import Incident
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject
from alerts.timeline.models import Event


class RecordRefused(ValueError):
    """The statement makes no sense as given; the message says why."""


def _incident(session: Session, incident_id: int) -> Incident:
    incident = session.get(Incident, incident_id)
    if incident is None:
        raise RecordRefused(f"no incident {incident_id}")
    return incident


def _utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None:
        raise RecordRefused(f"{what} needs a time zone; times here are UTC")
    return moment


def record_attack_end(
    session: Session, now: datetime, incident_id: int, ended_at: datetime, actor: str
) -> Event:
    """The attack behind an incident ended at `ended_at` (event `incident.attack_ended`)."""
    incident = _incident(session, incident_id)
    ended_at = _utc(ended_at, "the end time")
    if ended_at > now:
        raise RecordRefused("an attack cannot have ended in the future")
    return ledger.record(
        session,
        now,
        AttackEnded(ended_at=ended_at),
        Subject("incident", incident.id),
        actor=actor,
        incident_id=incident.id,
    )


def record_response_action(
    session: Session, now: datetime, incident_id: int, action: str, at: datetime, actor: str
) -> Event:
    """Something was done about an incident at `at` (event `incident.response_action`).

    `political_engagement` is the political intervention that counts as an
    immediate response when it came before the attack's end.
    """
    incident = _incident(session, incident_id)
    if action not in RESPONSE_ACTIONS:
        raise RecordRefused(
            f"{action!r} is not a response action: one of {', '.join(sorted(RESPONSE_ACTIONS))}"
        )
    at = _utc(at, "the action's time")
    if at > now:
        raise RecordRefused("an action cannot be recorded as done in the future")
    return ledger.record(
        session,
        now,
        ResponseAction(action=action, at=at),
        Subject("incident", incident.id),
        actor=actor,
        incident_id=incident.id,
    )
