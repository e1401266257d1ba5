"""The events intake records: a message kept, and an alert a CLA relayed for a caller."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alerts.timeline.domain.kinds import EventData, EventKind


@dataclass(frozen=True)
class MessageReceived(EventData):
    """Who sent it (a pseudonym) and how long it was; never the text or the number."""

    kind: ClassVar = EventKind.MESSAGE_RECEIVED
    ref: str
    channel: str
    sender: str
    provider_sid: str
    chars: int


@dataclass(frozen=True)
class MessageRecovered(EventData):
    """Stored late: the webhook never received it, and it was found at `source`
    (the provider's records). Its receive time is the provider's, `late_s` before."""

    kind: ClassVar = EventKind.MESSAGE_RECOVERED
    source: str
    received_at: str
    late_s: int


@dataclass(frozen=True)
class AlertRelayed(EventData):
    """A CLA typed in an alert heard by call or radio: when the source says it was
    reported, so the response time runs from then."""

    kind: ClassVar = EventKind.ALERT_RELAYED
    source_channel: str
    source_reported_at: str
    place: str | None
    cla: str
