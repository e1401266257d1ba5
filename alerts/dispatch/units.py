"""A unit's readiness: ready, tasked, deployed or unavailable.

It follows from the unit's replies and from operators; every change is an
event, so an evaluator can tell whether a QRF was ready when an alert came.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.dispatch.domain.tasking import OPEN_STATUSES
from alerts.dispatch.models import Tasking
from alerts.registry.models import Unit
from alerts.timeline import ledger
from alerts.timeline.ledger import SYSTEM, Subject

UNIT_STATUSES = ("ready", "tasked", "deployed", "unavailable")


def set_status(
    session: Session,
    now: datetime,
    unit: Unit,
    status: str,
    *,
    cause: str,
    actor: str = SYSTEM,
    incident_id: int | None = None,
) -> None:
    """Change the unit's status, recording why; no event when nothing changes."""
    if status not in UNIT_STATUSES:
        raise ValueError(f"unit status must be one of {', '.join(UNIT_STATUSES)}")
    if unit.status == status:
        return
    previous, unit.status = unit.status, status
    ledger.record(
        session,
        now,
        "unit.status_changed",
        Subject("unit", unit.id),
        {"unit": unit.callsign, "from": previous, "to": status, "cause": cause},
        actor=actor,
        incident_id=incident_id,
    )


def release(
    session: Session, now: datetime, unit: Unit, tasking_id: int, *, cause: str, incident_id: int
) -> None:
    """The unit is done with this tasking: ready again, unless another one holds it."""
    if has_other_open_tasking(session, unit.id, tasking_id):
        return
    if unit.status in ("tasked", "deployed"):
        set_status(session, now, unit, "ready", cause=cause, incident_id=incident_id)


def has_other_open_tasking(session: Session, unit_id: int, tasking_id: int) -> bool:
    return (
        session.scalar(
            select(Tasking.id)
            .where(
                Tasking.unit_id == unit_id,
                Tasking.id != tasking_id,
                Tasking.status.in_(OPEN_STATUSES),
            )
            .limit(1)
        )
        is not None
    )
