"""How one report fares against one incident: time, threat, place, text.

Kept apart from `decide` so each check reads on its own and the audit note
says which one failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from alerts.core.domain.geo import Point
from alerts.correlation.domain.model import IncidentView, ReportFacts
from alerts.correlation.domain.rules import CorrelationRules
from alerts.correlation.domain.similarity import text_similarity
from alerts.correlation.domain.spatial import EVENT_HALF_EXTENT_M, distance_m, match_radius

Status = Literal["open", "reopen", "continuation"]
# Score = tightness of the overlap (1 at the same spot, 0 at the edge of both
# radii) + weighted similarity + weighted recency. Place leads: it is what
# the radii make comparable; texts only tell us something when both name
# particulars. A text with nothing distinctive counts as middling.
SIMILARITY_WEIGHT = 0.5
NEUTRAL_SIMILARITY = 0.5
RECENCY_WEIGHT = 0.2


@dataclass(frozen=True, slots=True)
class Match:
    incident: IncidentView
    status: Status
    distance_m: float | None  # to the nearest point compared
    best_distance_m: float | None  # to the incident's best point
    overlaps: bool
    via_track: bool  # overlaps a recent track point but not the best point
    in_window: bool
    compatible: bool
    similarity: float | None  # None: no distinctive words on one side
    same_sender: bool  # the sender already reported this incident
    # The incident has points sharper than the report's, but the report overlaps
    # only its points as vague as its own (a named village further along a track).
    beyond_sharper: bool
    score: float
    eligible: bool
    note: str


@dataclass(frozen=True, slots=True)
class _Overlap:
    distance_m: float
    best_distance_m: float
    tightness: float  # of the best overlapping point; 0 when none overlaps
    overlaps: bool
    via_track: bool
    beyond_sharper: bool
    # Why the overlap proves little, if it does: only at the edges of both radii
    # ("edge"), or between two coarse locations ("coarse", noted for the audit).
    weak: Literal["coarse", "edge", ""]


def match(report: ReportFacts, incident: IncidentView, rules: CorrelationRules) -> Match:
    """Cheap checks first (time, threat), then place, then text.

    An incident failing on time or threat is not measured: the candidates of
    a naive scan are mostly old, and the audit needs only the first reason.
    """
    status = _status(report, incident, rules)
    window = max(rules.window(report.threat), rules.window(incident.threat))
    at = report.received_at
    in_window = incident.first_report_at - window <= at <= incident.last_report_at + window
    compatible = all(rules.are_compatible(report.threat, t) for t in incident.threats)
    if not (in_window and compatible):
        note = "outside window" if not in_window else "threats incompatible"
        return _refused(incident, status, None, in_window, compatible, note)
    place = _overlap(report, incident)
    if place is None:
        return _refused(incident, status, None, True, True, "incident unlocated")
    if not place.overlaps:
        return _refused(incident, status, place, True, True, "no overlap")
    similarity = text_similarity(report.text, incident.texts)
    since_last = max(0.0, (at - incident.last_report_at).total_seconds())
    recency = max(0.0, 1.0 - since_last / window.total_seconds())
    weighed = NEUTRAL_SIMILARITY if similarity is None else similarity
    score = place.tightness + SIMILARITY_WEIGHT * weighed + RECENCY_WEIGHT * recency
    notes = ["track" if place.via_track else "best point"]
    if place.beyond_sharper:
        notes.append("beyond its sharper points")
    if place.weak:
        notes.append(f"{place.weak} overlap")
    # Text guards the chance overlaps: touching only at the edges of both radii
    # (neither point within the other's radius: neighbouring villages, or a
    # sender's village at the limit of its reach) counts only when the texts
    # share particulars. Low similarity alone refuses nothing: alerts are full
    # of words no list holds ("venez", "saidu"), so two reports of one attack
    # often share none, and refusing on that split attacks in the benchmark.
    eligible = place.weak != "edge" or (
        similarity is not None and similarity >= rules.min_similarity
    )
    if not eligible:
        notes.append("texts unlike: refused")
    if status != "open":
        notes.append("closed: " + status)
    return Match(
        incident, status, place.distance_m, place.best_distance_m, True, place.via_track, True,
        True, similarity, report.sender_id in incident.informants, place.beyond_sharper, score,
        eligible, ", ".join(notes),
    )  # fmt: skip


def _status(report: ReportFacts, incident: IncidentView, rules: CorrelationRules) -> Status:
    if incident.closed_at is None:
        return "open"
    if report.received_at - incident.closed_at <= rules.reopen_window:
        return "reopen"
    return "continuation"


def _overlap(report: ReportFacts, incident: IncidentView) -> _Overlap | None:
    """The report's place against the incident's best point and precise track points.

    Coarse track points (sender's village, relay base) are never compared:
    a sender's-village report that joined an attack must not let the attack
    reach 10 km further and swallow its neighbour's reports, nor a chain of
    them walk an incident across a province. An incident located only
    coarsely is compared at its best point.

    A precise report is compared with the incident's points at least as
    sharp as its own when there are any: a typed coordinate 4 km from the
    coordinates of an attack is another attack, even if it falls inside the
    3 km of a village someone named.

    Among those, points sharper than the report's own say where the incident
    is, and they decide the overlap whenever one is near: a village named 2 km
    from the attack's typed coordinates fits that attack that well, whatever
    earlier reports naming the same village were joined to. Those earlier
    joins may have been made before a neighbouring attack was known, and
    counting them would make one early mistake draw every later report of
    that village after it. Points as vague as the report's own count only
    when no sharper one is near, so an attack moving from village to village
    is still followed along its track (`beyond_sharper`).
    """
    if report.point is None or report.radius_m is None or incident.point is None:
        return None
    own = match_radius(report.radius_m)
    precise = report.precise and incident.precisely_located
    anchors: list[tuple[Point, float, bool]] = [
        (incident.point, match_radius(incident.radius_m or 0.0), False)
    ]
    anchors += [(p.point, match_radius(p.radius_m), True) for p in incident.track if p.precise]
    if precise:
        sharp = [a for a in anchors if a[1] <= own]
        anchors = sharp or anchors
    has_sharper = precise and any(radius < own for _, radius, _ in anchors)
    best_distance = distance_m(report.point, incident.point)
    nearest = float("inf")
    best: _Fit | None = None
    best_sharper: _Fit | None = None
    best_point_overlaps = False
    for point, radius, on_track in anchors:
        distance = best_distance if not on_track else distance_m(report.point, point)
        nearest = min(nearest, distance)
        limit = own + radius
        if distance > limit:
            continue
        best_point_overlaps = best_point_overlaps or not on_track
        fit = _Fit(distance <= max(own, radius) + EVENT_HALF_EXTENT_M, 1.0 - distance / limit)
        best = fit if best is None else max(best, fit)
        if has_sharper and radius < own:
            best_sharper = fit if best_sharper is None else max(best_sharper, fit)
    if best is None:
        return _Overlap(nearest, best_distance, 0.0, False, False, False, "")
    fit = best_sharper or best
    weak: Literal["coarse", "edge", ""] = ""
    if not fit.inside:
        weak = "edge"
    elif not report.precise and not incident.precisely_located:
        weak = "coarse"
    return _Overlap(
        nearest, best_distance, fit.tightness, True, not best_point_overlaps,
        has_sharper and best_sharper is None, weak,
    )  # fmt: skip


@dataclass(frozen=True, slots=True, order=True)
class _Fit:
    """How well the report fits one point: inside its radius first, then how tightly."""

    inside: bool
    tightness: float


def _refused(
    incident: IncidentView,
    status: Status,
    place: _Overlap | None,
    in_window: bool,
    compatible: bool,
    note: str,
) -> Match:
    distance = None if place is None else place.distance_m
    best_distance = None if place is None else place.best_distance_m
    return Match(
        incident, status, distance, best_distance, False, False, in_window, compatible, None,
        False, False, 0.0, False, note,
    )  # fmt: skip
