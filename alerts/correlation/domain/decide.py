"""Which incident a report belongs to, as a value the event log can keep.

A report joins an incident when their places overlap within both
uncertainty radii (the incident's best point or any point of its recent
track, so an attack moving along a road stays one incident), its time falls
in the threat's window, and the threats may be one event. Text similarity
breaks ties and must vouch for overlaps that only touch at the edges of the
radii (see `matching`).

There is no automatic merge: a report joins at most one incident, and a
report located only by its sender's village never makes an incident reach
further (see `absorb`), so it cannot glue two attacks together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from math import log
from typing import Literal

from alerts.correlation.domain.incident import absorb, corroborated_severity, new_incident_view
from alerts.correlation.domain.matching import Match, match
from alerts.correlation.domain.model import IncidentView, ReportFacts
from alerts.correlation.domain.rules import CorrelationRules
from alerts.correlation.domain.spatial import distance_m, match_radius

__all__ = [
    "Considered",
    "Decision",
    "absorb",
    "corroborated_severity",
    "decide",
    "new_incident_view",
]

Action = Literal["join", "new", "continuation"]
Reason = Literal[
    "overlap",  # joined the best-scoring incident its place overlaps
    "track",  # ...overlapping only an earlier point of the incident's track
    "ambiguous-coarse",  # a coarse location overlapped incidents far apart
    "continuation",  # matches an incident closed too long ago to reopen
    "unlocated",  # no place: a triage incident of its own
    "no-candidate",  # no incident near enough in place and time
    "no-match",  # incidents nearby, none matching (see `considered`)
]
# A coarse report between incidents far apart goes where it most likely
# belongs: its location is where the sender is (their village, or the base
# that relayed them), and informants report what happens around them, so the
# odds fall off with distance; taken as a normal spread of this share of the
# location's radius: 4 km for a sender's village, 10 km for a relay base.
# Chosen on the benchmark's tuning seed among 0.2-0.7; 0.3-0.5 did about as well.
COARSE_SPREAD = 0.4
# A new incident's reporting rate is counted over at least this long, so its
# first report does not make it look like the busiest attack of the night.
MIN_RATE_SPAN_S = 30.0


@dataclass(frozen=True)
class Considered:
    """One candidate incident and how it fared, for the audit."""

    incident_id: int
    distance_m: float | None
    overlaps: bool
    in_window: bool
    compatible: bool
    similarity: float
    score: float
    note: str


@dataclass(frozen=True)
class Decision:
    action: Action
    incident_id: int | None
    continuation_of: int | None
    reopen: bool
    reason: Reason
    considered: tuple[Considered, ...] = ()

    def as_record(self) -> dict[str, object]:
        """A JSON-ready form for the event log."""
        return {
            "action": self.action,
            "incident_id": self.incident_id,
            "continuation_of": self.continuation_of,
            "reopen": self.reopen,
            "reason": self.reason,
            "considered": [
                {
                    "incident_id": c.incident_id,
                    "distance_m": None if c.distance_m is None else round(c.distance_m),
                    "overlaps": c.overlaps,
                    "in_window": c.in_window,
                    "compatible": c.compatible,
                    "similarity": round(c.similarity, 3),
                    "score": round(c.score, 3),
                    "note": c.note,
                }
                for c in self.considered
            ],
        }


def decide(
    report: ReportFacts, candidates: Sequence[IncidentView], rules: CorrelationRules
) -> Decision:
    """Join the best matching incident, open a new one, or continue a closed one.

    Args:
        report: the new report.
        candidates: incidents near it in place and time (from the cell index);
            others may be included, they are weighed and refused.
        rules: windows, compatible threats, reopening, similarity floor.
    """
    if not report.located:
        return Decision("new", None, None, False, "unlocated")
    matches = [match(report, incident, rules) for incident in candidates]
    # An overlap with the incident's sharper points beats one reaching only its
    # vaguer track points (see `matching._overlap`), whatever the scores.
    matches.sort(key=lambda m: (not m.eligible, m.beyond_sharper, -m.score, m.incident.id))
    joinable = [m for m in matches if m.eligible and m.status != "continuation"]
    if joinable:
        chosen, reason = _choose(report, joinable)
        return _decision("join", chosen, reason, matches)
    continuing = [m for m in matches if m.eligible]
    if continuing:
        return _decision("continuation", continuing[0], "continuation", matches)
    return Decision(
        "new", None, None, False, "no-match" if matches else "no-candidate", _considered(matches)
    )


def _choose(report: ReportFacts, joinable: list[Match]) -> tuple[Match, Reason]:
    """The best-scoring match, unless a coarse report sits between incidents far apart.

    Then distance alone says little (the report may be anywhere in 10 km), so
    the sender's own earlier report decides; else the likeliest incident
    (see `_likelihood`); either way the report joins one incident and the
    others are left as they are. Text does not decide: a coarse text names
    no place, and what it shares with another is mostly alert words no stop
    list holds ("saidu", "hini"). On the benchmark's tuning seed a clearly
    more similar text chose right 57% of the time; the nearest incident 77%
    for a sender's village and 44% for a relay base, the likeliest 80% and 61%.
    """
    best = joinable[0]
    if report.precise or not _far_apart(joinable):
        return best, "track" if best.via_track else "overlap"
    reported = [m for m in joinable if m.same_sender]
    if len(reported) == 1:
        return _noted(reported[0], "chosen: sender reported it before"), "ambiguous-coarse"
    likeliest = max(joinable, key=lambda m: (_likelihood(report, m), -m.incident.id))
    return _noted(likeliest, "chosen: likeliest by reporting rate and distance"), "ambiguous-coarse"


def _likelihood(report: ReportFacts, candidate: Match) -> float:
    """Log-odds, up to a constant, that a coarse report is about this incident.

    How busy the incident is (distinct informants per second since its first
    report: the attack more people are texting about right now is likelier
    the next one's subject) times how near its best point lies to where the
    sender is, as a normal spread of COARSE_SPREAD of the report's radius.
    """
    incident = candidate.incident
    since_first = (report.received_at - incident.first_report_at).total_seconds()
    rate = len(incident.informants) / max(MIN_RATE_SPAN_S, since_first)
    spread = COARSE_SPREAD * (report.radius_m or 0.0)
    distance = candidate.best_distance_m or 0.0
    return log(rate) - (distance / spread) ** 2 / 2 if spread else log(rate)


def _far_apart(matches: list[Match]) -> bool:
    """Some two of the incidents are too far apart to be one event."""
    located = [m.incident for m in matches if m.incident.point is not None]
    for i, a in enumerate(located):
        for b in located[i + 1 :]:
            assert a.point is not None and b.point is not None
            reach = match_radius(a.radius_m or 0.0) + match_radius(b.radius_m or 0.0)
            if distance_m(a.point, b.point) > reach:
                return True
    return False


def _noted(chosen: Match, note: str) -> Match:
    return replace(chosen, note=f"{chosen.note}; {note}")


def _decision(action: Action, chosen: Match, reason: Reason, matches: list[Match]) -> Decision:
    considered = _considered(
        [chosen if m.incident.id == chosen.incident.id else m for m in matches]
    )
    if action == "continuation":
        return Decision(action, None, chosen.incident.id, False, reason, considered)
    return Decision(action, chosen.incident.id, None, chosen.status == "reopen", reason, considered)


def _considered(matches: list[Match]) -> tuple[Considered, ...]:
    return tuple(
        Considered(
            m.incident.id,
            m.distance_m,
            m.overlaps,
            m.in_window,
            m.compatible,
            0.0 if m.similarity is None else m.similarity,
            m.score,
            m.note
            if m.similarity is not None or not m.overlaps
            else m.note + ", no distinctive words",
        )
        for m in matches
    )
