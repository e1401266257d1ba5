"""An event of any kind and data, for tests that write what the typed payloads
cannot: a kind no feature records ("test.event"), or a real kind with only the
keys a report under test reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RawEvent:
    """Duck-types `alerts.timeline.domain.kinds.Payload`; application code records
    only the typed payloads, so mypy (which checks alerts/, not tests/) keeps it so."""

    kind: str
    fields: dict[str, Any] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        return dict(self.fields)
