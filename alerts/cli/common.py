"""Helpers shared by CLI commands: settings, and errors that say what to do."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import click
from alembic.util.exc import CommandError
from sqlalchemy.exc import OperationalError, ProgrammingError

from alerts.cli.local_keys import with_local_keys
from alerts.core.settings import Settings, SettingsError
from alerts.core.vault import PhoneVault


def load_settings() -> Settings:
    try:
        return Settings.from_env(with_local_keys(os.environ))
    except SettingsError as error:
        raise click.ClickException(str(error)) from None


def load_vault(settings: Settings) -> PhoneVault:
    try:
        return PhoneVault(settings.require_data_key(), settings.data_key_previous)
    except (SettingsError, ValueError) as error:
        raise click.ClickException(str(error)) from None


@contextmanager
def database_errors_explained() -> Iterator[None]:
    """Turn database and migration failures into one-line errors with a next step."""
    try:
        yield
    except OperationalError as error:
        raise click.ClickException(
            f"database error: {error.orig}. Check ALERTS_DATABASE_URL, and run "
            "`alerts db upgrade` if the tables are missing."
        ) from None
    except ProgrammingError as error:
        raise click.ClickException(
            f"database error: {error.orig}. Run `alerts db upgrade` to create the tables."
        ) from None
    except CommandError as error:
        raise click.ClickException(f"migration error: {error}") from None
