"""Inserts that skip a row a unique constraint already holds, on both databases."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from alerts.core.db.base import Model


def table_of(model: type[Model]) -> Table:
    """The model's table, for Core statements built once and run with parameters."""
    return cast(Table, model.__table__)


def insert_unless_taken(dialect: str, model: type[Model]) -> Insert:
    """`INSERT ... ON CONFLICT DO NOTHING` into `model`'s table: add `.returning()`.

    No row comes back when any unique constraint already holds the values, and the
    transaction goes on: unlike catching an IntegrityError, no savepoint is needed. On
    PostgreSQL a racing insert of the same key waits for the other transaction, so
    the caller can then read the winner's row.
    """
    if dialect == "postgresql":
        return postgresql.insert(table_of(model)).on_conflict_do_nothing()
    return sqlite.insert(table_of(model)).on_conflict_do_nothing()
