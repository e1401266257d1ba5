"""Locate an alert from what people actually write.

In order: a position written in the text (decimal, degrees-minutes-seconds or
an MGRS grid reference); a named place moved by a relative phrase ("5 km au
nord de Beni"); a named place; the sender's registered village; the base of
the CLA who relayed it; else unlocated, for a person in the JOC to place.

An online geocoder may come last of all, but it is I/O and belongs to the
service layer: when `geolocate` answers from the sender, the relay base or not
at all, `geocoder_query` gives the words worth asking a geocoder about.

Never raises on odd text: empty, emoji, binary junk, lone surrogates and
overlong bodies come back unlocated (or located by the sender) instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alerts.core.domain.geo import UNLOCATED, Candidate, Location, Point
from alerts.locating.domain.coordinates import CoordinateMatch, find_position
from alerts.locating.domain.places.index import GazetteerIndex, PlaceRecord
from alerts.locating.domain.places.rank import (
    MAX_CANDIDATES,
    RankingContext,
    Scored,
    place_radius_m,
    rank,
    rivals,
    score,
)
from alerts.locating.domain.places.relative import Offset, moved, offset_for, widened_radius_m
from alerts.locating.domain.places.text import Mention, find_mentions, unmatched_names

__all__ = [
    "RELAY_BASE_RADIUS_M",
    "SENDER_PLACE_RADIUS_M",
    "GazetteerIndex",
    "PlaceRecord",
    "SenderContext",
    "SenderPlace",
    "geocoder_query",
    "geolocate",
]

# A village and its fields: the attack may be anywhere the sender calls home.
SENDER_PLACE_RADIUS_M = 10_000.0
# A CLA's base covers the villages around it: a guess for routing, not a place.
RELAY_BASE_RADIUS_M = 25_000.0
# Ten concatenated SMS are 1,530 characters; anything longer is not an alert
# body worth scanning to the end.
MAX_TEXT_LENGTH = 2_000
# A phrase placing the point relative to a name is as strong a cue as "village de".
RELATIVE_PHRASE_BONUS = 0.10

POSITION_CONFIDENCE = 0.95
SENDER_PLACE_CONFIDENCE = 0.5
RELAY_BASE_CONFIDENCE = 0.3
# Place-name confidence runs from PLACE_CONFIDENCE_FLOOR (a weak match) to
# PLACE_CONFIDENCE_CEILING; relative phrases and ambiguity take some away.
PLACE_CONFIDENCE_FLOOR = 0.45
PLACE_CONFIDENCE_CEILING = 0.9
RELATIVE_CONFIDENCE_FACTOR = 0.9
AMBIGUOUS_CONFIDENCE_FACTOR = 0.5

# Control characters and lone surrogates become spaces: the same length, so
# every span still points into the text as received.
_UNREADABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class SenderPlace:
    name: str
    point: Point


@dataclass(frozen=True)
class SenderContext:
    home: SenderPlace | None = None  # the sender's registered village (name, point)
    relay_base: SenderPlace | None = None  # the relaying CLA's base (name, point)
    mission_area: Point | None = None  # centre of the mission's area, for ranking
    mission_radius_km: float = 500.0


def geolocate(text: str, index: GazetteerIndex, context: SenderContext) -> Location:
    """Best location for one alert, with an honest radius; ambiguous names are flagged."""
    readable = _readable(text)
    position = find_position(readable)
    if position is not None:
        return _at_position(position)
    by_name = _by_place_name(readable, index, context)
    if by_name is not None:
        return by_name
    return _from_sender(context)


def geocoder_query(text: str, index: GazetteerIndex) -> str | None:
    """Words that look like a place the gazetteer lacks, to ask a geocoder; None if none.

    For the service layer, after `geolocate` fell back to the sender, the relay
    base or nothing.
    """
    names = unmatched_names(_readable(text), index)
    return names[0] if names else None


def _readable(text: str) -> str:
    if not isinstance(text, str):
        return ""
    return _UNREADABLE.sub(" ", text[:MAX_TEXT_LENGTH])


def _at_position(position: CoordinateMatch) -> Location:
    return Location(
        point=position.point,
        radius_m=position.radius_m,
        method="grid_reference" if position.kind == "mgrs" else "coordinates",
        confidence=POSITION_CONFIDENCE,
        matched_text=position.text,
        span=position.span,
    )


def _by_place_name(text: str, index: GazetteerIndex, context: SenderContext) -> Location | None:
    mentions = find_mentions(text, index)
    if not mentions:
        return None
    ranking = RankingContext(
        home=context.home.point if context.home else None,
        mission_area=context.mission_area,
        mission_radius_km=context.mission_radius_km,
    )
    offsets: dict[tuple[int, int], Offset] = {}  # by the span of the place they start from
    scored: list[Scored] = []
    for mention in mentions:
        offset = offset_for(text, mention.span)
        if offset is not None:
            offsets[mention.span] = offset
        extra = RELATIVE_PHRASE_BONUS if offset is not None else 0.0
        scored.extend(_scored(mention, extra, ranking))
    return _location(text, rank(scored), offsets)


def _location(text: str, ranked: list[Scored], offsets: dict[tuple[int, int], Offset]) -> Location:
    """The best candidate as a location; its rivals, if any, make it ambiguous."""
    best, competing = ranked[0], rivals(ranked)
    shortlist = [best, *competing, *(s for s in ranked[1:] if s not in competing)]
    # Moving a point on the ellipsoid costs ~25 µs: the best and its rivals get
    # that; the other alternatives, only shown to triage, are moved on the sphere.
    decisive = len(competing) + 1
    candidates = tuple(
        _candidate(s, offsets.get(s.span), on_sphere=rank_number >= decisive)
        for rank_number, s in enumerate(shortlist[:MAX_CANDIDATES])
    )
    confidence = (
        PLACE_CONFIDENCE_FLOOR + (PLACE_CONFIDENCE_CEILING - PLACE_CONFIDENCE_FLOOR) * best.score
    )
    radius = place_radius_m(best.record)
    span = best.span
    offset = offsets.get(best.span)
    if offset is not None:
        radius = widened_radius_m(radius, offset)
        confidence *= RELATIVE_CONFIDENCE_FACTOR
        span = offset.span
    if competing:
        confidence *= AMBIGUOUS_CONFIDENCE_FACTOR
    return Location(
        point=Point(candidates[0].lat, candidates[0].lon),
        radius_m=radius,
        method="relative_place" if offset is not None else "place_name",
        confidence=round(confidence, 3),
        place_name=best.record.name,
        matched_text=text[span[0] : span[1]],
        ambiguous=bool(competing),
        candidates=candidates,
        span=span,
    )


def _scored(mention: Mention, extra: float, ranking: RankingContext) -> list[Scored]:
    scored = []
    for match in mention.matches:
        quality = mention.quality_of(match) + extra
        scored.append(
            Scored(match.record, match.key, score(match.record, quality, ranking), mention.span)
        )
    return scored


def _candidate(scored: Scored, offset: Offset | None, *, on_sphere: bool) -> Candidate:
    record = scored.record
    lat, lon = record.lat, record.lon
    if offset is not None:
        destination = moved(Point(lat, lon), offset, on_sphere=on_sphere)
        lat, lon = destination.lat, destination.lon
    return Candidate(record.name, lat, lon, round(scored.score, 3), record.id)


def _from_sender(context: SenderContext) -> Location:
    if context.home is not None:
        return Location(
            point=context.home.point,
            radius_m=SENDER_PLACE_RADIUS_M,
            method="sender_place",
            confidence=SENDER_PLACE_CONFIDENCE,
            place_name=context.home.name,
        )
    if context.relay_base is not None:
        return Location(
            point=context.relay_base.point,
            radius_m=RELAY_BASE_RADIUS_M,
            method="relay_base",
            confidence=RELAY_BASE_CONFIDENCE,
            place_name=context.relay_base.name,
        )
    return UNLOCATED
