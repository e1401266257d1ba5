"""Choose the responsible base and the unit to task.

The base whose area of responsibility (AOR) contains the incident is
responsible; without one, the nearest base open that day (temporary bases
come and go). The unit is that base's ready QRF, else the ready QRF of another
open base that can be there first: notice to move plus travel time.

The decision is a value holding every candidate considered and why one was
chosen, so an evaluator can later see exactly what the system knew.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from alerts.core.domain.geo import Point
from alerts.dispatch.domain.config import DispatchConfig
from alerts.registry.domain.units import UnitStatus

RouteReason = Literal["aor", "nearest-open-base", "no-open-base", "unlocated"]
UnitReason = Literal["base-qrf-ready", "nearest-other-qrf-ready", "no-qrf-ready", "not-routed"]


def aor_geometry(aor: Mapping[str, Any] | None) -> BaseGeometry | None:
    """A GeoJSON polygon ([lon, lat] order) as a shape; None when there is none."""
    return None if not aor else shape(aor)


@dataclass(frozen=True)
class BaseSite:
    id: int
    name: str
    point: Point
    opened: date | None
    closed: date | None
    aor: BaseGeometry | None = None
    sector: str | None = None

    def is_open(self, today: date) -> bool:
        """Temporary bases come and go: a base serves only between its dates."""
        if self.opened is not None and self.opened > today:
            return False
        return self.closed is None or self.closed > today

    def covers(self, point: Point) -> bool:
        return self.aor is not None and self.aor.covers(ShapelyPoint(point.lon, point.lat))


@dataclass(frozen=True)
class UnitState:
    id: int
    callsign: str
    base_id: int
    role: str
    status: UnitStatus
    notice_to_move_min: int
    travel_mode: str = "road"

    @property
    def is_ready_qrf(self) -> bool:
        return self.role == "qrf" and self.status == UnitStatus.READY


@dataclass(frozen=True)
class Candidate:
    kind: Literal["base", "unit"]
    id: int
    name: str
    distance_m: float | None
    eligible: bool
    note: str
    eta_s: float | None = None  # units: notice to move plus travel
    travel_s: float | None = None


@dataclass(frozen=True)
class RouteDecision:
    base_id: int | None
    unit_id: int | None
    reason: RouteReason
    unit_reason: UnitReason
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)

    def chosen_unit(self) -> Candidate | None:
        return next((c for c in self.candidates if c.kind == "unit" and c.id == self.unit_id), None)

    def as_record(self) -> dict[str, object]:
        """A JSON-ready form for the event log and the tasking row."""
        chosen = self.chosen_unit()
        return {
            "base_id": self.base_id,
            "unit_id": self.unit_id,
            "reason": self.reason,
            "unit_reason": self.unit_reason,
            "eta_s": None if chosen is None or chosen.eta_s is None else round(chosen.eta_s),
            "candidates": [
                {
                    "kind": c.kind,
                    "id": c.id,
                    "name": c.name,
                    "distance_m": None if c.distance_m is None else round(c.distance_m),
                    "eligible": c.eligible,
                    "note": c.note,
                    "eta_s": None if c.eta_s is None else round(c.eta_s),
                    "travel_s": None if c.travel_s is None else round(c.travel_s),
                }
                for c in self.candidates
            ],
        }


def route(
    point: Point | None,
    bases: list[BaseSite],
    units: list[UnitState],
    today: date,
    excluded: frozenset[int] = frozenset(),
    config: DispatchConfig | None = None,
) -> RouteDecision:
    """The responsible base and the QRF to task.

    Units in `excluded` were already tasked for this incident (they declined,
    stayed silent or could not be reached) and are not asked again.
    """
    if point is None:
        return RouteDecision(None, None, "unlocated", "not-routed")
    config = config or DispatchConfig()
    open_bases = {b.id: b for b in bases if b.is_open(today)}
    distance = {b.id: point.distance_m(b.point) for b in bases}
    in_aor = [b for b in open_bases.values() if b.covers(point)]
    responsible: BaseSite | None
    reason: RouteReason
    if in_aor:
        responsible, reason = min(in_aor, key=lambda b: (distance[b.id], b.id)), "aor"
    elif open_bases:
        responsible = min(open_bases.values(), key=lambda b: (distance[b.id], b.id))
        reason = "nearest-open-base"
    else:
        responsible, reason = None, "no-open-base"
    base_candidates = sorted(
        (_base_candidate(b, b.id in open_bases, b.covers(point), distance[b.id]) for b in bases),
        key=lambda c: (not c.eligible, c.distance_m or 0.0),
    )
    if responsible is None:
        return RouteDecision(None, None, reason, "not-routed", tuple(base_candidates))

    qrfs = [u for u in units if u.role == "qrf"]
    unit_candidates = [_unit_candidate(u, open_bases, distance, excluded, config) for u in qrfs]
    eligible = [c for c in unit_candidates if c.eligible]
    by_id = {u.id: u for u in qrfs}
    own = [c for c in eligible if by_id[c.id].base_id == responsible.id]
    chosen: Candidate | None = None
    unit_reason: UnitReason = "no-qrf-ready"
    if own:
        chosen, unit_reason = min(own, key=lambda c: (c.eta_s or 0.0, c.id)), "base-qrf-ready"
    elif eligible:
        chosen = min(eligible, key=lambda c: (c.eta_s or 0.0, c.id))
        unit_reason = "nearest-other-qrf-ready"
    unit_candidates.sort(key=lambda c: (not c.eligible, c.eta_s or 0.0, c.id))
    return RouteDecision(
        responsible.id,
        chosen.id if chosen else None,
        reason,
        unit_reason,
        tuple(base_candidates + unit_candidates),
    )


def _base_candidate(base: BaseSite, is_open: bool, covers: bool, distance_m: float) -> Candidate:
    note = "open" if is_open else "closed"
    if covers:
        note += ", AOR contains the incident"
    return Candidate("base", base.id, base.name, distance_m, is_open, note)


def _unit_candidate(
    unit: UnitState,
    open_bases: Mapping[int, BaseSite],
    distance: Mapping[int, float],
    excluded: frozenset[int],
    config: DispatchConfig,
) -> Candidate:
    """How soon this QRF could be on scene, and whether it may be asked."""
    if unit.base_id not in open_bases:
        return Candidate("unit", unit.id, unit.callsign, None, False, "base closed")
    metres = distance[unit.base_id]
    travel = config.travel_s(metres, unit.travel_mode)
    eta = unit.notice_to_move_min * 60 + travel
    if unit.id in excluded:
        note = "already tasked for this incident"
    elif unit.status != UnitStatus.READY:
        note = str(unit.status)
    else:
        note = f"ready, {unit.travel_mode}"
    eligible = unit.is_ready_qrf and unit.id not in excluded
    return Candidate("unit", unit.id, unit.callsign, metres, eligible, note, eta, travel)
