"""Pacing outgoing SMS on one sending number.

Carriers accept about one segment a second from a long code and queue or drop
the rest, so each SMS is given the next free slot of its lane. The wait this
implies is known at once, which lets the system warn the JOC before a tasking
would sit in the queue longer than the unit has to acknowledge it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Slot:
    send_at: datetime
    lane_free_at: datetime  # when the lane can take the next SMS
    wait: timedelta  # how long this SMS waits for its slot


def next_slot(now: datetime, lane_free_at: datetime | None, segments: int, per_s: float) -> Slot:
    """The slot of an SMS of `segments` on a lane sending `per_s` segments a second."""
    if per_s <= 0:
        raise ValueError("a lane must send a positive number of segments per second")
    start = now if lane_free_at is None or lane_free_at < now else lane_free_at
    duration = timedelta(seconds=max(1, segments) / per_s)
    return Slot(start, start + duration, start - now)


@dataclass(frozen=True)
class AheadSlot:
    slot: Slot
    lane_free_at: datetime  # the lane's next free slot for the others, after the push
    push: timedelta  # how far the others waiting from `slot.send_at` on move back


def ahead_slot(
    now: datetime,
    ahead_free_at: datetime | None,
    lane_free_at: datetime | None,
    segments: int,
    per_s: float,
) -> AheadSlot:
    """The slot of an SMS that goes before those already waiting in the lane (an order,
    an escalation): right after the orders before it. The others waiting from that slot
    on move back by its length, so the lane still sends no faster than `per_s`."""
    slot = next_slot(now, ahead_free_at, segments, per_s)
    length = slot.lane_free_at - slot.send_at
    if lane_free_at is None or lane_free_at <= slot.send_at:
        return AheadSlot(slot, slot.lane_free_at, timedelta(0))
    return AheadSlot(slot, max(lane_free_at + length, slot.lane_free_at), length)
