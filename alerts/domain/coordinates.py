"""Decimal coordinates typed into an SMS.

Informants and soldiers type coordinates many ways: "-1.2345, 29.4567",
"lat -1.2345 lon 29.4567", "1.2345S 29.4567E", "S1.2345 E29.4567". A pair
is only accepted when it is a valid point, so phone numbers and counts in the
same text are not mistaken for coordinates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alerts.domain.geo import Point

_NUM = r"[-+−]?\d{1,3}(?:[.,]\d+)?"
_HEMI_LAT = r"[NSns]"
_HEMI_LON = r"[EWOewo]"  # O: "ouest" in French

_PATTERNS = (
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


@dataclass(frozen=True)
class CoordinateMatch:
    point: Point
    span: tuple[int, int]
    text: str


def _number(raw: str) -> float:
    return float(raw.replace(",", ".").replace("−", "-"))


def find_coordinates(text: str) -> CoordinateMatch | None:
    """The first valid coordinate pair in `text`, or None."""
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            try:
                lat = _number(groups["lat"])
                lon = _number(groups["lon"])
            except ValueError:
                continue
            if (groups.get("lath") or "").upper() == "S":
                lat = -abs(lat)
            if (groups.get("lonh") or "").upper() in {"W", "O"}:
                lon = -abs(lon)
            if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
                continue
            return CoordinateMatch(Point(lat, lon), match.span(), match.group(0))
    return None
