"""SMS the scheduler must act on: sends that stalled, and failures nobody has handled."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.domain.jobs import Job
from alerts.messaging.domain.delivery import FINAL_FAILURES
from alerts.messaging.domain.priority import sms_priority
from alerts.messaging.models import OutboundMessage, Outbox
from alerts.messaging.outgoing import MAX_ATTEMPTS, record_status


def stalled(session: Session, now: datetime, limit: int = 100) -> list[int]:
    """SMS not sent in their time: a send that died with its worker ("sending" past
    its lease), or one whose job was lost or gave up ("pending", "unsure")."""
    return list(
        session.scalars(
            select(OutboundMessage.id)
            .where(
                OutboundMessage.status.in_(("sending", "pending", "unsure")),
                OutboundMessage.provider_sid.is_(None),
                OutboundMessage.send_lease_until < now,
            )
            .order_by(OutboundMessage.id)
            .limit(limit)
        )
    )


def requeue(session: Session, now: datetime, outbound_id: int, lease: timedelta) -> None:
    """Another send job for a stalled SMS. One that was being sent may have gone: the
    job asks the provider first. The next requeue waits for another lease."""
    message = session.get(OutboundMessage, outbound_id, with_for_update=True)
    if message is None or message.provider_sid is not None:
        return
    if message.attempts >= MAX_ATTEMPTS:
        # Something is wrong with this SMS itself: fail it, so a person hears of it.
        message.status, message.error_code, message.send_lease_until = "failed", "gave_up", None
        record_status(session, now, message, "failed", "gave_up")
        return
    if message.status == "sending":
        message.status = "unsure"
    message.send_lease_until = now + lease
    session.add(Outbox(job=Job.SEND_SMS, ref_id=outbound_id, created_at=now, attempts=0,
                       priority=sms_priority(message.purpose)))  # fmt: skip


def unhandled_failures(session: Session, limit: int = 100) -> list[int]:
    return list(
        session.scalars(
            select(OutboundMessage.id)
            .where(
                OutboundMessage.status.in_(sorted(FINAL_FAILURES)),
                OutboundMessage.failure_handled_at.is_(None),
            )
            .order_by(OutboundMessage.id)
            .limit(limit)
        )
    )
