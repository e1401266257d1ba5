"""`alerts keys rotate` and `alerts retention purge`: what is done with stored numbers.

Neither ever prints a number: progress and results are counts and pseudonyms.
"""

from __future__ import annotations

import sys

import click

from alerts.cli.common import database_errors_explained, load_settings, load_vault
from alerts.core.clock import SystemClock
from alerts.core.db.session import make_engine, session_factory
from alerts.pipeline.retention import purge_numbers
from alerts.registry.rotation import BATCH_SIZE, RotationError, numbers_left, rotate_numbers


@click.command()
@click.option("--batch-size", default=BATCH_SIZE, show_default=True, type=click.IntRange(1))
def rotate(batch_size: int) -> None:
    """Re-key every stored number under ALERTS_DATA_KEY.

    Set ALERTS_DATA_KEY to the new key and ALERTS_DATA_KEY_PREVIOUS to the old one,
    for every process (web, workers, scheduler) first, then run this. Interrupted,
    it resumes where it stopped. Once it reports nothing left, unset
    ALERTS_DATA_KEY_PREVIOUS everywhere.
    """
    settings = load_settings()
    vault = load_vault(settings)
    factory = session_factory(make_engine(settings.database_url, settings.db_timeouts))
    with database_errors_explained():
        with factory() as session:
            left = numbers_left(session, vault)
        if left and not vault.rotating:
            click.echo(
                "note: ALERTS_DATA_KEY_PREVIOUS is not set: only numbers the current key "
                "can already read will be re-keyed",
                err=True,
            )
        with click.progressbar(length=left, label="re-keying numbers", file=sys.stderr) as bar:
            try:
                done = rotate_numbers(
                    factory, vault, SystemClock().now, batch_size=batch_size, on_batch=bar.update
                )
            except RotationError as error:
                raise click.ClickException(str(error)) from None
        with factory() as session:
            left = numbers_left(session, vault)
    click.echo(f"re-keyed {done} number(s) under key {vault.key_id}; {left} left")
    if left == 0 and vault.rotating:
        click.echo("done: ALERTS_DATA_KEY_PREVIOUS can now be unset everywhere")


@click.group()
def retention() -> None:
    """Numbers kept no longer than needed (ALERTS_NUMBER_RETENTION_DAYS)."""


@retention.command()
def purge() -> None:
    """Erase the numbers of unregistered senders silent longer than the retention period."""
    settings = load_settings()
    factory = session_factory(make_engine(settings.database_url, settings.db_timeouts))
    with database_errors_explained():
        result = purge_numbers(factory, SystemClock().now(), settings.number_retention)
    click.echo(
        f"erased {result.erased} number(s); kept {result.kept_open_incident} of senders in "
        f"an open incident (retention {settings.number_retention.days} days)"
    )
