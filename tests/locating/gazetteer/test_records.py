"""Places as plain records for the matcher: network places first; counts for `stats`."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from alerts.locating.gazetteer.geonames import parse
from alerts.locating.gazetteer.records import (
    PlaceCount,
    PlaceRecord,
    count_places,
    load_place_records,
)
from alerts.locating.gazetteer.store import import_rows
from alerts.registry.models import Place
from tests.locating.gazetteer.dumps import encode, line


def add_network_place(factory: sessionmaker[Session], name: str, alt_names: list[str]) -> int:
    with factory.begin() as session:
        place = Place(name=name, alt_names=alt_names, lat=-1.4167, lon=28.05, source="network")
        session.add(place)
        session.flush()
        return place.id


def import_lines(factory: sessionmaker[Session], *lines: str) -> None:
    import_rows(factory, parse(encode(*lines)))


def test_network_places_come_first(factory: sessionmaker[Session]) -> None:
    # Imported before the network is loaded, so ids alone would put them first.
    import_lines(
        factory,
        line(216281, "Goma", alt="Ngoma", lat="-1.67409", lon="29.22845", population="432587"),
        line(373303, "Juba", country="SS", admin1="", population="450000"),
    )
    walikale = add_network_place(factory, "Walikale", ["Walikali"])
    with factory() as session:
        records = load_place_records(session)
    assert records[0] == PlaceRecord(
        id=walikale,
        name="Walikale",
        alt_names=("Walikali",),
        lat=-1.4167,
        lon=28.05,
        source="network",
    )
    assert [(r.name, r.source) for r in records] == [
        ("Walikale", "network"),
        ("Goma", "geonames"),
        ("Juba", "geonames"),
    ]
    goma = records[1]
    assert (goma.alt_names, goma.country, goma.admin, goma.population, goma.feature) == (
        ("Ngoma",),
        "CD",
        "CD.11",
        432587,
        "PPL",
    )
    assert records[2].admin is None  # no admin1 code in the dump


def test_countries_limit_imported_places_only(factory: sessionmaker[Session]) -> None:
    import_lines(factory, line(1, "Goma"), line(2, "Juba", country="SS"))
    add_network_place(factory, "Luvungi", [])
    with factory() as session:
        names = [r.name for r in load_place_records(session, countries=["ss"])]
    assert names == ["Luvungi", "Juba"]


def test_counts_by_source_and_country(factory: sessionmaker[Session]) -> None:
    import_lines(factory, line(1, "Goma"), line(2, "Beni"), line(3, "Juba", country="SS"))
    add_network_place(factory, "Pinga", [])
    with factory() as session:
        assert count_places(session) == [
            PlaceCount("network", None, 1),
            PlaceCount("geonames", "CD", 2),
            PlaceCount("geonames", "SS", 1),
        ]
