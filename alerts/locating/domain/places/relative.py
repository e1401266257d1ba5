"""Positions given relative to a named place.

Distance first: "5 km au nord de Beni", "à 10km à l'est de Bunia", "kilomita
10 kusini mwa Bunia", "km 3 kaskazini ya Goma", "10 km north of Beni",
"umbali wa km 8 magharibi ya Butembo", "Km 10 na sud ya Bunia", "khamsa kilo
shimal Bor". Direction first, the distance after the place: "mashariki ya
Beni km 7", "Na ngambo ya est ya Mambasa km 6". The place name itself is found
by `text.find_mentions`; `offset_for` reads the words around it.

An offset moves the point and widens the uncertainty: informants estimate
distances by walking time, and "north" is a quarter of the compass. Without
a direction ("à 5 km de Beni") the point stays on the place and the radius
grows to the whole ring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geopy import distance as geodistance

from alerts.core.domain.geo import Point
from alerts.locating.domain.places.normalise import compact

MAX_OFFSET_KM = 200.0  # beyond this, "250 km" is not a walk from a village
# Share of the stated distance an estimate may be off by, plus a floor for the
# place itself not being a point.
OFFSET_ERROR_SHARE = 0.3
OFFSET_ERROR_FLOOR_M = 1_000.0
# How far before a place name its phrase may start: "umbali wa kilomita
# thelathini kaskazini mashariki mwa " is 56 characters.
_LOOK_BACK = 80

# geopy's `distance.distance(km=...)` builds its ellipsoid solver on every call;
# one instance, asked for each distance, builds it once.
_GEODESIC = geodistance.geodesic()
_GREAT_CIRCLE = geodistance.great_circle()

_NUMBER_WORDS = {
    **{"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6},
    **{"sept": 7, "huit": 8, "neuf": 9, "dix": 10, "quinze": 15, "vingt": 20, "trente": 30},
    **{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8},
    **{"nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30},
    **{"moja": 1, "mbili": 2, "tatu": 3, "nne": 4, "tano": 5, "sita": 6, "saba": 7},
    **{"nane": 8, "tisa": 9, "kumi": 10, "ishirini": 20, "thelathini": 30},
    # Lingala
    **{"moko": 1, "mibale": 2, "misato": 3, "minei": 4, "mitano": 5, "motoba": 6},
    **{"nsambo": 7, "mwambe": 8, "libwa": 9, "zomi": 10},
    # Juba Arabic
    **{"wahid": 1, "itnen": 2, "itnin": 2, "talata": 3, "arba": 4, "khamsa": 5, "sitta": 6},
    **{"tamanya": 8, "ashara": 10, "ishrin": 20},
}
_UNITS_KM = {"km": 1.0, "kms": 1.0, "kilometre": 1.0, "kilometres": 1.0, "kilometer": 1.0}
_UNITS_KM |= {"kilometers": 1.0, "kilomita": 1.0, "kilometa": 1.0, "kilometele": 1.0}
_UNITS_KM |= {"kilo": 1.0, "m": 0.001, "metre": 0.001, "metres": 0.001, "meter": 0.001}
_UNITS_KM |= {"meters": 0.001, "mita": 0.001, "mile": 1.609, "miles": 1.609}

_NORTH = ("nord", "north", "n", "kaskazini", "shimal", "shamal")
_SOUTH = ("sud", "south", "s", "kusini", "janub", "januub")
_EAST = ("est", "east", "e", "mashariki", "sharq", "shargi", "shark")
_WEST = ("ouest", "west", "w", "o", "magharibi", "gharb", "garb")


def _compass() -> dict[str, float]:
    """Every way to write a direction, as `compact` leaves it, to its bearing."""
    bearings: dict[str, float] = {}
    for words, bearing in ((_NORTH, 0.0), (_EAST, 90.0), (_SOUTH, 180.0), (_WEST, 270.0)):
        bearings.update(dict.fromkeys(words, bearing))
    for first, second, bearing in (
        (_NORTH, _EAST, 45.0),
        (_SOUTH, _EAST, 135.0),
        (_SOUTH, _WEST, 225.0),
        (_NORTH, _WEST, 315.0),
    ):
        # nord-est, north east, NE, kaskazini mashariki
        bearings.update({a + b: bearing for a in first for b in second})
    return bearings


_BEARINGS = _compass()
_CONNECTOR_WORDS = ("de", "d", "du", "of", "from", "ya", "mwa", "wa", "la", "ti", "min", "na")


def relative_cues() -> frozenset[tuple[str, ...]]:
    """The words that end a relative phrase just before a place name, as `compact`
    writes them ("nord", "de"; "kusini", "mwa"; "km", "from"): as strong a sign that
    a name follows as "village de"."""
    directions = [word for word in _BEARINGS if len(word) > 1]
    units = [unit for unit in _UNITS_KM if len(unit) > 1]
    cues: set[tuple[str, ...]] = set()
    for ending in (*_NORTH, *_SOUTH, *_EAST, *_WEST, *units):
        cues.update((ending, connector) for connector in _CONNECTOR_WORDS)
    for first in (*_NORTH, *_SOUTH):
        for second in (*_EAST, *_WEST):
            cues.update((first, second, connector) for connector in _CONNECTOR_WORDS)
    # "shimal Bor", "NE Komanda"; but French "est" is far more often "is".
    cues.update((direction,) for direction in directions if direction != "est")
    return frozenset(cues)


_NUMBER = r"\d+(?:[.,]\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_UNIT = (
    r"kilom[eè]tres?|kilometers?|kilomita|kilometa|kilometele|kilo|kms?"
    r"|m[eè]tres?|meters?|mita|miles?|m"
)
_DISTANCE = (
    rf"\b(?:(?P<number>{_NUMBER})\s*(?P<unit>{_UNIT})"
    rf"|(?P<unit_first>{_UNIT})\s*(?P<number_after>{_NUMBER}))\b"
)
_DIRECTION_WORD = (
    r"nord|sud|est|ouest|north|south|east|west|kaskazini|kusini|mashariki|magharibi"
    r"|shimal|shamal|janub|januub|sharq|shargi|shark|gharb|garb|[nsewo]"
)
_DIRECTION = rf"(?P<direction>(?:{_DIRECTION_WORD})(?:[\s\-]?(?:{_DIRECTION_WORD}))?)\b"
_BEFORE_DIRECTION = (
    r"(?:au|aux|à\s+l['’]|a\s+l['’]|à|a|to\s+the|upande\s+wa|en\s+direction\s+du?"
    r"|direction|na\s+ngambo\s+ya|ngambo\s+ya|na)"
)
_CONNECTOR = r"(?P<connector>de\s+l['’]|de|du|d['’]|of|from|ya|mwa|wa|la|kwa|kutoka|toka|min|ti|na)"
_AFTER_CONNECTOR = r"(?:\b|(?<=['’]))"
_BEFORE_DISTANCE = r"(?:\b(?:à|a|at|about|environ|umbali\s+wa|some)\s+)?"

# Each ends where the place name begins (matched against the text before it).
_DISTANCE_FIRST = re.compile(
    rf"{_BEFORE_DISTANCE}{_DISTANCE}\s*(?:(?:{_BEFORE_DIRECTION}\s*)?{_DIRECTION}\s*)?"
    rf"(?:{_CONNECTOR}{_AFTER_CONNECTOR}\s*)?$",
    re.IGNORECASE,
)
_DIRECTION_FIRST = re.compile(
    rf"(?:\b{_BEFORE_DIRECTION}\s*)?\b{_DIRECTION}\s*{_CONNECTOR}{_AFTER_CONNECTOR}\s*$",
    re.IGNORECASE,
)
# Begins where the place name ends: "mashariki ya Beni km 7".
_TRAILING_DISTANCE = re.compile(rf"[\s,;:]*{_BEFORE_DISTANCE}{_DISTANCE}", re.IGNORECASE)
_UNIT_HINT = re.compile(r"km|kilo|mile|mita|m[eè]t|\d\s*m", re.IGNORECASE)
_ANY_DISTANCE_FIRST = re.compile(_DISTANCE_FIRST.pattern.removesuffix("$"), re.IGNORECASE)


@dataclass(frozen=True)
class Offset:
    """A distance, and a bearing if the text gave one, from a named place.

    `span` is the whole phrase: from `offset_for`, the place name included.
    """

    distance_km: float
    bearing_deg: float | None
    span: tuple[int, int]
    text: str


def _kilometres(match: re.Match[str]) -> float | None:
    number = match.group("number") or match.group("number_after")
    unit = compact(match.group("unit") or match.group("unit_first"))
    if number.lower() in _NUMBER_WORDS:
        value = float(_NUMBER_WORDS[number.lower()])
    else:
        value = float(number.replace(",", "."))
    factor = _UNITS_KM.get(unit)
    if factor is None:
        return None
    kilometres = value * factor
    return kilometres if 0 < kilometres <= MAX_OFFSET_KM else None


def _bearing(match: re.Match[str]) -> tuple[bool, float | None]:
    """Whether the direction was readable, and its bearing (None when none was given)."""
    direction = match.group("direction")
    if direction is None:
        return True, None
    bearing = _BEARINGS.get(compact(direction))
    return bearing is not None, bearing


def offset_for(text: str, place_span: tuple[int, int]) -> Offset | None:
    """The relative phrase around the place name at `place_span`, if there is one."""
    start, end = place_span
    window_start = max(0, start - _LOOK_BACK)
    before = text[window_start:start]
    # Every distance has a unit: most windows have none, and this is cheap to see.
    leading = _DISTANCE_FIRST.search(before) if _UNIT_HINT.search(before) else None
    if leading is not None and (leading.group("direction") or leading.group("connector")):
        kilometres = _kilometres(leading)
        readable, bearing = _bearing(leading)
        if kilometres is not None and readable:
            phrase = (window_start + leading.start(), end)
            return Offset(kilometres, bearing, phrase, text[phrase[0] : phrase[1]])
    trailing = _TRAILING_DISTANCE.match(text, end)
    leading = _DIRECTION_FIRST.search(before) if trailing is not None else None
    if leading is not None and trailing is not None:
        kilometres = _kilometres(trailing)
        readable, bearing = _bearing(leading)
        if kilometres is not None and readable:
            phrase = (window_start + leading.start(), trailing.end())
            return Offset(kilometres, bearing, phrase, text[phrase[0] : phrase[1]])
    return None


def find_offsets(text: str) -> list[Offset]:
    """Every distance-first phrase ("N km <direction> <connector>"), up to where a place
    name would begin; for tests and tools: `offset_for` is what locating uses."""
    offsets = []
    for match in _ANY_DISTANCE_FIRST.finditer(text):
        if match.group("direction") is None and match.group("connector") is None:
            continue  # "5 km" alone: a distance travelled, not a position
        kilometres = _kilometres(match)
        readable, bearing = _bearing(match)
        if kilometres is not None and readable:
            offsets.append(Offset(kilometres, bearing, match.span(), match.group(0)))
    return offsets


def moved(point: Point, offset: Offset, *, on_sphere: bool = False) -> Point:
    """The point `offset` away from `point`: on the WGS84 ellipsoid, or, where speed
    matters more than metres, on the sphere (0.5% of the distance off at most)."""
    if offset.bearing_deg is None:
        return point
    solver = _GREAT_CIRCLE if on_sphere else _GEODESIC
    destination = solver.destination(
        (point.lat, point.lon), bearing=offset.bearing_deg, distance=offset.distance_km
    )
    return Point(float(destination.latitude), float(destination.longitude))


def widened_radius_m(place_radius_m: float, offset: Offset) -> float:
    """The place's radius, widened for an estimated distance and a rough bearing."""
    estimate = OFFSET_ERROR_SHARE * offset.distance_km * 1000 + OFFSET_ERROR_FLOOR_M
    radius = max(place_radius_m, estimate)
    if offset.bearing_deg is None:
        # Somewhere on a ring around the place: the whole ring is the honest answer.
        radius += offset.distance_km * 1000
    return radius
