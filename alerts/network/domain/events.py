"""The events a network load records: what it created, updated, left alone and
retired, and each phone it retired."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

from alerts.timeline.domain.kinds import EventData, EventKind


@dataclass(frozen=True)
class NetworkLoaded(EventData):
    """Counts per section of the network file (bases, units, phones, ...)."""

    kind: ClassVar = EventKind.NETWORK_LOADED
    mission: str
    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    retired: dict[str, int]


# The role of a phone the network file no longer lists.
RETIRED: Final = "retired"


@dataclass(frozen=True)
class SenderRetired(EventData):
    """A phone dropped from the network file, by pseudonym (never its number), with
    what it was: the role, and the unit, contact or base it served."""

    kind: ClassVar = EventKind.SENDER_RETIRED
    pseudonym: str
    was: str
    unit: str | None
    contact: str | None
    base: str | None
    duty_rank: int | None
