from __future__ import annotations

import click

from alerts.cli.common import database_errors_explained, load_settings
from alerts.db import migrate


@click.group()
def db() -> None:
    """Database schema migrations (ALERTS_DATABASE_URL)."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    settings = load_settings()
    with database_errors_explained():
        migrate.upgrade(settings.database_url, revision)
    click.echo(f"database at {revision}")


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Revert migrations down to REVISION ('base' removes every table)."""
    settings = load_settings()
    with database_errors_explained():
        migrate.downgrade(settings.database_url, revision)
    click.echo(f"database at {revision}")
