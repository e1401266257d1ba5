"""Build event lists for the metrics tests, as the services would record them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alerts.audit.domain.metrics.entries import LedgerEntry

T0 = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


class Timeline:
    def __init__(self) -> None:
        self.entries: list[LedgerEntry] = []

    def add(
        self,
        minutes: float,
        kind: str,
        subject_id: int | None,
        incident_id: int | None = None,
        **data: Any,
    ) -> None:
        self.entries.append(
            LedgerEntry(len(self.entries) + 1, at(minutes), kind, subject_id, incident_id, data)
        )

    def alert(
        self, minutes: float, message: int, report: int, incident: int, *, new: bool = True
    ) -> None:
        """A message in, its report located, and opening or joining `incident`."""
        self.add(minutes, "message.received", message)
        self.add(minutes + 0.1, "alert.located", report, message_id=message, ambiguous=False)
        kind = "incident.opened" if new else "incident.report_attached"
        self.add(minutes + 0.1, kind, incident, incident, report_id=report)
