"""Choose the responsible base and the unit to task.

The decision is a value holding every candidate considered and why one was
chosen, so an evaluator can later see exactly what the system knew.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from alerts.domain.geo import Point

RouteReason = Literal[
    "nearest-open-base",
    "no-open-base",
    "unlocated",
]
UnitReason = Literal[
    "base-qrf-ready",
    "nearest-other-qrf-ready",
    "no-qrf-ready",
    "not-routed",
]


@dataclass(frozen=True)
class BaseSite:
    id: int
    name: str
    point: Point
    opened: date | None
    closed: date | None

    def is_open(self, today: date) -> bool:
        """Temporary bases come and go: a base serves only between its dates."""
        if self.opened is not None and self.opened > today:
            return False
        return self.closed is None or self.closed > today


@dataclass(frozen=True)
class UnitState:
    id: int
    callsign: str
    base_id: int
    role: str
    status: str
    notice_to_move_min: int

    @property
    def is_ready_qrf(self) -> bool:
        return self.role == "qrf" and self.status == "ready"


@dataclass(frozen=True)
class Candidate:
    kind: Literal["base", "unit"]
    id: int
    name: str
    distance_m: float | None
    eligible: bool
    note: str


@dataclass(frozen=True)
class RouteDecision:
    base_id: int | None
    unit_id: int | None
    reason: RouteReason
    unit_reason: UnitReason
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)

    def as_record(self) -> dict[str, object]:
        """A JSON-ready form for the event log and the tasking row."""
        return {
            "base_id": self.base_id,
            "unit_id": self.unit_id,
            "reason": self.reason,
            "unit_reason": self.unit_reason,
            "candidates": [
                {
                    "kind": c.kind,
                    "id": c.id,
                    "name": c.name,
                    "distance_m": None if c.distance_m is None else round(c.distance_m),
                    "eligible": c.eligible,
                    "note": c.note,
                }
                for c in self.candidates
            ],
        }


def route(
    point: Point | None,
    bases: list[BaseSite],
    units: list[UnitState],
    today: date,
    declined_by: frozenset[int] = frozenset(),
) -> RouteDecision:
    """Nearest open base by geodesic distance; then its ready QRF, else the
    ready QRF whose base is nearest to the incident.

    Units in `declined_by` already refused this incident and are not asked again.
    """
    if point is None:
        return RouteDecision(None, None, "unlocated", "not-routed")

    base_candidates: list[Candidate] = []
    open_bases: list[tuple[float, BaseSite]] = []
    for base in bases:
        distance = point.distance_m(base.point)
        is_open = base.is_open(today)
        base_candidates.append(
            Candidate(
                "base", base.id, base.name, distance, is_open, "open" if is_open else "closed"
            )
        )
        if is_open:
            open_bases.append((distance, base))
    base_candidates.sort(key=lambda c: (not c.eligible, c.distance_m or 0.0))
    if not open_bases:
        return RouteDecision(None, None, "no-open-base", "not-routed", tuple(base_candidates))

    open_bases.sort(key=lambda pair: pair[0])
    responsible = open_bases[0][1]
    base_distance = {base.id: distance for distance, base in open_bases}

    units = [u for u in units if u.role == "qrf"]
    available = [u for u in units if u.is_ready_qrf and u.id not in declined_by]
    unit_candidates: list[Candidate] = []
    chosen: UnitState | None = None
    unit_reason: UnitReason = "no-qrf-ready"
    for unit in units:
        unit_distance = base_distance.get(unit.base_id)
        eligible = unit in available and unit_distance is not None
        note = unit.status if unit_distance is not None else "base closed"
        if unit.id in declined_by:
            note = "declined this incident"
        unit_candidates.append(
            Candidate("unit", unit.id, unit.callsign, unit_distance, eligible, note)
        )

    own = [u for u in available if u.base_id == responsible.id]
    if own:
        chosen = min(own, key=lambda u: (u.notice_to_move_min, u.id))
        unit_reason = "base-qrf-ready"
    else:
        others = [u for u in available if u.base_id in base_distance]
        if others:
            chosen = min(others, key=lambda u: (base_distance[u.base_id], u.id))
            unit_reason = "nearest-other-qrf-ready"
    unit_candidates.sort(key=lambda c: (not c.eligible, c.distance_m or 0.0))
    return RouteDecision(
        responsible.id,
        chosen.id if chosen else None,
        "nearest-open-base",
        unit_reason,
        tuple(base_candidates + unit_candidates),
    )
