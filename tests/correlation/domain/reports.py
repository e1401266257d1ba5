"""Reports and incidents for the correlation tests: plain values, no fixture.

Places are around Mavivi, north of Beni; distances are laid out east along
the equator-ish latitude so "8 km apart" reads as 8 km apart.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from alerts.core.domain.geo import Point
from alerts.correlation.domain.decide import Decision, absorb, decide, new_incident_view
from alerts.correlation.domain.model import IncidentView, ReportFacts
from alerts.correlation.domain.rules import CorrelationRules

T0 = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
MAVIVI = Point(0.5447, 29.4639)
RULES = CorrelationRules.defaults()
RADIUS = {
    "coordinates": 100.0,
    "grid_reference": 100.0,
    "place_name": 3_000.0,
    "relative_place": 3_000.0,
    "sender_place": 10_000.0,
    "relay_base": 25_000.0,
}


def east(km: float, north: float = 0.0, origin: Point = MAVIVI) -> Point:
    """The point `km` east and `north` km north of the origin."""
    dlat = north / 111.32
    dlon = km / (111.32 * math.cos(math.radians(origin.lat)))
    return Point(origin.lat + dlat, origin.lon + dlon)


def report(
    report_id: int,
    *,
    at: float = 0.0,  # minutes after T0
    where: Point | None = MAVIVI,
    method: str = "coordinates",
    sender: int | None = None,
    threat: str = "attack",
    severity: int = 3,
    text: str = "Attaque à Mavivi, venez vite",
) -> ReportFacts:
    located = where is not None and method != "unlocated"
    return ReportFacts(
        id=report_id,
        sender_id=report_id if sender is None else sender,
        received_at=T0 + timedelta(minutes=at),
        point=where if located else None,
        radius_m=RADIUS[method] if located else None,
        method=method if located else "unlocated",
        threat=threat,
        severity=severity,
        text=text,
    )


def replay(
    reports: list[ReportFacts], rules: CorrelationRules = RULES
) -> tuple[dict[int, IncidentView], list[Decision]]:
    """Every report through decide/absorb in order, every incident a candidate."""
    incidents: dict[int, IncidentView] = {}
    decisions = []
    for item in reports:
        decision = decide(item, list(incidents.values()), rules)
        decisions.append(decision)
        if decision.action == "join" and decision.incident_id is not None:
            incidents[decision.incident_id] = absorb(incidents[decision.incident_id], item, rules)
        else:
            new_id = len(incidents) + 1
            incidents[new_id] = new_incident_view(new_id, item)
    return incidents, decisions
