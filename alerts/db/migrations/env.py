"""Alembic environment: the URL comes from the caller, never from a file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from alerts.core.db.session import make_engine
from alerts.core.db.timeouts import DatabaseTimeouts
from alerts.db.schema import Model

config = context.config
target_metadata = Model.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(
        config.get_main_option("sqlalchemy.url") or "", DatabaseTimeouts.for_maintenance()
    )
    # Migrations manage their own transactions; drop the IMMEDIATE begin hook's effect
    # by running DDL on a plain connection.
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline SQL generation is not supported; run `alerts db upgrade`")
run_migrations_online()
