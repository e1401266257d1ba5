"""What a log leaf holds of an event, so anyone can rebuild it from the event alone."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from alerts.timeline.domain.canonical import JsonValue, event_leaf, utc_timestamp


def leaf_document(
    event_id: int,
    occurred_at: datetime,
    actor: str,
    kind: str,
    subject: tuple[str, int | None],
    incident_id: int | None,
    data: Mapping[str, Any],
) -> dict[str, JsonValue]:
    """Everything an event says, with its database id.

    The id ties the leaf to one row, so a row swapped for another shows; the time is
    spelled one way only (UTC, microseconds, 'Z').
    """
    return {
        "id": event_id,
        "at": utc_timestamp(occurred_at),
        "actor": actor,
        "kind": str(kind),
        "subject": [subject[0], subject[1]],
        "incident": incident_id,
        "data": dict(data),
    }


def event_leaf_bytes(row: Any) -> bytes:
    """The RFC 8785 leaf of an event row: anything with the `events` columns as attributes."""
    return event_leaf(
        leaf_document(
            row.id,
            row.occurred_at,
            row.actor,
            row.kind,
            (row.subject_type, row.subject_id),
            row.incident_id,
            row.data,
        )
    )
