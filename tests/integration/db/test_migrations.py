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
from alerts.db.models import Model
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
