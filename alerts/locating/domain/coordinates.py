"""Coordinates and grid references typed into an SMS.

Informants and soldiers type positions many ways: decimal degrees
("-1.2345, 29.4567", "lat -1.2345 lon 29.4567", "1.2345S 29.4567E",
"S1.2345 E29.4567"), degrees-minutes-seconds ("1°12'30\"S 29°27'E",
"01 12 30 S 029 27 00 E", "S 1°12.5' E 29°27.0'") and MGRS grid references
("35M QU 01204 65450", "35MQU0120465450"). A position is only accepted when it
is a valid point, so phone numbers, counts and times in the same text are not
mistaken for one.

Each match carries a radius that follows what was written: "29°27'E" is only
good to a minute of arc (about 1.8 km), a 6-digit grid reference to 100 m.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import mgrs

from alerts.core.domain.geo import Point

# A typed decimal coordinate with four or so decimals is good to ~10 m, but
# people round and copy from phone GPS apps of mixed quality: never claim
# better than this, whatever the number of digits.
COORDINATE_RADIUS_M = 100.0
_METRES_PER_DEGREE = 111_320.0

CoordinateKind = Literal["decimal", "dms", "mgrs"]


@dataclass(frozen=True)
class CoordinateMatch:
    point: Point
    span: tuple[int, int]
    text: str
    radius_m: float = COORDINATE_RADIUS_M
    kind: CoordinateKind = "decimal"


_Converter = Callable[[re.Match[str]], CoordinateMatch | None]

# --- decimal degrees -------------------------------------------------------

_NUM = r"[-+−]?\d{1,3}(?:[.,]\d+)?"
_HEMI_LAT = r"[NSns]"
_HEMI_LON = r"[EWOewo]"  # O: "ouest" in French

_DECIMAL_PATTERNS = (
    # 1.2345S 29.4567E  /  1.2345 S, 29.4567 E
    re.compile(
        rf"(?P<lat>\d{{1,2}}[.,]\d+)\s*°?\s*(?P<lath>{_HEMI_LAT})\b[\s,;/]*"
        rf"(?P<lon>\d{{1,3}}[.,]\d+)\s*°?\s*(?P<lonh>{_HEMI_LON})\b"
    ),
    # S1.2345 E29.4567
    re.compile(
        rf"\b(?P<lath>{_HEMI_LAT})\s*(?P<lat>\d{{1,2}}[.,]\d+)°?[\s,;/]*"
        rf"(?P<lonh>{_HEMI_LON})\s*(?P<lon>\d{{1,3}}[.,]\d+)°?"
    ),
    # lat -1.2345 lon 29.4567
    re.compile(
        rf"\blat(?:itude)?\s*[:=]?\s*(?P<lat>{_NUM})[\s,;/]*"
        rf"(?:lon|lng|long|longitude)\s*[:=]?\s*(?P<lon>{_NUM})",
        re.IGNORECASE,
    ),
    # -1.2345, 29.4567  (a decimal point is required on both, to skip counts and times)
    re.compile(
        r"(?<![\d.])(?P<lat>[-+−]?\d{1,2}\.\d{2,})\s*[,;/ ]\s*"
        r"(?P<lon>[-+−]?\d{1,3}\.\d{2,})(?![\d.])"
    ),
)

# --- degrees, minutes, seconds ----------------------------------------------

_FRACTION = r"(?:[.,]\d+)?"
_DEGREE_MARK = r"[°º˚]"
_MINUTE_MARK = r"['’′]"
_SECOND_MARK = r"(?:''|’’|′′|[\"”″])"
_LAT_WORD = r"(?P<lath>nord|north|sud|south|[NS])\b"
_LON_WORD = r"(?P<lonh>est|east|ouest|west|[EWO])\b"


def _marked_axis(axis: str) -> str:
    """1°12'30" or 1°12.5' or 29°: minutes and seconds optional, marks required."""
    return (
        rf"(?P<{axis}_d>\d{{1,3}}{_FRACTION})\s*{_DEGREE_MARK}\s*"
        rf"(?:(?P<{axis}_m>\d{{1,2}}{_FRACTION})\s*{_MINUTE_MARK}\s*"
        rf"(?:(?P<{axis}_s>\d{{1,2}}{_FRACTION})\s*{_SECOND_MARK}?)?)?"
    )


def _spaced_axis(axis: str) -> str:
    """01 12 30 or 01 12.5: no marks, so minutes are required and a hemisphere must follow."""
    return (
        rf"(?P<{axis}_d>\d{{1,3}})\s+(?P<{axis}_m>\d{{1,2}}{_FRACTION})"
        rf"(?:\s+(?P<{axis}_s>\d{{1,2}}{_FRACTION}))?"
    )


_DMS_PATTERNS = (
    # 1°12'30"S 29°27'E
    re.compile(
        rf"{_marked_axis('lat')}\s*{_LAT_WORD}[\s,;/]*{_marked_axis('lon')}\s*{_LON_WORD}",
        re.IGNORECASE,
    ),
    # S 1°12.5' E 29°27.0'
    re.compile(
        rf"\b{_LAT_WORD}\s*{_marked_axis('lat')}[\s,;/]*{_LON_WORD}\s*{_marked_axis('lon')}",
        re.IGNORECASE,
    ),
    # 01 12 30 S 029 27 00 E
    re.compile(
        rf"(?<![\d.,]){_spaced_axis('lat')}\s*{_LAT_WORD}[\s,;/]*"
        rf"{_spaced_axis('lon')}\s*{_LON_WORD}",
        re.IGNORECASE,
    ),
    # S 01 12 30 E 029 27 00
    re.compile(
        rf"\b{_LAT_WORD}\s*{_spaced_axis('lat')}[\s,;/]+{_LON_WORD}\s*{_spaced_axis('lon')}"
        r"(?![\d.,])",
        re.IGNORECASE,
    ),
)

# --- MGRS grid references ----------------------------------------------------

# Zone, latitude band (no I or O), 100 km square (column A-Z, row A-V, no I or
# O), then an even number of digits, run together or split in two halves.
_MGRS = re.compile(
    r"(?<![\w.])(?<!\d,)(?P<zone>\d{1,2})\s?(?P<band>[C-HJ-NP-X])\s?"
    r"(?P<square>[A-HJ-NP-Z][A-HJ-NP-V])\s?"
    r"(?P<digits>\d{1,5}\s\d{1,5}|\d{2,10})(?![\w.]|,\d)",
    re.IGNORECASE,
)
_MGRS_CONVERTER = mgrs.MGRS()
_DIGIT = re.compile(r"\d")


def _number(raw: str) -> float:
    return float(raw.replace(",", ".").replace("−", "-"))


def _unit_of_last_digit(raw: str) -> float:
    """1 for "29", 0.01 for "29.45": what the writer's last digit is worth."""
    _, _, fraction = raw.replace(",", ".").partition(".")
    return 10.0 ** -len(fraction)


