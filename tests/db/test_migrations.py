"""Every migration goes up and down cleanly, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from alerts.db import migrate
from alerts.db.schema import Model
from tests.conftest import postgres_schema_url


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    base = os.environ.get("ALERTS_TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    schema = f"alerts_migrate_{secrets.token_hex(4)}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield postgres_schema_url(base, schema)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    migrate.upgrade(empty_database)
    assert tables(empty_database) == set(Model.metadata.tables)
    migrate.downgrade(empty_database, "base")
    assert tables(empty_database) == set()
    migrate.upgrade(empty_database)
    assert tables(empty_database) == set(Model.metadata.tables)


def test_models_and_migrations_agree(empty_database: str) -> None:
    """A model change without its migration would fail here, not in production."""
    migrate.upgrade(empty_database)
    engine = create_engine(empty_database)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Model.metadata)
    engine.dispose()
    assert diff == []


def test_gazetteer_migration_keeps_network_places_and_their_senders(empty_database: str) -> None:
    """0002 alters `places` in place: senders keep pointing at their village."""
    migrate.upgrade(empty_database, "0001")
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO places (id, name, alt_names, lat, lon, admin, source) "
                "VALUES (1, 'Luvungi', '[\"Lubungi\"]', -1.08, 28.42, NULL, 'network')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO senders (id, pseudonym, number_encrypted, number_hash, role, "
                "place_id, registered, created_at) VALUES (1, 'FP-TEST01', :blob, 'h', "
                "'focal_point', 1, true, '2026-01-01 00:00:00+00:00')"
            ),
            {"blob": b"x"},
        )
    migrate.upgrade(empty_database)
    with engine.begin() as connection:
        row = connection.execute(
            text("SELECT source, population, geonameid, country FROM places WHERE id = 1")
        ).one()
        assert tuple(row) == ("network", 0, None, None)
        connection.execute(
            text(
                "INSERT INTO places (id, name, alt_names, lat, lon, source, geonameid, population) "
                "VALUES (2, 'Goma', '[]', -1.67, 29.22, 'geonames', 216281, 432587)"
            )
        )
    migrate.downgrade(empty_database, "0001")
    with engine.connect() as connection:
        names = connection.execute(text("SELECT name, source FROM places")).all()
        place_id = connection.execute(text("SELECT place_id FROM senders")).scalar_one()
    engine.dispose()
    # Imported rows go with their geonameid (a re-import recreates them); the network's stay.
    assert [tuple(n) for n in names] == [("Luvungi", "network")]
    assert place_id == 1
    migrate.upgrade(empty_database)
