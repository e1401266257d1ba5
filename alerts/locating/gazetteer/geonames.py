"""GeoNames' 19-column tab-separated dumps (`CD.txt`, `allCountries.txt`), streamed.

Format: https://download.geonames.org/export/dump/readme.txt. One line per
feature; columns in order are listed in `COLUMNS`.

Which features become places: every populated place (feature class P) except
the historical ones (PPLH, PPLCH), whose names are no longer in use. Abandoned
(PPLQ) and destroyed (PPLW) villages stay: displaced people still name the
village they fled. Beyond class P, a few features alerts name as places: a
locality (LCTY, where GeoNames files many hamlets), a refugee camp (CMPRF,
where displaced civilians shelter and are attacked), a market (MKT) and mines
(MN, MNAU: artisanal gold mines in Ituri and Walikale are frequent targets).
Administrative areas (class A), regions (AREA, RGN) and terrain are left out:
a name that covers a whole territory or state would locate an alert at a
centroid tens of kilometres from anyone, with false confidence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

COLUMNS = (
    "geonameid",
    "name",
    "asciiname",
    "alternatenames",
    "latitude",
    "longitude",
    "feature class",
    "feature code",
    "country code",
    "cc2",
    "admin1 code",
    "admin2 code",
    "admin3 code",
    "admin4 code",
    "population",
    "elevation",
    "dem",
    "timezone",
    "modification date",
)
HISTORICAL_PLACES = frozenset({"PPLH", "PPLCH"})
NAMED_NON_PLACES = frozenset(
    {("L", "LCTY"), ("S", "CMPRF"), ("S", "MKT"), ("S", "MN"), ("S", "MNAU")}
)
FEATURE_CLASSES = frozenset("AHLPRSTUV")

# Limits of the `places` table: a longer value would fail a whole batch in the
# database, so it is reported as a malformed line instead.
MAX_NAME = 200
MAX_FEATURE_CODE = 10
MAX_INTEGER = 2**31 - 1  # geonameid and population are 32-bit columns

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class GeoNamesRow:
    geonameid: int
    name: str
    asciiname: str
    alt_names: tuple[str, ...]
    lat: float
    lon: float
    feature_class: str
    feature_code: str
    country: str | None
    admin1: str | None
    population: int
    timezone: str = ""


@dataclass(frozen=True, slots=True)
class MalformedLine:
    line_number: int
    reason: str


class _Malformed(ValueError):
    pass


def parse(lines: Iterable[bytes]) -> Iterator[GeoNamesRow | MalformedLine]:
    """Every data line of a dump as a row, or as a MalformedLine saying why not.

    Takes raw bytes, so one badly encoded line is reported, not fatal to the
    file. Line numbers count every physical line, comments included, so they
    match what an editor shows. Handles a UTF-8 BOM and CRLF line ends.
    """
    for line_number, raw in enumerate(lines, start=1):
        if line_number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            yield MalformedLine(line_number, f"not UTF-8 (byte {error.start + 1})")
            continue
        text = text.rstrip("\r\n")
        if not text.strip() or text.startswith("#"):
            continue
        try:
            yield parse_line(text)
        except _Malformed as error:
            yield MalformedLine(line_number, str(error))


def parse_line(text: str) -> GeoNamesRow:
    """One line, without its line end. Raises ValueError saying what is wrong."""
    fields = text.split("\t")
    if len(fields) != len(COLUMNS):
        raise _Malformed(f"expected {len(COLUMNS)} tab-separated columns, found {len(fields)}")
    if "\x00" in text:
        raise _Malformed("contains a NUL character")
    name = fields[1].strip()
    if not name:
        raise _Malformed("empty name")
    if len(name) > MAX_NAME:
        raise _Malformed(f"name longer than {MAX_NAME} characters")
    feature_class, feature_code = fields[6].strip(), fields[7].strip()
    if feature_class and feature_class not in FEATURE_CLASSES:
        raise _Malformed(f"unknown feature class {feature_class!r}")
    if len(feature_code) > MAX_FEATURE_CODE:
        raise _Malformed(f"feature code {feature_code!r} is too long")
    country = fields[8].strip()
    if country and not (len(country) == 2 and country.isalpha()):
        raise _Malformed(f"country code {country!r} is not two letters")
    return GeoNamesRow(
        geonameid=_whole(fields[0], "geonameid", minimum=1),
        name=name,
        asciiname=fields[2].strip(),
        alt_names=_alt_names(fields[3], name),
        lat=_degrees(fields[4], "latitude", 90),
        lon=_degrees(fields[5], "longitude", 180),
        feature_class=feature_class,
        feature_code=feature_code,
        country=country.upper() or None,
        admin1=fields[10].strip() or None,
        # GeoNames leaves population 0 when unknown; an empty field means the same.
        population=_whole(fields[14], "population", minimum=0) if fields[14].strip() else 0,
        timezone=fields[17].strip(),
    )


def is_named_place(row: GeoNamesRow) -> bool:
    """Whether alerts may name this feature as a place (see the module docstring)."""
    if row.feature_class == "P":
        return row.feature_code not in HISTORICAL_PLACES
    return (row.feature_class, row.feature_code) in NAMED_NON_PLACES


def format_line(row: GeoNamesRow) -> str:
    """The row as a dump line (no line end); columns GeoNamesRow lacks stay empty."""
    fields = [""] * len(COLUMNS)
    fields[0] = str(row.geonameid)
    fields[1] = row.name
    fields[2] = row.asciiname
    fields[3] = ",".join(row.alt_names)
    fields[4] = repr(row.lat)
    fields[5] = repr(row.lon)
    fields[6] = row.feature_class
    fields[7] = row.feature_code
    fields[8] = row.country or ""
    fields[10] = row.admin1 or ""
    fields[14] = str(row.population)
    fields[17] = row.timezone
    for value in fields:
        if any(c in value for c in "\t\r\n"):
            raise ValueError(f"a tab or line end inside a field of geonameid {row.geonameid}")
    return "\t".join(fields)


def _whole(value: str, column: str, *, minimum: int) -> int:
    try:
        number = int(value.strip())
    except ValueError:
        raise _Malformed(f"{column} {value!r} is not a whole number") from None
    if not minimum <= number <= MAX_INTEGER:
        raise _Malformed(f"{column} {number} is out of range")
    return number


def _degrees(value: str, column: str, limit: float) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise _Malformed(f"{column} {value!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise _Malformed(f"{column} {value.strip()} is outside ±{limit:g}")
    return number


def _alt_names(value: str, name: str) -> tuple[str, ...]:
    """Distinct alternate names in file order, without the main name."""
    seen = {name}
    names: list[str] = []
    for alt in value.split(","):
        alt = alt.strip()
        if alt and alt not in seen:
            seen.add(alt)
            names.append(alt)
    return tuple(names)
