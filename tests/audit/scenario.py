"""Incidents with known times, recorded the way dispatch and intake record them.

Only the rows the reports join to are created (incidents, a base, units,
taskings, non-compliance); every time comes from events written through
`alerts.services.ledger.record` with the documented kinds and data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.session import write_transaction
from alerts.correlation.models import Incident
from alerts.dispatch.models import NonCompliance, Tasking
from alerts.registry.models import OperatingBase, Unit
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject
from tests.timeline.raw_event import RawEvent

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


@dataclass
class Scenario:
    factory: sessionmaker[Session]
    base_id: int = 0
    units: dict[str, int] = field(default_factory=dict)
    next_message: int = 1
    next_report: int = 1

    @classmethod
    def create(cls, factory: sessionmaker[Session]) -> Scenario:
        scenario = cls(factory)
        with write_transaction(factory) as session:
            base = OperatingBase(
                key="beni", mission="MONUSCO", name="Beni", lat=0.49, lon=29.47,
                kind="permanent", sector="North Kivu",
            )  # fmt: skip
            session.add(base)
            session.flush()
            scenario.base_id = base.id
            for callsign, country in (("QRF-BENI-1", "Ruritania"), ("QRF-BENI-2", None)):
                unit = Unit(
                    callsign=callsign, base_id=base.id, role="qrf", notice_to_move_min=15,
                    status="ready", country=country,
                )  # fmt: skip
                session.add(unit)
                session.flush()
                scenario.units[callsign] = unit.id
        return scenario

    def event(
        self,
        minutes: float,
        kind: str,
        subject: Subject,
        data: dict[str, Any] | None = None,
        *,
        incident_id: int | None = None,
        actor: str = ledger.SYSTEM,
    ) -> int:
        with write_transaction(self.factory) as session:
            event = RawEvent(kind, data or {})
            return ledger.record(
                session, at(minutes), event, subject, incident_id=incident_id, actor=actor
            ).id

    def incident(
        self,
        minutes: float,
        *,
        ref: str,
        threat: str = "attack",
        lat: float | None = 0.5447,
        lon: float | None = 29.4639,
        place: str | None = "Mavivi",
        mission: str | None = "MONUSCO",
    ) -> int:
        """An alert arrives at `minutes`, is located 6 s later, and opens an incident."""
        with write_transaction(self.factory) as session:
            incident = Incident(
                ref=ref, status="open", threat=threat, severity=3, lat=lat, lon=lon,
                radius_m=100.0, place_name=place, mission=mission, sector="North Kivu",
                first_report_at=at(minutes), last_report_at=at(minutes), opened_at=at(minutes),
            )  # fmt: skip
            session.add(incident)
            session.flush()
            incident_id = incident.id
        self.report(minutes, incident_id, opens=True, located=lat is not None)
        return incident_id

    def report(
        self, minutes: float, incident_id: int, *, opens: bool = False, located: bool = True
    ) -> None:
        message, report = self.next_message, self.next_report
        self.next_message, self.next_report = message + 1, report + 1
        self.event(minutes, "message.received", Subject("message", message), {"sender": "FP-X"})
        kind = "alert.located" if located else "alert.unlocated"
        self.event(minutes + 0.1, kind, Subject("report", report), {"message_id": message})
        self.event(
            minutes + 0.1,
            "incident.opened" if opens else "incident.report_attached",
            Subject("incident", incident_id),
            {"report_id": report},
            incident_id=incident_id,
        )

    def route(self, minutes: float, incident_id: int) -> None:
        self.event(
            minutes,
            "incident.routed",
            Subject("incident", incident_id),
            {"base_id": self.base_id, "unit_id": None, "reason": "aor", "candidates": []},
            incident_id=incident_id,
        )

    def task(self, minutes: float, incident_id: int, callsign: str) -> int:
        with write_transaction(self.factory) as session:
            tasking = Tasking(
                incident_id=incident_id, unit_id=self.units[callsign], status="pending",
                decision={}, created_at=at(minutes), updated_at=at(minutes),
            )  # fmt: skip
            session.add(tasking)
            session.flush()
            tasking_id = tasking.id
        self.event(
            minutes,
            "tasking.created",
            Subject("tasking", tasking_id),
            {"unit": callsign, "unit_id": self.units[callsign], "duty_phones": 1},
            incident_id=incident_id,
        )
        return tasking_id

    def reply(self, minutes: float, incident_id: int, tasking_id: int, kind: str) -> None:
        self.event(
            minutes,
            f"tasking.{kind}",
            Subject("tasking", tasking_id),
            {"from_status": "pending"},
            incident_id=incident_id,
            actor="unit:QRF",
        )

    def noncompliance(
        self,
        minutes: float,
        incident_id: int,
        tasking_id: int,
        callsign: str,
        *,
        category: str,
        trigger: str,
        reason_code: str,
        reason_text: str | None = None,
        event: bool = True,
    ) -> int:
        with write_transaction(self.factory) as session:
            unit = session.get(Unit, self.units[callsign])
            assert unit is not None
            record = NonCompliance(
                incident_id=incident_id, tasking_id=tasking_id, unit_id=unit.id,
                base_id=self.base_id, category=category, trigger=trigger,
                reason_code=reason_code, reason_text=reason_text, country=unit.country,
                occurred_at=at(minutes), recorded_at=at(minutes),
            )  # fmt: skip
            session.add(record)
            session.flush()
            record_id = record.id
        if event:
            self.event(
                minutes,
                "noncompliance.recorded",
                Subject("noncompliance", record_id),
                {
                    "category": category,
                    "trigger": trigger,
                    "reason_code": reason_code,
                    "unit": callsign,
                    "tasking_id": tasking_id,
                },
                incident_id=incident_id,
            )
        return record_id
