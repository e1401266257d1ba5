"""What a worker does with one inbound message.

A unit's reply updates its tasking; a contact's ACK takes charge of an
escalation; a CLA's NUM or DONE answers a call-back task. Anything else is an
alert (see `alert_flow`), a beep included. One transaction, so a crash leaves
nothing half-done and the job can simply run again; each stage still writes
its own timed event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.core.db.session import write_transaction
from alerts.correlation.models import Report
from alerts.dispatch import callbacks, replies
from alerts.intake.models import InboundMessage
from alerts.locating.domain.threats import classify
from alerts.pipeline.alert_flow import Assessment, handle_alert
from alerts.pipeline.domain.events import StaffBeep
from alerts.registry.models import Sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

# Phones that answer orders rather than raise alerts.
STAFF_ROLES = frozenset({"unit", "contact"})


@dataclass(frozen=True)
class Outcome:
    message_id: int
    handled_as: str
    report_id: int | None = None
    incident_id: int | None = None
    tasking_id: int | None = None
    already_done: bool = False
    duplicate_of: int | None = None


def process_message(ctx: ServiceContext, message_id: int) -> Outcome:
    assessment = _assess(ctx, message_id)
    with write_transaction(ctx.factory) as session:
        # Locked (on PostgreSQL): a second job for this message waits here, then sees
        # it handled, instead of replying twice. Only this job locks this row.
        message = session.get(InboundMessage, message_id, with_for_update=True)
        if message is None:
            raise LookupError(f"no inbound message {message_id}")
        if message.handled_as is not None:
            return _previous_outcome(session, message)
        sender = session.get(Sender, message.sender_id)
        assert sender is not None
        if isinstance(assessment, str):
            # Each handler holds the incident its reply is about (see `hold_rows`).
            _HANDLERS[assessment](session, ctx, message, sender)
            _mark(message, assessment, ctx.clock.now())
            return Outcome(message.id, assessment)
        outcome = handle_alert(session, ctx, message, sender, assessment)
        if message.channel == callbacks.BEEP:
            callbacks.create_task(session, ctx, message, sender, outcome.incident_id)
        return Outcome(
            message.id,
            outcome.handled_as,
            outcome.report_id,
            outcome.incident_id,
            outcome.tasking_id,
            duplicate_of=outcome.duplicate_of,
        )


def _staff_beep(
    session: Session, ctx: ServiceContext, message: InboundMessage, sender: Sender
) -> None:
    ledger.record(
        session,
        ctx.clock.now(),
        StaffBeep(sender=sender.pseudonym, role=sender.role),
        Subject("message", message.id),
    )


_HANDLERS = {
    "unit_reply": replies.handle_unit_reply,
    "contact_reply": replies.handle_contact_reply,
    "callback_command": callbacks.handle_command,
    "staff_beep": _staff_beep,
}


def _assess(ctx: ServiceContext, message_id: int) -> Assessment | str:
    """Locate and classify an alert before the write transaction: locating may
    wait on a geocoder, which must never happen while holding locks.
    For a message that is not an alert, the name of its handler."""
    with ctx.factory() as session:
        message = session.get(InboundMessage, message_id)
        if message is None:
            raise LookupError(f"no inbound message {message_id}")
        sender = session.get(Sender, message.sender_id)
        assert sender is not None
        if sender.role in STAFF_ROLES and message.channel == callbacks.BEEP:
            return "staff_beep"
        if sender.role == "unit":
            return "unit_reply"
        if sender.role == "contact":
            return "contact_reply"
        if sender.role == "cla" and callbacks.is_callback_command(session, message.body):
            return "callback_command"
        return Assessment(
            ctx.locator.locate(session, message.body, sender),
            classify(message.body, ctx.keywords),
        )


def _mark(message: InboundMessage, handled_as: str, now: datetime) -> None:
    message.handled_as = handled_as
    message.handled_at = now


def _previous_outcome(session: Session, message: InboundMessage) -> Outcome:
    # A duplicate has no report of its own: it answers with its original's.
    source = message.duplicate_of_id or message.id
    report = session.scalars(select(Report).where(Report.message_id == source)).first()
    return Outcome(
        message.id,
        message.handled_as or "",
        report_id=report.id if report else None,
        incident_id=report.incident_id if report else None,
        already_done=True,
        duplicate_of=message.duplicate_of_id,
    )
