"""What bench.escalation reads back: when each deadline fired, and when the base
commander's SMS was accepted, from the timeline, the outbound SMS and the sandbox."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from twilio.rest import Client

from alerts.core.vault import PhoneVault
from alerts.correlation.models import Incident
from alerts.dispatch.models import Deadline
from alerts.messaging.models import OutboundMessage
from alerts.registry.models import Sender
from alerts.timeline.models import Event

ON_TIME_S = 5.0  # the dispatch issue's promise


@dataclass(frozen=True)
class Firing:
    """One deadline, or one baseline job, and what came of it."""

    due_at: datetime
    fired_at: datetime | None  # None: not fired (not run) within the run's wait
    notified: bool = False  # this one was meant to reach a base commander by SMS
    sent_at: datetime | None = None  # the sender saw the provider accept that SMS
    accepted_at: datetime | None = None  # the sandbox's date_created, 1 s resolution


@dataclass(frozen=True)
class Spread:
    """Seconds from the due time to what happened; `missing` never happened in the wait."""

    count: int
    missing: int
    median: float | None
    worst: float | None  # of what happened
    within: int  # no later than ON_TIME_S after the due time
    at_least: float | None  # with some missing, the worst is more than this

    @classmethod
    def of(cls, due: list[datetime], done: list[datetime | None], ended: datetime) -> Spread:
        errors = [(d - t).total_seconds() for t, d in zip(due, done, strict=True) if d is not None]
        waited = [(ended - t).total_seconds() for t, d in zip(due, done, strict=True) if d is None]
        return cls(
            count=len(due),
            missing=len(waited),
            median=statistics.median(errors) if errors else None,
            worst=max(errors) if errors else None,
            within=sum(error <= ON_TIME_S for error in errors),
            at_least=max(waited) if waited else None,
        )

    @property
    def bound(self) -> float | None:
        """The worst error, or a lower bound of it when some never happened."""
        return self.at_least if self.at_least is not None else self.worst


def fired(firings: list[Firing], ended: datetime) -> Spread:
    return Spread.of([f.due_at for f in firings], [f.fired_at for f in firings], ended)


def notified(firings: list[Firing], ended: datetime, when: str = "accepted_at") -> Spread:
    """`when`: "accepted_at" (the sandbox's record) or "sent_at" (the sender's)."""
    meant = [f for f in firings if f.notified]
    return Spread.of([f.due_at for f in meant], [getattr(f, when) for f in meant], ended)


def event_seq(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.coalesce(func.max(Event.seq), 0))) or 0


def pending_work(factory: sessionmaker[Session], since: datetime) -> int:
    """Deadlines still to fire, and SMS still to send, of what began after `since`."""
    with factory() as session:
        deadlines = session.scalar(
            select(func.count()).where(Deadline.status == "pending", Deadline.created_at >= since)
        )
        unsent = session.scalar(
            select(func.count()).where(
                OutboundMessage.created_at >= since,
                OutboundMessage.provider_sid.is_(None),
                OutboundMessage.status.in_(["pending", "sending", "unsure"]),
            )
        )
    return (deadlines or 0) + (unsent or 0)


@dataclass(frozen=True)
class RunFacts:
    incidents: int
    cancelled: int  # deadlines settled otherwise than by firing, left out
    unmatched: int  # fired deadlines whose firing event was not found: a bench bug
    sms: int  # SMS the system queued during the run
    sms_span_s: float  # from the first to the last of them


def system_firings(
    factory: sessionmaker[Session], vault: PhoneVault, twilio: Client, since: datetime, seq: int
) -> tuple[list[Firing], RunFacts]:
    """Every deadline set after `since`, with its firing event (after event `seq`) and the
    base commander's SMS that event's transaction queued, if it queued one.

    A firing's events were consecutive in the old chain, whose writers all held one lock.
    """
    with factory() as session:
        deadlines = list(session.scalars(select(Deadline).where(Deadline.created_at >= since)))
        events = session.scalars(select(Event).where(Event.seq > seq).order_by(Event.seq)).all()
        commander_sms: dict[int, int] = {}  # deadline id -> outbound SMS id
        by_firing = {(d.tasking_id, d.settled_at): d for d in deadlines if d.status == "fired"}
        current: Deadline | None = None
        matched = set()
        for event in events:
            if event.kind == "tasking.deadline_missed":
                current = by_firing.get((event.subject_id, event.occurred_at))
                matched.add(current.id if current else None)
            elif event.kind == "escalation.step":
                current = None
            elif (
                event.kind == "escalation.notified"
                and current is not None
                and event.data.get("role") == "base_commander"
            ):
                commander_sms[current.id] = int(event.data["sms_id"])
        sms = {
            m.id: m
            for m in session.scalars(
                select(OutboundMessage).where(OutboundMessage.id.in_(commander_sms.values()))
            )
        }
        numbers = {
            s.id: vault.decrypt(s.number_encrypted)
            for s in session.scalars(
                select(Sender).where(Sender.id.in_({m.recipient_id for m in sms.values()}))
            )
        }
        facts = RunFacts(
            incidents=session.scalar(
                select(func.count()).where(Incident.id.in_({d.incident_id for d in deadlines}))
            )
            or 0,
            cancelled=sum(d.status == "cancelled" for d in deadlines),
            unmatched=sum(d.id not in matched for d in by_firing.values()),
            **queued_sms(session, since),
        )
    accepted = {}
    for number in set(numbers.values()):
        accepted |= {m.sid: m.date_created for m in twilio.messages.list(to=number)}
    firings = []
    for deadline in sorted(deadlines, key=lambda d: d.due_at):
        if deadline.status == "cancelled":
            continue
        message = sms.get(commander_sms.get(deadline.id, -1))
        firings.append(
            Firing(
                due_at=deadline.due_at,
                fired_at=deadline.settled_at if deadline.status == "fired" else None,
                notified=message is not None,
                sent_at=message.sent_at if message else None,
                accepted_at=accepted.get(message.provider_sid or "") if message else None,
            )
        )
    return firings, facts


def queued_sms(session: Session, since: datetime) -> dict[str, Any]:
    count, first, last = session.execute(
        select(func.count(), func.min(OutboundMessage.created_at),
               func.max(OutboundMessage.created_at)).where(OutboundMessage.created_at >= since)
    ).one()  # fmt: skip
    return {"sms": count, "sms_span_s": (last - first).total_seconds() if count else 0.0}


def sent_twice(twilio: Client, factory: sessionmaker[Session]) -> dict[str, int]:
    """SMS the sandbox accepted more than once (the same body to the same number), by
    purpose; "after a re-queue" when the system made more than one attempt at it."""
    counts = Counter(
        (m.to, m.body) for m in twilio.messages.list() if m.direction == "outbound-api"
    )
    found: Counter[str] = Counter()
    with factory() as session:
        for (_to, body), times in counts.items():
            if times < 2:
                continue
            ours = session.scalars(
                select(OutboundMessage).where(OutboundMessage.body == body).limit(1)
            ).first()
            what = "baseline SMS" if ours is None else f"{ours.purpose} SMS"
            if ours is not None and ours.attempts > 1:
                what += " after a re-queue"
            found[what] += times - 1
    return dict(found)
