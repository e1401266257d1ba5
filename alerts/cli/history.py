"""`alerts history`: past incidents from published reports, for comparison."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import func, select

from alerts.audit.history import HistoryFileError, ImportSummary, import_history, shipped_files
from alerts.audit.models import HistoricalIncident
from alerts.cli.common import database_errors_explained, load_settings
from alerts.core.clock import SystemClock
from alerts.core.db.session import make_engine, session_factory, write_transaction

MAX_REPORTED = 100


@click.group()
def history() -> None:
    """Past attacks and refusals, imported from CSV (format: docs/history-file.md)."""


def _echo_summary(path: Path, summary: ImportSummary) -> None:
    for error in summary.errors[:MAX_REPORTED]:
        click.echo(f"{path}:{error.line}: {error.reason}", err=True)
    if len(summary.errors) > MAX_REPORTED:
        click.echo(f"{path}: … and {len(summary.errors) - MAX_REPORTED} more bad rows", err=True)
    click.echo(
        f"{path}: dataset {summary.dataset!r}: {summary.kept} rows kept, "
        f"{len(summary.errors)} bad rows skipped, {summary.replaced} earlier rows replaced "
        f"(sha256 {summary.sha256[:12]}…)"
    )


@history.command("import")
@click.argument(
    "files",
    metavar="FILE.csv...",
    nargs=-1,
    type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
)
@click.option("--dataset", help="Name to file the rows under (default: the file's name).")
@click.option("--shipped", is_flag=True, help="Import the seed tables that come with the package.")
@click.option("--actor", default="cli", show_default=True, help="Who imports, for the timeline.")
def import_command(files: tuple[Path, ...], dataset: str | None, shipped: bool, actor: str) -> None:
    """Load past incidents. Bad rows are reported as FILE:LINE: reason; good ones are kept.

    Re-importing a dataset replaces its rows, so correcting a file and importing
    it again is safe. Each import is recorded in the timeline with its SHA-256.
    """
    paths = list(files) + (shipped_files() if shipped else [])
    if not paths:
        raise click.UsageError("name a CSV file, or give --shipped")
    if dataset is not None and len(paths) > 1:
        raise click.UsageError("--dataset names one file's rows; import files one by one")
    settings = load_settings()
    factory = session_factory(make_engine(settings.database_url, settings.db_timeouts))
    failed = []
    for path in paths:
        raw = path.read_bytes()
        name = dataset or path.stem
        try:
            with database_errors_explained(), write_transaction(factory) as session:
                summary = import_history(
                    session, SystemClock().now(), raw, dataset=name, actor=actor
                )
        except HistoryFileError as error:
            click.echo(f"{path}: {error}; nothing imported from it", err=True)
            failed.append(str(path))
            continue
        _echo_summary(path, summary)
        if summary.kept == 0 and summary.errors:
            failed.append(str(path))
    if failed:
        raise click.ClickException(f"no good row in {', '.join(failed)}")


@history.command("list")
def list_command() -> None:
    """Datasets imported, with their rows by mission and kind."""
    settings = load_settings()
    factory = session_factory(make_engine(settings.database_url, settings.db_timeouts))
    with database_errors_explained(), factory() as session:
        rows = session.execute(
            select(
                HistoricalIncident.dataset,
                HistoricalIncident.mission,
                HistoricalIncident.kind,
                func.count(),
                func.count(HistoricalIncident.date_first),
            )
            .group_by(
                HistoricalIncident.dataset, HistoricalIncident.mission, HistoricalIncident.kind
            )
            .order_by(
                HistoricalIncident.dataset, HistoricalIncident.mission, HistoricalIncident.kind
            )
        ).all()
    if not rows:
        click.echo(
            "no historical incidents imported (alerts history import --shipped loads the seeds)"
        )
        return
    for name, mission, kind, count, dated in rows:
        click.echo(f"{name}\t{mission}\t{kind}\t{count} rows\t{dated} dated")
