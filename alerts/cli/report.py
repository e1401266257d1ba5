"""`alerts report latency|noncompliance`: the evaluators' reports, from the command line."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from alerts.audit.domain.history.missions import canonical_mission
from alerts.audit.domain.periods import Period, half_year
from alerts.audit.reports.model import FORMATS, Format, ReportKind, ReportRequest
from alerts.audit.reports.produce import ReportRefused, produce
from alerts.cli.common import database_errors_explained, load_settings
from alerts.core.clock import SystemClock
from alerts.core.db.session import make_engine, session_factory

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _period(first: datetime | None, last: datetime | None, half: str | None) -> Period:
    if half is not None:
        if first is not None or last is not None:
            raise click.UsageError("give either --half or --from/--to, not both")
        try:
            return half_year(half)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--half") from None
    if first is None or last is None:
        raise click.UsageError("give the period: --from DATE --to DATE, or --half 2026H1")
    try:
        return Period(first.date(), last.date())
    except ValueError as error:
        raise click.UsageError(str(error)) from None


def _options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(
        [
            click.option("--from", "first", type=_DATE, help="First day (UTC), YYYY-MM-DD."),
            click.option("--to", "last", type=_DATE, help="Last day (UTC), inclusive."),
            click.option("--half", help="A half-year instead: 2026H1 (Jan-Jun) or 2026H2."),
            click.option("--mission", help="One mission (MONUC counts as MONUSCO)."),
            click.option("--sector", help="One sector of the mission."),
            click.option(
                "--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True
            ),
            click.option("--table", help="CSV only: which table (default: the main one)."),
            click.option(
                "--output",
                "-o",
                type=click.Path(dir_okay=False, writable=True, path_type=Path),
                help="Write to this file instead of standard output.",
            ),
            click.option(
                "--full",
                is_flag=True,
                help="Not anonymised: exact places, pseudonyms, units' own words. "
                "Recorded in the timeline; needs --actor and --reason.",
            ),
            click.option("--actor", help="Who asks for the full export, e.g. user:jdoe."),
            click.option("--reason", help="Why a full export is needed."),
        ]
    ):
        command = option(command)
    return command


def _run(
    kind: ReportKind,
    first: datetime | None,
    last: datetime | None,
    half: str | None,
    mission: str | None,
    sector: str | None,
    fmt: Format,
    table: str | None,
    output: Path | None,
    full: bool,
    actor: str | None,
    reason: str | None,
    stuck_after: timedelta | None = None,
) -> None:
    period = _period(first, last, half)
    if full and not actor:
        raise click.UsageError("--full needs --actor (who) and --reason (why): it is recorded")
    request = ReportRequest(
        period=period,
        mission=canonical_mission(mission) if mission else None,
        sector=sector,
        detail="full" if full else "anonymised",
        **({"stuck_after": stuck_after} if stuck_after is not None else {}),
    )
    settings = load_settings()
    factory = session_factory(make_engine(settings.database_url, settings.db_timeouts))
    click.echo(f"building the {kind} report for {period.label()}…", err=True)
    started = time.perf_counter()
    try:
        with database_errors_explained():
            document = produce(
                factory,
                kind,
                request,
                fmt,
                SystemClock().now(),
                actor=actor or "cli",
                table=table,
                reason=reason,
            )
    except ReportRefused as error:
        raise click.UsageError(str(error)) from None
    elapsed = time.perf_counter() - started
    if output is None:
        sys.stdout.write(document.content)
    else:
        output.write_text(document.content, encoding="utf-8")
    where = "standard output" if output is None else str(output)
    click.echo(f"{document.rows} rows in {elapsed:.1f} s, written to {where}", err=True)


@click.group()
def report() -> None:
    """The evaluators' reports: anonymised unless --full, as HTML, CSV (with HXL) or JSON."""


@report.command()
@_options
@click.option(
    "--stuck-after",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    help="Minutes without a new stage before an open incident is listed as stuck.",
)
def latency(stuck_after: int, **options: Any) -> None:
    """Response times: per incident, by group, immediate response, unanswered and stuck.

    Tables for --format csv: incidents, aggregates, immediate, unanswered, stuck.
    """
    _run("latency", **options, stuck_after=timedelta(minutes=stuck_after))


@report.command()
@_options
def noncompliance(**options: Any) -> None:
    """Refusals and failures to follow orders; --half gives the six-monthly report.

    A period with nothing recorded gives an explicit nil report. Tables for
    --format csv: register, missions.
    """
    _run("noncompliance", **options)
