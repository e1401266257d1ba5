"""The events the registry records: a stranger's first message, and every time a
number is shown to a person, or refused to them."""

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
    """An entitled person asked to see a number; `reason` in their words.

    `incident` is the incident whose page it was asked from, `address` the client's
    address (behind trusted proxies, the one they saw): an evaluator reading the
    incident's timeline sees who looked, why, and from where.
    """

    kind: ClassVar = EventKind.SENDER_NUMBER_REVEALED
    reason: str
    pseudonym: str
    incident: int | None = None
    address: str | None = None


@dataclass(frozen=True)
class SenderRevealRefused(EventData):
    """A reveal refused because its person had used up their reveals for now."""

    kind: ClassVar = EventKind.SENDER_REVEAL_REFUSED
    pseudonym: str
    refusal: str
    incident: int | None = None
    address: str | None = None


@dataclass(frozen=True)
class SenderNumbersRekeyed(EventData):
    """`alerts keys rotate` finished: every stored number is under the key `key_id`
    names. Counts only."""

    kind: ClassVar = EventKind.SENDER_NUMBERS_REKEYED
    key_id: str
    rekeyed: int


@dataclass(frozen=True)
class SenderNumbersErased(EventData):
    """The retention purge: unregistered senders silent longer than `retention_days`
    lost their numbers, but for those in an open incident. Counts only: naming a
    pseudonym here would say who once wrote in."""

    kind: ClassVar = EventKind.SENDER_NUMBERS_ERASED
    erased: int
    kept_open_incident: int
    retention_days: int
