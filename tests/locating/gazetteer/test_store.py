"""Importing GeoNames rows: counts, re-runs that change nothing, network places untouched."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.locating.gazetteer.geonames import MalformedLine, parse
from alerts.locating.gazetteer.store import ImportSummary, import_rows
from alerts.registry.models import Place
from tests.locating.gazetteer.dumps import encode, line, synthetic


def run(factory: sessionmaker[Session], *lines: str, **kwargs: Any) -> ImportSummary:
    return import_rows(factory, parse(encode(*lines)), **kwargs)


def snapshot(factory: sessionmaker[Session]) -> list[tuple[Any, ...]]:
    with factory() as session:
        return [
            tuple(row)
            for row in session.execute(select(*Place.__table__.columns).order_by(Place.id))
        ]


def test_import_stores_places(factory: sessionmaker[Session]) -> None:
    summary = run(
        factory,
        line(2314302, "Oïcha", alt="Oisha", population="4500"),
        line(205, "Pic", feature_class="T", feature_code="MT"),
    )
    assert summary == ImportSummary(new=1, not_places=1)
    with factory() as session:
        place = session.scalars(select(Place)).one()
    assert (place.geonameid, place.name, place.source) == (2314302, "Oïcha", "geonames")
    # The test helper's ASCII column repeats the name, so it adds no alternate name.
    assert place.alt_names == ["Oisha"]
    assert (place.country, place.admin, place.feature, place.population) == (
        "CD",
        "CD.11",
        "PPL",
        4500,
    )


def test_ascii_name_becomes_an_alternate_name(factory: sessionmaker[Session]) -> None:
    text = line(9, "Oïcha").split("\t")
    text[2] = "Oicha"
    run(factory, "\t".join(text))
    with factory() as session:
        assert session.scalars(select(Place.alt_names)).one() == ["Oicha"]


def test_rerun_changes_nothing(factory: sessionmaker[Session]) -> None:
    lines = list(synthetic(25))
    assert run(factory, *lines, batch_size=7) == ImportSummary(new=25)
    before = snapshot(factory)
    assert run(factory, *lines, batch_size=7) == ImportSummary(unchanged=25)
    assert snapshot(factory) == before


def test_changed_rows_are_updated_in_place(factory: sessionmaker[Session]) -> None:
    run(factory, line(1, "Bunia", population="1000"), line(2, "Djugu"))
    with factory() as session:
        first_id = session.scalars(select(Place.id).where(Place.geonameid == 1)).one()
    summary = run(factory, line(1, "Bunia", alt="Bunya", population="2000"), line(2, "Djugu"))
    assert summary == ImportSummary(updated=1, unchanged=1)
    with factory() as session:
        place = session.scalars(select(Place).where(Place.geonameid == 1)).one()
    assert (place.id, place.alt_names, place.population) == (first_id, ["Bunya"], 2000)


def test_a_repeated_geonameid_keeps_the_last(factory: sessionmaker[Session]) -> None:
    summary = run(factory, line(1, "Bor"), line(1, "Bor"), line(1, "Bor Town"))
    assert summary == ImportSummary(new=1, unchanged=1, updated=1)
    with factory() as session:
        assert session.scalars(select(Place.name)).all() == ["Bor Town"]


def test_network_places_are_untouched(factory: sessionmaker[Session]) -> None:
    with factory.begin() as session:
        session.add(
            Place(
                name="Goma",
                alt_names=["Ngoma"],
                lat=-1.6792,
                lon=29.2228,
                admin="Goma, North Kivu",
                source="network",
            )
        )
    before = snapshot(factory)
    run(factory, line(216281, "Goma", lat="-1.67409", lon="29.22845"))
    run(factory, line(216281, "Goma", lat="-1.7", lon="29.2"))
    after = snapshot(factory)
    assert after[0] == before[0]
    with factory() as session:
        sources = session.execute(select(Place.name, Place.source).order_by(Place.id)).all()
    assert [tuple(s) for s in sources] == [("Goma", "network"), ("Goma", "geonames")]


def test_malformed_lines_are_counted_and_passed_on(factory: sessionmaker[Session]) -> None:
    seen: list[MalformedLine] = []
    summary = run(factory, line(1, "Bria"), "oops", line(2, "Bangui"), on_malformed=seen.append)
    assert summary == ImportSummary(new=2, malformed=1)
    assert seen == [MalformedLine(2, "expected 19 tab-separated columns, found 1")]
