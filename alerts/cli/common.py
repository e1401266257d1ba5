"""Helpers shared by CLI commands: settings, and errors that say what to do."""

from __future__ import annotations

import os

import click

from alerts.settings import Settings, SettingsError


def load_settings() -> Settings:
    try:
        return Settings.from_env(os.environ)
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
