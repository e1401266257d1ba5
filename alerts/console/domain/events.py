"""The events the console records: what a JOC officer did to an incident, and
who may use the console."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from alerts.correlation.domain.status import IncidentStatus
from alerts.timeline.domain.kinds import EventData, EventKind, key


@dataclass(frozen=True)
class IncidentVerified(EventData):
    """`status` after verifying: open, if the policy waited for this."""

    kind: ClassVar = EventKind.INCIDENT_VERIFIED
    status: IncidentStatus


@dataclass(frozen=True)
class IncidentFalseAlarm(EventData):
    kind: ClassVar = EventKind.INCIDENT_FALSE_ALARM
    reason: str
    stood_down: list[str]  # callsigns


@dataclass(frozen=True)
class IncidentPlaced(EventData):
    """An officer put the incident on the map: a candidate picked (`candidate`), or
    a click, with a reason. `from_` is where it was (lat, lon, radius_m)."""

    kind: ClassVar = EventKind.INCIDENT_RELOCATED
    from_: dict[str, float | None] = field(metadata=key("from"))
    lat: float
    lon: float
    radius_m: float
    candidate: str | None
    reason: str | None
    method: str = "operator"


@dataclass(frozen=True)
class IncidentNote(EventData):
    kind: ClassVar = EventKind.INCIDENT_NOTE
    note: str


@dataclass(frozen=True)
class UserAdded(EventData):
    kind: ClassVar = EventKind.USER_ADDED
    username: str
    role: str
    mission: str
    sector: str | None


@dataclass(frozen=True)
class UserDisabled(EventData):
    kind: ClassVar = EventKind.USER_DISABLED
    username: str
    sessions_ended: int


@dataclass(frozen=True)
class UserPasswordReset(EventData):
    kind: ClassVar = EventKind.USER_PASSWORD_RESET
    username: str
    sessions_ended: int
    re_enabled: bool
