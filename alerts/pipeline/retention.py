"""The retention purge: erase the numbers of strangers silent for too long.

Erasing destroys the encrypted number and the lookup hash (the phone's next SMS
makes a new sender), and keeps the row and its pseudonym, so every timeline and
report that names the pseudonym still reads. The event holds counts only.

Run once a day by the scheduler (`workers.scheduler.purge_daily`), and on demand by
`alerts retention purge`; a purge that finds nothing due writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.session import write_transaction
from alerts.core.db.types import UTCDateTime
from alerts.correlation.domain.status import FINAL
from alerts.correlation.models import Incident, Report
from alerts.intake.models import InboundMessage
from alerts.pipeline.domain.retention import SenderActivity, Verdict, verdict
from alerts.registry.domain.events import SenderNumbersErased
from alerts.registry.models import ERASED_HASH, Sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject


@dataclass(frozen=True)
class PurgeResult:
    erased: int
    kept_open_incident: int


def purge_numbers(
    factory: sessionmaker[Session], now: datetime, retention: timedelta
) -> PurgeResult:
    """Erase every number the retention rule no longer allows; an event if any was due."""
    erased = kept = 0
    with write_transaction(factory) as session:
        due = _expired_strangers(session, now - retention)
        for sender_id, activity in due:
            match verdict(activity, now, retention):
                case Verdict.ERASE:
                    _erase(session, sender_id, now)
                    erased += 1
                case Verdict.KEEP_OPEN_INCIDENT:
                    kept += 1
        if erased or kept:
            event = SenderNumbersErased(
                erased=erased, kept_open_incident=kept, retention_days=retention.days
            )
            ledger.record(session, now, event, Subject("senders", None))
    return PurgeResult(erased, kept)


def _expired_strangers(session: Session, cutoff: datetime) -> list[tuple[int, SenderActivity]]:
    last_sms = (
        select(func.max(InboundMessage.received_at))
        .where(InboundMessage.sender_id == Sender.id)
        .scalar_subquery()
    )
    last_heard = func.coalesce(last_sms, Sender.created_at, type_=UTCDateTime())
    in_open_incident = exists().where(
        Report.sender_id == Sender.id,
        Report.incident_id == Incident.id,
        Incident.status.not_in([str(status) for status in FINAL]),
    )
    rows = session.execute(
        select(Sender.id, last_heard.label("last_heard"), in_open_incident.label("busy"))
        .where(
            Sender.registered.is_(False),
            Sender.number_erased_at.is_(None),
            last_heard < cutoff,
        )
        .order_by(Sender.id)
    ).all()
    return [(row.id, SenderActivity(False, row.last_heard, bool(row.busy))) for row in rows]


def _erase(session: Session, sender_id: int, now: datetime) -> None:
    session.execute(
        update(Sender)
        .where(Sender.id == sender_id)
        .values(
            number_encrypted=b"",
            number_hash=ERASED_HASH.format(id=sender_id),
            key_id=None,
            number_erased_at=now,
        )
    )
