"""The events the registry records: a stranger's first message, and every time a
number is shown to a person."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alerts.timeline.domain.kinds import EventData, EventKind


@dataclass(frozen=True)
class SenderFirstSeen(EventData):
    kind: ClassVar = EventKind.SENDER_FIRST_SEEN
    pseudonym: str


@dataclass(frozen=True)
class SenderNumberRevealed(EventData):
    """An entitled person asked to see a number; `reason` in their words."""

    kind: ClassVar = EventKind.SENDER_NUMBER_REVEALED
    reason: str
    pseudonym: str