def _radius_for(unit_degrees: float) -> float:
    return max(COORDINATE_RADIUS_M, unit_degrees * _METRES_PER_DEGREE)


def _signed(lat: float, lon: float, lat_hemisphere: str, lon_hemisphere: str) -> Point | None:
    if lat_hemisphere[:1].upper() == "S":
        lat = -abs(lat)
    if lon_hemisphere[:1].upper() in {"W", "O"}:
        lon = -abs(lon)
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return Point(lat, lon)


def _decimal(match: re.Match[str]) -> CoordinateMatch | None:
    groups = match.groupdict()
    try:
        lat, lon = _number(groups["lat"]), _number(groups["lon"])
    except ValueError:
        return None
    point = _signed(lat, lon, groups.get("lath") or "", groups.get("lonh") or "")
    if point is None:
        return None
    unit = max(_unit_of_last_digit(groups["lat"]), _unit_of_last_digit(groups["lon"]))
    return CoordinateMatch(point, match.span(), match.group(0), _radius_for(unit), "decimal")


def _dms_axis(match: re.Match[str], axis: str) -> tuple[float, float] | None:
    """Decimal degrees and the unit of the last digit, or None if minutes or seconds overflow."""
    degrees_raw, minutes_raw, seconds_raw = (match.group(f"{axis}_{part}") for part in "dms")
    degrees = _number(degrees_raw)
    minutes = _number(minutes_raw) if minutes_raw else 0.0
    seconds = _number(seconds_raw) if seconds_raw else 0.0
    if minutes >= 60 or seconds >= 60:
        return None
    if seconds_raw:
        unit = _unit_of_last_digit(seconds_raw) / 3600
    elif minutes_raw:
        unit = _unit_of_last_digit(minutes_raw) / 60
    else:
        unit = _unit_of_last_digit(degrees_raw)
    return degrees + minutes / 60 + seconds / 3600, unit


