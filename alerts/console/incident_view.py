"""What the incident page shows: reports verbatim under pseudonyms, taskings,
the timeline, and what the map draws. Never a phone number."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alerts.console.domain.scope import Scope
from alerts.console.scoping import single_mission, visible
from alerts.correlation.domain.status import FINAL
from alerts.correlation.models import Incident, Report
from alerts.correlation.timeline import incident_timeline
from alerts.dispatch.domain.tasking import OPEN_STATUSES
from alerts.dispatch.models import Deadline, Tasking
from alerts.intake.models import InboundMessage
from alerts.registry.models import OperatingBase, Place, Sender, Unit
from alerts.timeline.domain.kinds import EventKind
from alerts.timeline.models import Event, LogLeaf

# Event data keys never shown on a page, whatever an event holds.
HIDDEN_KEYS = frozenset({"number", "phone", "from_number", "to", "from"})
MAP_PLACES_LIMIT = 500


@dataclass(frozen=True)
class ReportView:
    id: int
    text: str
    received_at: datetime
    channel: str
    sender_id: int
    pseudonym: str
    sender_role: str
    threat: str
    severity: int
    lat: float | None
    lon: float | None
    radius_m: float | None
    place_name: str | None
    location_method: str
    ambiguous: bool
    candidates: list[dict[str, Any]]


@dataclass(frozen=True)
class TaskingView:
    id: int
    unit: str
    status: str
    created_at: datetime
    updated_at: datetime
    reason_text: str | None
    ack_due_at: datetime | None


@dataclass(frozen=True)
class EventView:
    leaf: int | None  # its leaf index in the log; None while it awaits sealing
    occurred_at: datetime
    actor: str
    kind: str
    details: str


@dataclass(frozen=True)
class RelayView:
    """What a CLA said about a relayed alert: how and when the source told her."""

    message_id: int
    source_channel: str
    source_reported_at: str | None
    place: str | None
    actor: str
    # The known place her words name, if one does: one click relocates there.
    place_match: dict[str, Any] | None = None


@dataclass(frozen=True)
class IncidentPage:
    incident: Incident
    reports: list[ReportView]
    taskings: list[TaskingView]
    timeline: list[EventView]
    relays: list[RelayView]
    merge_targets: list[tuple[int, str]] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.incident.status not in FINAL

    @property
    def open_taskings(self) -> list[str]:
        """Units out on this incident now (a new tasking would re-task them)."""
        return [t.unit for t in self.taskings if t.status in OPEN_STATUSES]

    @property
    def candidates(self) -> list[dict[str, Any]]:
        """Place candidates of its ambiguous reports, each once."""
        seen: set[tuple[str, float, float]] = set()
        out: list[dict[str, Any]] = []
        for report in self.reports:
            for candidate in report.candidates:
                key = (
                    str(candidate.get("name")),
                    round(float(candidate.get("lat", 0)), 4),
                    round(float(candidate.get("lon", 0)), 4),
                )
                if key not in seen:
                    seen.add(key)
                    out.append(candidate)
        return out


def _details(data: dict[str, Any]) -> str:
    parts = []
    for key, value in data.items():
        if key in HIDDEN_KEYS or isinstance(value, dict | list):
            continue
        parts.append(f"{key}={value}")
    text = ", ".join(parts)
    return text if len(text) <= 300 else text[:297] + "..."


def _reports(session: Session, incident_id: int) -> list[ReportView]:
    rows = session.execute(
        select(Report, Sender.pseudonym, Sender.role, InboundMessage.channel)
        .join(Sender, Sender.id == Report.sender_id)
        .join(InboundMessage, InboundMessage.id == Report.message_id)
        .where(Report.incident_id == incident_id)
        .order_by(Report.received_at, Report.id)
    ).all()
    return [
        ReportView(
            id=r.id,
            text=r.text,
            received_at=r.received_at,
            channel=channel,
            sender_id=r.sender_id,
            pseudonym=pseudonym,
            sender_role=role,
            threat=r.threat,
            severity=r.severity,
            lat=r.lat,
            lon=r.lon,
            radius_m=r.radius_m,
            place_name=r.place_name,
            location_method=r.location_method,
            ambiguous=r.ambiguous,
            candidates=list(r.candidates or []) if r.ambiguous else [],
        )
        for r, pseudonym, role, channel in rows
    ]


def _taskings(session: Session, incident_id: int) -> list[TaskingView]:
    due = dict(
        session.execute(
            select(Deadline.tasking_id, Deadline.due_at).where(
                Deadline.incident_id == incident_id,
                Deadline.kind == "ack",
                Deadline.status == "pending",
            )
        ).all()
    )
    rows = session.execute(
        select(Tasking, Unit.callsign)
        .join(Unit, Unit.id == Tasking.unit_id)
        .where(Tasking.incident_id == incident_id)
        .order_by(Tasking.id)
    ).all()
    return [
        TaskingView(
            id=t.id,
            unit=callsign,
            status=t.status,
            created_at=t.created_at,
            updated_at=t.updated_at,
            reason_text=t.reason_text,
            ack_due_at=due.get(t.id),
        )
        for t, callsign in rows
    ]


def _place_named(session: Session, name: str | None) -> dict[str, Any] | None:
    """The mission network's place of that name (else a gazetteer one), if exactly known."""
    if not name:
        return None
    place = session.scalars(
        select(Place)
        .where(func.lower(Place.name) == name.strip().lower())
        .order_by((Place.source == "network").desc(), Place.population.desc())
        .limit(1)
    ).first()
    if place is None:
        return None
    return {"name": place.name, "lat": place.lat, "lon": place.lon, "admin": place.admin}


