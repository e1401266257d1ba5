from __future__ import annotations

import json
from pathlib import Path

import click
import yaml

from alerts.cli.common import database_errors_explained, load_settings, load_vault
from alerts.core.clock import SystemClock
from alerts.core.db.session import make_engine, session_factory
from alerts.network.domain.network_file import NetworkFile, NetworkFileError, parse_network
from alerts.network.load import load_network


@click.group()
def network() -> None:
    """The mission network: bases, units, places and registered senders."""


def read_network_file(path: Path) -> NetworkFile:
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"cannot read {path}: {error}") from None
    try:
        document = json.loads(raw) if path.suffix.lower() == ".json" else yaml.safe_load(raw)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise click.ClickException(f"{path} is not valid YAML/JSON: {error}") from None
    try:
        return parse_network(document)
    except NetworkFileError as error:
        lines = "\n".join(f"  - {problem}" for problem in error.problems)
        raise click.ClickException(
            f"{path}: {len(error.problems)} problem(s), nothing was loaded:\n{lines}"
        ) from None


@network.command("load")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def load(file: Path) -> None:
    """Load (or update) the network from a YAML or JSON FILE. Safe to repeat."""
    settings = load_settings()
    parsed = read_network_file(file)
    vault = load_vault(settings)
    factory = session_factory(make_engine(settings.database_url, settings.db_timeouts))
    with database_errors_explained():
        summary = load_network(factory, vault, parsed, SystemClock().now())
    for section in ("missions", "bases", "units", "places", "contacts", "senders"):
        click.echo(
            f"{section:8} {summary.created[section]:4} new  {summary.updated[section]:4} updated"
            f"  {summary.unchanged[section]:4} unchanged"
        )
    if summary.retired["senders"]:
        click.echo(
            f"phones   {summary.retired['senders']:4} retired (no longer in the file: they "
            "receive nothing more; their history stays)"
        )
    click.echo("network loaded" if summary.changed else "nothing changed")