def _dms(match: re.Match[str]) -> CoordinateMatch | None:
    lat, lon = _dms_axis(match, "lat"), _dms_axis(match, "lon")
    if lat is None or lon is None:
        return None
    point = _signed(lat[0], lon[0], match.group("lath"), match.group("lonh"))
    if point is None:
        return None
    radius = _radius_for(max(lat[1], lon[1]))
    return CoordinateMatch(point, match.span(), match.group(0), radius, "dms")


def _first(
    patterns: tuple[re.Pattern[str], ...], text: str, convert: _Converter
) -> CoordinateMatch | None:
    """The earliest valid match of any pattern; on a tie, the earlier pattern wins."""
    best: CoordinateMatch | None = None
    for pattern in patterns:
        for match in pattern.finditer(text):
            found = convert(match)
            if found is not None:
                if best is None or found.span[0] < best.span[0]:
                    best = found
                break
    return best


def find_coordinates(text: str) -> CoordinateMatch | None:
    """The first valid coordinate pair in `text`, decimal or degrees-minutes-seconds, or None."""
    if _DIGIT.search(text) is None:
        return None  # most alerts: skip the patterns
    dms = _first(_DMS_PATTERNS, text, _dms)
    decimal = _first(_DECIMAL_PATTERNS, text, _decimal)
    if dms is None or (decimal is not None and decimal.span[0] < dms.span[0]):
        return decimal
    return dms


def _grid_reference(match: re.Match[str]) -> CoordinateMatch | None:
    written = match.group(0)
    letters = match.group("band") + match.group("square")
    # Lower-case letters are accepted only run together ("35mqu0120465450"):
    # spaced lower-case runs such as "10 km s 12" are words, not a grid.
    if not letters.isupper() and any(char.isspace() for char in written):
        return None
    digits = match.group("digits")
    easting, _, northing = digits.partition(" ")
    if not northing:
        half = len(digits) // 2
        easting, northing = digits[:half], digits[half:]
    if len(easting) != len(northing) or not 1 <= int(match.group("zone")) <= 60:
        return None
    reference = f"{int(match.group('zone')):02d}{letters.upper()}{easting}{northing}"
    try:
        lat, lon = _MGRS_CONVERTER.toLatLon(reference)
    except (mgrs.core.MGRSError, ValueError):
        return None
    # The converter answers the centre of the cell; its size is the honest radius.
    radius = 10.0 ** (5 - len(easting))
    return CoordinateMatch(Point(float(lat), float(lon)), match.span(), written, radius, "mgrs")


def find_grid_reference(text: str) -> CoordinateMatch | None:
    """The first valid MGRS grid reference in `text`, or None."""
    if _DIGIT.search(text) is None:
        return None
    return _first((_MGRS,), text, _grid_reference)


def find_position(text: str) -> CoordinateMatch | None:
    """The earliest position written in `text` in any form: decimal, DMS or MGRS."""
    coordinates = find_coordinates(text)
    grid = find_grid_reference(text)
    if grid is None or (coordinates is not None and coordinates.span[0] <= grid.span[0]):
        return coordinates
    return grid
