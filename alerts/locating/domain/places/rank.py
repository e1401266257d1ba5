"""Choosing among the places a text may mean, and saying when we cannot.

Villages share names ("Mabanga" near Goma and near Bunia), and a fuzzy match
may reach several names. Each candidate is scored by how well the written
words match it and by what we know around the message: the mission's own
network file outranks GeoNames, places near the sender's home village and
inside the mission's area outrank far ones, towns outrank hamlets. When the
two best are far apart and score alike, the honest answer is "ambiguous":
the best is still given, but a person in the JOC should choose.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from alerts.core.domain.geo import Point
from alerts.locating.domain.places.index import PlaceRecord

VILLAGE_RADIUS_M = 3_000.0  # a village and its fields
TOWN_RADIUS_M = 8_000.0  # a town and its quarters
TOWN_POPULATION = 50_000
TOWN_FEATURES = ("PPLA", "PPLC")  # GeoNames: seats of administration, capital

NETWORK_BONUS = 0.08  # the mission's own file was written for these alerts
# Full within a day's walk or a short ride of the sender's home, where
# informants mostly report, then less, and nothing from HOME_REACH_KM.
HOME_BONUS = 0.10
HOME_NEAR_KM = 60.0
HOME_REACH_KM = 200.0
OUTSIDE_MISSION_PENALTY = 0.15
IMPORTANCE_BONUS = 0.04  # a tie-breaker: a town is more often meant than a hamlet
# The largest raw score: an exact spelling (1.0) with every context bonus
# (strong cue 0.10, capital 0.03, relative phrase 0.10) and every prior bonus.
# Dividing by it keeps candidate scores within 0..1.
_MAX_CONTEXT_BONUS = 0.23
_MAX_RAW_SCORE = 1.0 + _MAX_CONTEXT_BONUS + NETWORK_BONUS + HOME_BONUS + IMPORTANCE_BONUS

AMBIGUITY_MARGIN = 0.05  # candidate scores closer than this are a tie
AMBIGUITY_DISTANCE_KM = 25.0  # beyond this, a tie is two different places
SAME_PLACE_KM = 5.0  # one place listed twice (network file and GeoNames)
MAX_CANDIDATES = 5
_EARTH_RADIUS_KM = 6371.0


class Scored(NamedTuple):
    """A gazetteer place, the words that named it, and how likely it is meant."""

    record: PlaceRecord
    key: str
    score: float
    span: tuple[int, int]


@dataclass(frozen=True)
class RankingContext:
    home: Point | None = None
    mission_area: Point | None = None
    mission_radius_km: float = 500.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance. Haversine, not geodesic: ranking needs speed, not millimetres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def is_town(record: PlaceRecord) -> bool:
    feature = record.feature or ""
    return feature.startswith(TOWN_FEATURES) or record.population > TOWN_POPULATION


def place_radius_m(record: PlaceRecord) -> float:
    return TOWN_RADIUS_M if is_town(record) else VILLAGE_RADIUS_M


def _importance(record: PlaceRecord) -> float:
    """0..1: capitals and seats of administration 1, then by population."""
    return _importance_of(record.feature or "", record.population)


@lru_cache(maxsize=4_096)
def _importance_of(feature: str, population: int) -> float:
    if feature.startswith(TOWN_FEATURES) or population > TOWN_POPULATION:
        return 1.0
    by_population = math.log10(population + 1) / math.log10(TOWN_POPULATION)
    return min(1.0, max(0.25 if feature == "PPL" else 0.0, by_population))


def _prior(record: PlaceRecord, context: RankingContext) -> float:
    """What we expect before reading the words: source, nearness, size."""
    prior = NETWORK_BONUS if record.source == "network" else 0.0
    if context.home is not None:
        away = distance_km(record.lat, record.lon, context.home.lat, context.home.lon)
        beyond = max(0.0, away - HOME_NEAR_KM) / (HOME_REACH_KM - HOME_NEAR_KM)
        prior += HOME_BONUS * max(0.0, 1.0 - beyond)
    if context.mission_area is not None:
        area = context.mission_area
        if distance_km(record.lat, record.lon, area.lat, area.lon) > context.mission_radius_km:
            prior -= OUTSIDE_MISSION_PENALTY
    return prior + IMPORTANCE_BONUS * _importance(record)


def score(record: PlaceRecord, quality: float, context: RankingContext) -> float:
    """0..1 from how well the words matched (cues included) and the prior around them."""
    raw = quality + _prior(record, context)
    return min(1.0, max(0.0, raw / _MAX_RAW_SCORE))


def rank(scored: list[Scored]) -> list[Scored]:
    """Best first; each place once, and a place listed twice nearby only once.

    Stops once it holds MAX_CANDIDATES and the rest score too low to rival the
    best: nothing further down is shown or changes the answer.
    """
    ranked: list[Scored] = []
    for candidate in sorted(scored, key=lambda s: (-s.score, s.record.source != "network")):
        if len(ranked) >= MAX_CANDIDATES and ranked[0].score - candidate.score >= AMBIGUITY_MARGIN:
            break
        if not any(_same_place(candidate, kept) for kept in ranked):
            ranked.append(candidate)
    return ranked


def _same_place(a: Scored, b: Scored) -> bool:
    if a.record.id == b.record.id and a.record.source == b.record.source:
        return True
    return a.key == b.key and _apart_km(a, b) <= SAME_PLACE_KM


def _apart_km(a: Scored, b: Scored) -> float:
    return distance_km(a.record.lat, a.record.lon, b.record.lat, b.record.lon)


def rivals(ranked: list[Scored]) -> list[Scored]:
    """Candidates that score like the best one but lie far from it."""
    if not ranked:
        return []
    best = ranked[0]
    return [
        other
        for other in ranked[1:]
        if best.score - other.score < AMBIGUITY_MARGIN
        and _apart_km(best, other) > AMBIGUITY_DISTANCE_KM
    ]
