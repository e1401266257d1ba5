"""The event a network load records: what it created, updated and left alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from alerts.timeline.domain.kinds import EventData, EventKind


@dataclass(frozen=True)
class NetworkLoaded(EventData):
    """Counts per section of the network file (bases, units, phones, ...)."""

    kind: ClassVar = EventKind.NETWORK_LOADED
    mission: str
    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
