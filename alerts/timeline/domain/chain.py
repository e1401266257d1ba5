"""The hash chain behind the event timeline.

Each event's hash covers its own content and the previous event's hash, so
editing, deleting, inserting or reordering any event breaks every hash after
it. `alerts.domain.audit.chain` walks the chain and names what was done.
"""

from __future__ import annotations

import hashlib
import json
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
