"""The events messaging records about outgoing SMS: a slot too far off, a send to
retry, one the provider took, and each delivery state its callbacks report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

from alerts.messaging.domain.delivery import KNOWN_STATUSES
from alerts.timeline.domain.kinds import EventData, EventKind

# Each state a status callback may report is recorded as `sms.<state>`. Built from
# the states, so a state with no kind to match stops the import, not a callback.
STATUS_EVENT: Final[dict[str, EventKind]] = {s: EventKind(f"sms.{s}") for s in KNOWN_STATUSES}


@dataclass(frozen=True)
class SmsQueueAlarm(EventData):
    """An order or escalation would wait for its slot longer than a unit has to ACK."""

    kind: ClassVar = EventKind.SMS_QUEUE_ALARM
    purpose: str
    wait_s: int
    ack_timeout_s: int
    advice: str = (
        "the sending number is saturated: add numbers or a messaging "
        "service, or raise ALERTS_SMS_SEGMENTS_PER_S if the carrier allows"
    )


@dataclass(frozen=True)
class SmsRetrying(EventData):
    kind: ClassVar = EventKind.SMS_RETRYING
    attempt: int
    error: str
    ambiguous: bool  # the provider may have taken it: asked before the retry sends
    tasking_id: int | None


@dataclass(frozen=True)
class SmsAccepted(EventData):
    """The provider took the SMS; `recipient` is a pseudonym."""

    kind: ClassVar = EventKind.SMS_ACCEPTED
    sms_id: int
    provider_sid: str
    purpose: str
    recipient: str
    segments: int | None
    attempts: int


@dataclass(frozen=True)
class SmsSentTwice(EventData):
    """Two attempts both reached the provider: the first sid recorded stays the SMS's,
    and the other is kept here, so an evaluator can see the recipient got it twice."""

    kind: ClassVar = EventKind.SMS_SENT_TWICE
    sms_id: int
    recorded_sid: str
    other_sid: str


@dataclass(frozen=True)
class TaskingSent(SmsAccepted):
    """An order the provider took: recorded on the tasking, whose clock it starts."""

    kind: ClassVar = EventKind.TASKING_SENT


@dataclass(frozen=True)
class SmsStatusChanged(EventData):
    """A delivery state, reported by a callback or reached by giving up."""

    status: str
    purpose: str
    tasking_id: int | None
    error_code: str | None
    provider_sid: str | None

    @property
    def kind(self) -> EventKind:
        return STATUS_EVENT[self.status]
