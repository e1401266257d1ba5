"""Withdrawing orders: units told to stand down, their deadlines settled, units released.

Used when an incident is closed or called a false alarm, when an officer
re-tasks, and when one unit's answer makes the others' orders moot (it is on
its way, or reported the response done).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.correlation.models import Incident
from alerts.dispatch import deadlines, units
from alerts.dispatch.domain.events import TaskingStoodDown
from alerts.dispatch.domain.notices import stand_down_message
from alerts.dispatch.domain.tasking import OPEN_STATUSES, TaskingStatus, after_stand_down
from alerts.dispatch.models import Tasking
from alerts.dispatch.orders import duty_phones
from alerts.messaging.outgoing import queue_sms
from alerts.timeline import ledger
from alerts.timeline.ledger import SYSTEM, Subject


def open_taskings(session: Session, incident_id: int) -> list[Tasking]:
    return list(
        session.scalars(
            select(Tasking)
            .where(Tasking.incident_id == incident_id, Tasking.status.in_(OPEN_STATUSES))
            .order_by(Tasking.id)
        )
    )


def stand_down(
    session: Session,
    ctx: ServiceContext,
    incident: Incident,
    why: str,
    *,
    actor: str = SYSTEM,
    finished: bool = False,
    statuses: Collection[TaskingStatus] = OPEN_STATUSES,
    keep: int | None = None,
) -> list[str]:
    """End the incident's open taskings in `statuses`, all but `keep`.

    Each is cancelled, or done when `finished` and its unit was already out;
    its deadlines are settled, its unit released and told by SMS. Returns the
    callsigns stood down.
    """
    now = ctx.clock.now()
    stood_down = []
    ending = [
        tasking
        for tasking in open_taskings(session, incident.id)
        if tasking.id != keep and tasking.status in statuses
    ]
    # All at once, in id order: they are released below (see `hold_rows`).
    held = units.hold_units(session, [tasking.unit_id for tasking in ending])
    for tasking in ending:
        unit = held[tasking.unit_id]
        ended = after_stand_down(tasking.status, finished=finished)
        tasking.status, tasking.updated_at = ended.status, now
        deadlines.cancel(session, now, tasking.id)
        ledger.record(
            session,
            now,
            TaskingStoodDown(kind=ended.event, unit=unit.callsign, reason=why),
            Subject("tasking", tasking.id),
            actor=actor,
            incident_id=incident.id,
        )
        units.release(session, now, unit, tasking.id, cause=why, incident_id=incident.id)
        phones = duty_phones(session, unit.id)
        if phones:
            phone = phones[min(tasking.phone_rank, len(phones) - 1)]
            body = stand_down_message(unit.language or phone.language, incident.ref, why)
            queue_sms(session, ctx, phone, body, purpose="stand_down", tasking_id=tasking.id,
                      incident_id=incident.id)  # fmt: skip
        stood_down.append(unit.callsign)
    return stood_down
