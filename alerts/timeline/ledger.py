"""Appending to the event log: one insert in the writer's own transaction, no lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert
from sqlalchemy.orm import Session

from alerts.core.db.inserts import table_of
from alerts.core.db.types import json_safe
from alerts.timeline import live
from alerts.timeline.domain.canonical import canonical_json
from alerts.timeline.domain.kinds import Payload
from alerts.timeline.models import Event

SYSTEM = "system"


@dataclass(frozen=True)
class Subject:
    type: str
    id: int | None


def record(
    session: Session,
    now: datetime,
    payload: Payload,
    subject: Subject,
    *,
    actor: str = SYSTEM,
    incident_id: int | None = None,
) -> Event:
    """Append one event, inside a `write_transaction`.

    `payload` is one of the typed events the features declare (see
    `timeline.domain.kinds`): its kind, and its fields as the JSON data.

    Nothing is locked and no head is read: the row gets its id from the database and
    the sequencer (timeline/sequencer.py) seals it into the log once it has committed.
    """
    kind = str(payload.kind)
    data = json_safe(payload.data())
    # Refused here, in the writer's own transaction, rather than left to poison the
    # log: the sequencer must be able to seal every event it is given.
    canonical_json(data)
    event = Event(
        occurred_at=now,
        actor=actor,
        kind=kind,
        subject_type=subject.type,
        subject_id=subject.id,
        incident_id=incident_id,
        data=data,
    )
    session.add(event)
    session.flush()
    # Published to open consoles once the transaction commits (see timeline/live.py).
    live.remember(session, event.id, kind, incident_id)
    return event


# Built once: a statement with its values inline costs more to build and to cache
# than to run. The values go in as parameters.
_APPEND = insert(table_of(Event)).returning(table_of(Event).c.id)


def append(
    session: Session,
    now: datetime,
    payload: Payload,
    subject: Subject,
    *,
    actor: str = SYSTEM,
    incident_id: int | None = None,
) -> int:
    """`record`, for hot paths: one INSERT ... RETURNING id, and no ORM object.

    Intake appends an event for every SMS; building, flushing and tracking an `Event`
    instance cost it more than the insert itself. Returns the new event's id.
    """
    kind = str(payload.kind)
    data = json_safe(payload.data())
    canonical_json(data)  # refused here, as in `record`
    values = {
        "occurred_at": now,
        "actor": actor,
        "kind": kind,
        "subject_type": subject.type,
        "subject_id": subject.id,
        "incident_id": incident_id,
        "data": data,
    }
    event_id: int = session.connection().execute(_APPEND, values).scalar_one()
    live.remember(session, event_id, kind, incident_id)
    return event_id
