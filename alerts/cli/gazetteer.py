"""`alerts gazetteer`: import GeoNames dumps and the starter gazetteer; count places."""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Protocol

import click
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli.common import database_errors_explained, load_settings
from alerts.core.db.session import make_engine, session_factory
from alerts.locating.gazetteer.geonames import MalformedLine, parse
from alerts.locating.gazetteer.records import count_places
from alerts.locating.gazetteer.starter import STARTER_FILE, starter_path
from alerts.locating.gazetteer.store import ImportSummary, import_rows

# A wrong file (say alternateNames.txt) makes every line malformed; the first
# ones say what is wrong, a million more would bury the summary.
MAX_REPORTED = 100
_PROGRESS_EVERY = 5000  # lines; redrawing the bar per line would cost more than parsing


class _Bar(Protocol):
    def update(self, n_steps: int) -> None: ...


@click.group()
def gazetteer() -> None:
    """Places alerts may name: GeoNames dumps and the shipped starter gazetteer.

    The mission network file's own places take precedence and are never
    changed by an import.
    """


@gazetteer.group("import")
def import_group() -> None:
    """Import places. Re-running an import changes nothing."""


@import_group.command("geonames")
@click.argument(
    "files",
    metavar="FILE...",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
)
def import_geonames(files: tuple[Path, ...]) -> None:
    """Import GeoNames country dumps (CD.txt, SS.txt…; .gz too), keeping alternate names.

    Malformed lines are reported as FILE:LINE: reason and skipped; the rest is kept.
    """
    for path in files:
        if path.suffix.lower() == ".zip":
            raise click.ClickException(
                f"{path} is a zip archive: unzip it and import the {path.stem}.txt inside"
            )
    factory = _factory()
    total = ImportSummary()
    empty: list[str] = []
    for path in files:
        try:
            raw = path.open("rb")
        except OSError as error:
            raise click.ClickException(f"cannot read {path}: {error.strerror}") from None
        with raw:
            summary = _import(factory, str(path), raw, gzipped=path.suffix.lower() == ".gz")
        total.add(summary)
        if summary.malformed and not summary.kept and not summary.not_places:
            empty.append(str(path))
    if len(files) > 1:
        click.echo(_summary_line("total", total))
    if empty:
        raise click.ClickException(f"no well-formed line in {', '.join(empty)}")


@import_group.command("starter")
def import_starter() -> None:
    """Import the starter gazetteer shipped with this package (GeoNames, CC BY 4.0)."""
    factory = _factory()
    with starter_path().open("rb") as raw:
        _import(factory, STARTER_FILE, raw, gzipped=True)


@gazetteer.command()
def stats() -> None:
    """Count places by source and country."""
    factory = _factory()
    with database_errors_explained(), factory() as session:
        counts = count_places(session)
    click.echo(f"{'source':10} {'country':7} {'places':>8}")
    for count in counts:
        click.echo(f"{count.source:10} {count.country or '-':7} {count.places:8}")
    click.echo(f"{'total':18} {sum(c.places for c in counts):8}")


def _factory() -> sessionmaker[Session]:
    settings = load_settings()
    return session_factory(make_engine(settings.database_url, settings.db_timeouts))


def _import(
    factory: sessionmaker[Session], label: str, raw: IO[bytes], *, gzipped: bool
) -> ImportSummary:
    """Import one dump with a progress bar (on stderr), then print its summary."""
    reported: list[MalformedLine] = []

    def keep_report(line: MalformedLine) -> None:
        if len(reported) < MAX_REPORTED:
            reported.append(line)

    stream: Iterable[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if gzipped else raw
    size = _size(raw)
    with (
        database_errors_explained(),
        click.progressbar(length=size, label=f"importing {label}", file=sys.stderr) as bar,
    ):
        try:
            summary = import_rows(
                factory, parse(_with_progress(stream, raw, bar)), on_malformed=keep_report
            )
        except (OSError, EOFError, zlib.error) as error:  # a corrupt .gz, a failing disk
            raise click.ClickException(
                f"cannot read {label}: {error}. Places stored before it stay; "
                "re-running the import is safe."
            ) from None
    for line in reported:
        click.echo(f"{label}:{line.line_number}: {line.reason}", err=True)
    if summary.malformed > len(reported):
        click.echo(
            f"{label}: {summary.malformed - len(reported)} more malformed lines not shown",
            err=True,
        )
    click.echo(_summary_line(label, summary))
    return summary


def _with_progress(stream: Iterable[bytes], raw: IO[bytes], bar: _Bar) -> Iterator[bytes]:
    """Lines of `stream`, advancing the bar by bytes of the file on disk.

    Bytes of the underlying file, not lines: their total is known up front,
    and for a .gz it is the compressed position, which still ends at 100%.
    """
    shown = 0
    for count, line in enumerate(stream, start=1):
        yield line
        if count % _PROGRESS_EVERY == 0:
            position = raw.tell()
            bar.update(position - shown)
            shown = position
    bar.update(max(0, _size(raw) - shown))


def _size(raw: IO[bytes]) -> int:
    position = raw.tell()
    size = raw.seek(0, 2)
    raw.seek(position)
    return size


def _summary_line(label: str, summary: ImportSummary) -> str:
    return (
        f"{label}: {summary.new} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.not_places} not places, "
        f"{summary.malformed} malformed"
    )
