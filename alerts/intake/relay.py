"""A CLA relays an alert she heard by call, radio or in person.

The words go in verbatim as an inbound message of her own phone (so they are
located like her SMS would be: the text first, then her base) and follow the
same path as an SMS: one transaction with its outbox row, then the worker.
How and when the source told her, and the place she names, are kept in a
`alert.relayed` event beside it: the source's time is evidence, and latency
can be measured from it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.orm import Session

from alerts.core.domain.jobs import Job
from alerts.core.references import unused_ref
from alerts.intake.domain.events import AlertRelayed, MessageReceived
from alerts.intake.models import InboundMessage
from alerts.intake.store import storable_text
from alerts.messaging.outbox import OutboxItem, claimed_row
from alerts.registry.models import Sender
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject

CHANNELS: Final = ("call", "radio", "in_person")
MAX_TEXT = 1600
# A relay describes something heard recently; older accounts are reports, not alerts.
MAX_AGE = timedelta(days=7)
CLOCK_SLACK = timedelta(minutes=5)


class RelayRefused(ValueError):
    """The relay cannot be taken as given; the message says what to fix."""


@dataclass(frozen=True)
class RelayRequest:
    channel: str
    source_reported_at: datetime
    text: str
    place: str | None


@dataclass(frozen=True)
class Relayed:
    message_id: int
    ref: str
    outbox: OutboxItem


def relay_alert(
    session: Session,
    now: datetime,
    request: RelayRequest,
    *,
    sender_id: int | None,
    actor: str,
) -> Relayed:
    """Store the relayed alert and claim its job; hand it over after commit."""
    if sender_id is None:
        raise RelayRefused(
            "your account is not linked to a CLA phone; an administrator can link it "
            "(alerts users add --cla PSEUDONYM)"
        )
    sender = session.get(Sender, sender_id)
    if sender is None or sender.role != "cla":
        raise RelayRefused("the CLA phone linked to your account is no longer registered")
    if request.channel not in CHANNELS:
        raise RelayRefused("choose how the source told you: call, radio or in person")
    text = request.text.strip()
    if not text:
        raise RelayRefused("write what the source said, in their words")
    if len(text) > MAX_TEXT:
        raise RelayRefused(f"at most {MAX_TEXT} characters")
    reported = request.source_reported_at
    if reported.tzinfo is None:
        raise RelayRefused("the time the source reported needs a time zone")
    if reported > now + CLOCK_SLACK:
        raise RelayRefused("the time the source reported is in the future")
    if reported < now - MAX_AGE:
        raise RelayRefused("the time the source reported is more than 7 days ago")
    body, body_raw = storable_text(text)
    message = InboundMessage(
        # Not a carrier's sid: unique all the same, and plainly from the console.
        provider_sid=f"relay-{secrets.token_hex(16)}",
        ref=unused_ref(session, InboundMessage.ref),
        sender_id=sender.id,
        body=body,
        body_raw=body_raw,
        channel=request.channel,
        received_at=now,
    )
    session.add(message)
    session.flush()
    job = claimed_row(Job.PROCESS_MESSAGE, message.id, now)
    session.add(job)
    place = (request.place or "").strip()[:200] or None
    ledger.record(
        session,
        now,
        MessageReceived(
            ref=message.ref,
            channel=request.channel,
            sender=sender.pseudonym,
            provider_sid=message.provider_sid,
            chars=len(text),
        ),
        Subject("message", message.id),
    )
    ledger.record(
        session,
        now,
        AlertRelayed(
            source_channel=request.channel,
            source_reported_at=reported.isoformat(),
            place=place,
            cla=sender.pseudonym,
        ),
        Subject("message", message.id),
        actor=actor,
    )
    session.flush()
    return Relayed(message.id, message.ref, OutboxItem(job.id, job.job, job.ref_id, job.priority))