def _relays(session: Session, events: list[Event]) -> list[RelayView]:
    return [
        RelayView(
            message_id=e.subject_id or 0,
            source_channel=str(e.data.get("source_channel", "")),
            source_reported_at=e.data.get("source_reported_at"),
            place=e.data.get("place"),
            actor=e.actor,
            place_match=_place_named(session, e.data.get("place")),
        )
        for e in events
        if e.kind == EventKind.ALERT_RELAYED
    ]


def _timeline_view(session: Session, events: list[Event]) -> list[EventView]:
    leaves = dict(
        session.execute(
            select(LogLeaf.event_id, LogLeaf.leaf_index).where(
                LogLeaf.event_id.in_([e.id for e in events])
            )
        ).all()
    )
    return [
        EventView(leaves.get(e.id), e.occurred_at, e.actor, e.kind, _details(e.data))
        for e in events
    ]


def incident_page(session: Session, scope: Scope, incident: Incident) -> IncidentPage:
    events = incident_timeline(session, incident.id)
    merge_targets = [
        (i.id, f"{i.ref} — {i.threat}, {i.place_name or 'unlocated'}")
        for i in session.scalars(
            select(Incident)
            .where(
                Incident.id != incident.id,
                Incident.status.not_in(FINAL),
                Incident.merged_into_id.is_(None),
                visible(scope, single=single_mission(session)),
            )
            .order_by(Incident.last_report_at.desc())
            .limit(50)
        )
    ]
    return IncidentPage(
        incident=incident,
        reports=_reports(session, incident.id),
        taskings=_taskings(session, incident.id),
        timeline=_timeline_view(session, events),
        relays=_relays(session, events),
        merge_targets=merge_targets,
    )


def map_data(
    session: Session,
    incident: Incident,
    reports: list[ReportView],
    candidates: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Everything the map draws, as plain JSON. Places: the mission network's own."""
    bases = list(session.scalars(select(OperatingBase).order_by(OperatingBase.name)))
    mission = incident.mission
    if mission is not None:
        bases = [b for b in bases if b.mission == mission]
    base_ids = {b.id for b in bases}
    units = [
        u for u in session.scalars(select(Unit).order_by(Unit.callsign)) if u.base_id in base_ids
    ]
    by_id = {b.id: b for b in bases}
    places = session.scalars(
        select(Place).where(Place.source == "network").order_by(Place.name).limit(MAP_PLACES_LIMIT)
    )
    return {
        "incident": {
            "ref": incident.ref,
            "lat": incident.lat,
            "lon": incident.lon,
            "radius_m": incident.radius_m,
            "place": incident.place_name,
        },
        "reports": [
            {
                "id": r.id,
                "lat": r.lat,
                "lon": r.lon,
                "radius_m": r.radius_m,
                "label": f"{r.pseudonym} {r.received_at:%H:%M}Z",
            }
            for r in reports
            if r.lat is not None and r.lon is not None
        ],
        "bases": [{"name": b.name, "lat": b.lat, "lon": b.lon, "kind": b.kind} for b in bases],
        "units": [
            {
                "callsign": u.callsign,
                "status": u.status,
                "lat": by_id[u.base_id].lat,
                "lon": by_id[u.base_id].lon,
            }
            for u in units
        ],
        "places": [{"name": p.name, "lat": p.lat, "lon": p.lon} for p in places],
        "candidates": [
            {"name": c.get("name"), "lat": c.get("lat"), "lon": c.get("lon")}
            for c in candidates or []
            if c.get("lat") is not None and c.get("lon") is not None
        ],
    }
