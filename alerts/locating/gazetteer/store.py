"""Storing GeoNames rows as places: a batched upsert keyed on `geonameid`.

Each batch is its own short write transaction. On SQLite a write holds the
one database-wide write lock, and the web intake waits at most 30 s for it;
one transaction for a 100k-row import would make live alerts fail. Batches
also make an interrupted import harmless: re-running it counts what is
already stored as unchanged and writes only the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.session import write_transaction
from alerts.locating.gazetteer.geonames import GeoNamesRow, MalformedLine, is_named_place
from alerts.registry.models import Place

SOURCE = "geonames"
# Large enough to amortise a commit, small enough to keep the write lock brief and
# the `IN (...)` lookup within every SQLite build's bound-parameter limit.
BATCH_SIZE = 900

_COMPARED = ("name", "alt_names", "lat", "lon", "admin", "country", "feature", "population")


@dataclass
class ImportSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_places: int = 0  # well-formed lines of features left out by `is_named_place`
    malformed: int = 0

    @property
    def kept(self) -> int:
        """Places now in the database from this input."""
        return self.new + self.updated + self.unchanged

    def add(self, other: ImportSummary) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.not_places += other.not_places
        self.malformed += other.malformed


def place_values(row: GeoNamesRow) -> dict[str, Any]:
    """The `places` columns a GeoNames row sets."""
    alt_names = list(row.alt_names)
    # The ASCII spelling is how many phones without accents will write the name.
    if row.asciiname and row.asciiname != row.name and row.asciiname not in alt_names:
        alt_names.insert(0, row.asciiname)
    return {
        "name": row.name,
        "alt_names": alt_names,
        "lat": row.lat,
        "lon": row.lon,
        # GeoNames' own admin1 key ("CD.11"): the names need admin1CodesASCII.txt.
        "admin": f"{row.country}.{row.admin1}" if row.country and row.admin1 else None,
        "country": row.country,
        "feature": row.feature_code or None,
        "population": row.population,
    }


def import_rows(
    factory: sessionmaker[Session],
    items: Iterable[GeoNamesRow | MalformedLine],
    *,
    on_malformed: Callable[[MalformedLine], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportSummary:
    """Upsert every named place among `items`; malformed lines are counted and passed on.

    Never touches network places: they carry no geonameid, so no row can match them.
    """
    summary = ImportSummary()
    batch: dict[int, GeoNamesRow] = {}
    for item in items:
        if isinstance(item, MalformedLine):
            summary.malformed += 1
            if on_malformed is not None:
                on_malformed(item)
            continue
        if not is_named_place(item):
            summary.not_places += 1
            continue
        # A repeated geonameid goes to the next batch, so it is counted against
        # the first occurrence as stored, and the last one wins.
        if item.geonameid in batch or len(batch) >= batch_size:
            _store_batch(factory, list(batch.values()), summary)
            batch.clear()
        batch[item.geonameid] = item
    if batch:
        _store_batch(factory, list(batch.values()), summary)
    return summary


def _store_batch(
    factory: sessionmaker[Session], rows: Sequence[GeoNamesRow], summary: ImportSummary
) -> None:
    with write_transaction(factory) as session:
        upsert_places(session, rows, summary)


def upsert_places(session: Session, rows: Sequence[GeoNamesRow], summary: ImportSummary) -> None:
    """Insert new geonameids, update changed ones, leave identical ones alone.

    Comparing in Python rather than with ON CONFLICT keeps one code path for
    SQLite and PostgreSQL and gives exact new/updated/unchanged counts.
    """
    wanted = {row.geonameid: place_values(row) for row in rows}
    columns = [getattr(Place, name) for name in _COMPARED]
    stored = session.execute(
        select(Place.id, Place.geonameid, Place.source, *columns).where(Place.geonameid.in_(wanted))
    ).all()
    changed: list[dict[str, Any]] = []
    for existing in stored:
        values = wanted.pop(existing.geonameid)
        if existing.source != SOURCE:
            # Not ours to change (no loader sets a geonameid elsewhere today).
            summary.unchanged += 1
        elif any(getattr(existing, name) != values[name] for name in _COMPARED):
            changed.append({"id": existing.id, **values})
        else:
            summary.unchanged += 1
    if wanted:
        session.execute(
            insert(Place),
            [{"geonameid": gid, "source": SOURCE, **values} for gid, values in wanted.items()],
        )
    if changed:
        session.execute(update(Place), changed)
    summary.new += len(wanted)
    summary.updated += len(changed)
