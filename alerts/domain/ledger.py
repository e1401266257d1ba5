"""The hash chain behind the event timeline.

Each event's hash covers its own content and the previous event's hash, so
editing, deleting, inserting or reordering any event breaks every hash after
it. Verification names the first event where the chain no longer holds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class ChainedEvent:
    seq: int
    occurred_at: datetime
    actor: str
    kind: str
    subject_type: str
    subject_id: int | None
    incident_id: int | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


def canonical_time(moment: datetime) -> str:
    """UTC, microsecond precision, always the same spelling for the same instant."""
    if moment.tzinfo is None:
        raise ValueError("event times must be timezone-aware UTC")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    occurred_at: datetime,
    actor: str,
    kind: str,
    subject_type: str,
    subject_id: int | None,
    incident_id: int | None,
    data: dict[str, Any],
) -> str:
    body = json.dumps(
        {
            "prev": prev_hash,
            "seq": seq,
            "at": canonical_time(occurred_at),
            "actor": actor,
            "kind": kind,
            "subject": [subject_type, subject_id],
            "incident": incident_id,
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def verify_chain(events: Iterable[ChainedEvent]) -> tuple[int, ChainBreak | None]:
    """Walk events in sequence order. Returns how many held, and the first break."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for event in events:
        if event.seq != expected_seq:
            return checked, ChainBreak(
                event.seq, f"sequence jumps from {expected_seq - 1} to {event.seq}"
            )
        if event.prev_hash != expected_prev:
            return checked, ChainBreak(event.seq, "previous-hash link does not match")
        recomputed = event_hash(
            prev_hash=event.prev_hash,
            seq=event.seq,
            occurred_at=event.occurred_at,
            actor=event.actor,
            kind=event.kind,
            subject_type=event.subject_type,
            subject_id=event.subject_id,
            incident_id=event.incident_id,
            data=event.data,
        )
        if recomputed != event.hash:
            return checked, ChainBreak(event.seq, "content does not match its hash")
        expected_prev = event.hash
        expected_seq += 1
        checked += 1
    return checked, None
