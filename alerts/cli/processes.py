"""Long-running processes: the RQ worker and the scheduler."""

from __future__ import annotations

import click

from alerts.cli.common import load_settings
from alerts.core.vault import generate_key
from alerts.timeline.log_key import LogKeyError, generate_log_key
from workers.runner import run_worker
from workers.scheduler import run_scheduler


@click.command()
@click.option(
    "--with-scheduler/--without-scheduler",
    default=True,
    help="Also run RQ's scheduler for delayed jobs.",
)
@click.option("--burst", is_flag=True, help="Exit once the queue is empty.")
def worker(with_scheduler: bool, burst: bool) -> None:
    """Run an RQ worker that processes alerts and sends SMS."""
    run_worker(load_settings(), with_scheduler=with_scheduler, burst=burst)


@click.command()
@click.option("--interval", default=1.0, show_default=True, help="Seconds between ticks.")
@click.option("--once", is_flag=True, help="Run one tick and exit.")
def scheduler(interval: float, once: bool) -> None:
    """Fire due deadlines, relay the outbox and seal the log, from the database, come what may."""
    try:
        relayed = run_scheduler(load_settings(), interval_s=interval, once=once)
    except LogKeyError as error:
        raise click.ClickException(str(error)) from None
    if once:
        click.echo(f"relayed {relayed} job(s)")


@click.group()
def keys() -> None:
    """Secrets for ALERTS_SECRET_KEY, ALERTS_DATA_KEY and ALERTS_LOG_KEY."""


@keys.command()
@click.option("--log", "for_log", is_flag=True, help="An Ed25519 key for ALERTS_LOG_KEY.")
def generate(for_log: bool) -> None:
    """Print a new random key."""
    click.echo(generate_log_key() if for_log else generate_key())
