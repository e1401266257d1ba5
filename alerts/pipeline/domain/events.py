"""The events the pipeline records as it turns a message into an alert: where it
is and what it says, a carrier's or a sender's repeat, an incident continued or
reopened, and a staff phone's beep."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from alerts.timeline.domain.kinds import EventData, EventKind


@dataclass(frozen=True)
class AlertLocated(EventData):
    """Where the alert is, how sure, and the threat its words name. `candidates`
    are the places an ambiguous text could mean, as the report keeps them."""

    kind: ClassVar = EventKind.ALERT_LOCATED
    message_id: int
    method: str
    lat: float | None
    lon: float | None
    radius_m: float | None
    confidence: float
    place: str | None
    matched_text: str | None
    ambiguous: bool
    candidates: list[dict[str, Any]] | None
    threat: str
    severity: int
    threat_words: list[str]


@dataclass(frozen=True)
class AlertUnlocated(AlertLocated):
    kind: ClassVar = EventKind.ALERT_UNLOCATED


@dataclass(frozen=True)
class MessageDuplicate(EventData):
    kind: ClassVar = EventKind.MESSAGE_DUPLICATE
    duplicate_of_message: int
    report_id: int


@dataclass(frozen=True)
class ContinuationLinked(EventData):
    """A report after an incident closed opened a new one that continues it."""

    kind: ClassVar = EventKind.INCIDENT_CONTINUATION_LINKED
    continuation_of: int
    decision: dict[str, object]


@dataclass(frozen=True)
class IncidentReopened(EventData):
    kind: ClassVar = EventKind.INCIDENT_REOPENED
    report_id: int


@dataclass(frozen=True)
class StaffBeep(EventData):
    """A staff phone beeped or sent nothing the system reads: kept, not an alert."""

    kind: ClassVar = EventKind.MESSAGE_STAFF_BEEP
    sender: str
    role: str
    note: str = "not an alert"


@dataclass(frozen=True)
class MessageRequeued(EventData):
    """A message still unhandled `waited_s` after it went to the queue: the queue lost
    it, or its job failed for good. Handed over again, as attempt `attempt`."""

    kind: ClassVar = EventKind.MESSAGE_REQUEUED
    attempt: int
    waited_s: int
    last_error: str | None


@dataclass(frozen=True)
class MessageStuck(EventData):
    """A message still unhandled after every re-queue: no more automatic attempts;
    the console lists it, with the last error, until someone deals with it."""

    kind: ClassVar = EventKind.MESSAGE_STUCK
    attempts: int
    failures: int
    error: str
