"""The sending number's lane in the database: its row, held while a slot is taken,
and the SMS that wait in it for their slot."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alerts.core.domain.jobs import Job, Priority
from alerts.messaging.models import OutboundMessage, Outbox, SmsLane


def locked_lane(session: Session, number: str, now: datetime) -> SmsLane:
    """The sending number's lane, locked until commit: its slots go to one writer at a time."""
    query = select(SmsLane).where(SmsLane.from_number == number).with_for_update()
    lane = session.scalars(query).first()
    if lane is not None:
        return lane
    try:
        with session.begin_nested():  # another writer may be creating it right now
            session.add(SmsLane(from_number=number, next_free_at=now))
    except IntegrityError:
        pass
    return session.scalars(query).one()


def push_back(session: Session, since: datetime, push: timedelta) -> None:
    """Move the SMS that wait for a slot from `since` on, orders aside, back by `push`.

    One lane per deployment (`ALERTS_SMS_FROM`), so every paced SMS waits in it. The
    lane's row, held, keeps two writers from pushing at once.
    """
    if push <= timedelta(0):
        return
    rows = session.scalars(
        select(Outbox).where(
            Outbox.job == Job.SEND_SMS,
            Outbox.relayed_at.is_(None),
            Outbox.due_at >= since,
            Outbox.priority != Priority.ORDERS,
        )
    ).all()
    for row in rows:
        assert row.due_at is not None
        row.due_at = row.due_at + push
    waiting = {row.ref_id for row in rows}
    if not waiting:
        return
    for message in session.scalars(select(OutboundMessage).where(OutboundMessage.id.in_(waiting))):
        if message.not_before is not None:
            message.not_before = message.not_before + push
        if message.send_lease_until is not None:
            message.send_lease_until = message.send_lease_until + push
