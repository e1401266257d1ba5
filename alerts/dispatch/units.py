"""A unit's readiness: ready, tasked, deployed or unavailable.

It follows from the unit's replies and from operators; every change is an
event, so an evaluator can tell whether a QRF was ready when an alert came.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.db.session import hold_rows
from alerts.dispatch.domain.events import UnitStatusChanged
from alerts.dispatch.domain.tasking import OPEN_STATUSES
from alerts.dispatch.models import Tasking
from alerts.registry.domain.units import UnitStatus, released
from alerts.registry.models import Unit
from alerts.timeline import ledger
from alerts.timeline.ledger import SYSTEM, Subject


def hold_units(session: Session, unit_ids: list[int]) -> dict[int, Unit]:
    """These units, locked in id order and read afresh (the caller holds their incident,
    if any: see `hold_rows`)."""
    return {unit.id: unit for unit in hold_rows(session, Unit, unit_ids)}


def hold_unit(session: Session, unit_id: int) -> Unit | None:
    return hold_units(session, [unit_id]).get(unit_id)


def hold_if_ready(session: Session, unit_id: int) -> bool:
    """Hold the unit; True if it is still ready, so this transaction may task it and
    no other can until it commits."""
    unit = hold_unit(session, unit_id)
    return unit is not None and unit.status == UnitStatus.READY


def set_status(
    session: Session,
    now: datetime,
    unit: Unit,
    status: UnitStatus | str,
    *,
    cause: str,
    actor: str = SYSTEM,
    incident_id: int | None = None,
) -> None:
    """Change the unit's status, recording why; no event when nothing changes.

    `status` may be an operator's word from a form: anything but a `UnitStatus`
    value is refused with a ValueError that lists them.
    """
    if status not in set(UnitStatus):
        raise ValueError(f"unit status must be one of {', '.join(UnitStatus)}")
    new = UnitStatus(status)
    if unit.status == new:
        return
    previous, unit.status = unit.status, new
    ledger.record(
        session,
        now,
        UnitStatusChanged(unit=unit.callsign, from_=previous, to=new, cause=cause),
        Subject("unit", unit.id),
        actor=actor,
        incident_id=incident_id,
    )


def release(
    session: Session, now: datetime, unit: Unit, tasking_id: int, *, cause: str, incident_id: int
) -> None:
    """The unit is done with this tasking: ready again, unless another one holds it."""
    if has_other_open_tasking(session, unit.id, tasking_id):
        return
    set_status(session, now, unit, released(unit.status), cause=cause, incident_id=incident_id)


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
