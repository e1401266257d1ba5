"""Long-running processes: the RQ worker and the scheduler."""

from __future__ import annotations

import click

from alerts.cli.common import load_settings
from alerts.core.vault import generate_key
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
    """Fire due deadlines and relay the outbox from the database each second, come what may."""
    relayed = run_scheduler(load_settings(), interval_s=interval, once=once)
    if once:
        click.echo(f"relayed {relayed} job(s)")


@click.group()
def keys() -> None:
    """Secrets for ALERTS_SECRET_KEY and ALERTS_DATA_KEY."""


@keys.command()
def generate() -> None:
    """Print a new random key."""
    click.echo(generate_key())
