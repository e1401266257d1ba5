from __future__ import annotations

import click

from alerts.cli.common import database_errors_explained, load_settings
from alerts.db.session import make_engine, session_factory
from alerts.services import ledger


@click.group()
def events() -> None:
    """The hash-chained event timeline."""


@events.command()
def verify() -> None:
    """Check the whole hash chain; name the first broken event and exit 1 if any."""
    settings = load_settings()
    factory = session_factory(make_engine(settings.database_url))
    with database_errors_explained(), factory() as session:
        checked, broken = ledger.verify(session)
    if broken is not None:
        click.echo(
            f"BROKEN at event seq {broken.seq}: {broken.reason} "
            f"({checked} events before it are intact)",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"OK: {checked} events, chain intact")
