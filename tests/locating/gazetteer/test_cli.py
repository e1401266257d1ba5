"""`alerts gazetteer`: progress, summaries, malformed lines as FILE:LINE, exit codes."""

from __future__ import annotations

import gzip
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli import main
from alerts.cli.gazetteer import MAX_REPORTED
from alerts.core.db.session import make_engine, session_factory
from alerts.db import migrate
from alerts.locating.gazetteer.records import PlaceCount, count_places
from tests.locating.gazetteer.dumps import line, synthetic


def invoke(database_url: str, *args: str) -> Result:
    result = CliRunner().invoke(main, list(args), env={"ALERTS_DATABASE_URL": database_url})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def write(path: Path, *lines: str) -> Path:
    path.write_text("".join(text + "\n" for text in lines), encoding="utf-8")
    return path


def test_import_shows_progress_and_a_summary(
    factory: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    dump = write(
        tmp_path / "CD.txt",
        line(1, "Goma"),
        "not a geonames line",
        line(2, "Mont", feature_class="T", feature_code="MT"),
        line(3, "Beni", lat="x"),
        line(4, "Beni"),
    )
    result = invoke(database_url, "gazetteer", "import", "geonames", str(dump))
    assert result.exit_code == 0, result.output
    assert f"importing {dump}" in result.stderr  # the progress bar's label
    assert result.stderr.splitlines()[-2:] == [
        f"{dump}:2: expected 19 tab-separated columns, found 1",
        f"{dump}:4: latitude 'x' is not a number",
    ]
    assert result.stdout == (f"{dump}: 2 new, 0 updated, 0 unchanged, 1 not places, 2 malformed\n")

    again = invoke(database_url, "gazetteer", "import", "geonames", str(dump))
    assert again.exit_code == 0
    assert again.stdout == (f"{dump}: 0 new, 0 updated, 2 unchanged, 1 not places, 2 malformed\n")


def test_several_files_and_gzip(
    factory: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    cd = write(tmp_path / "CD.txt", line(1, "Goma"))
    ss = tmp_path / "SS.txt.gz"
    ss.write_bytes(gzip.compress((line(2, "Juba", country="SS") + "\n").encode()))
    result = invoke(database_url, "gazetteer", "import", "geonames", str(cd), str(ss))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{cd}: 1 new, 0 updated, 0 unchanged, 0 not places, 0 malformed",
        f"{ss}: 1 new, 0 updated, 0 unchanged, 0 not places, 0 malformed",
        "total: 2 new, 0 updated, 0 unchanged, 0 not places, 0 malformed",
    ]


def test_a_file_with_no_good_line_fails(
    factory: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    good = write(tmp_path / "CD.txt", line(1, "Goma"))
    bad = write(tmp_path / "alternateNames.txt", *(f"{n}\t1\tfr\tGoma" for n in range(150)))
    result = invoke(database_url, "gazetteer", "import", "geonames", str(bad), str(good))
    assert result.exit_code == 1
    assert f"no well-formed line in {bad}" in result.stderr
    reported = [text for text in result.stderr.splitlines() if text.startswith(f"{bad}:")]
    assert len(reported) == MAX_REPORTED + 1
    assert reported[-1] == f"{bad}: {150 - MAX_REPORTED} more malformed lines not shown"
    # The good file was still imported.
    assert f"{good}: 1 new" in result.stdout


def test_a_missing_file_is_an_error_before_anything_is_imported(
    factory: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    good = write(tmp_path / "CD.txt", line(1, "Goma"))
    missing = tmp_path / "SS.txt"
    result = invoke(database_url, "gazetteer", "import", "geonames", str(good), str(missing))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    with factory() as session:
        assert count_places(session) == []


def test_a_zip_is_refused_with_what_to_do(database_url: str, tmp_path: Path) -> None:
    archive = tmp_path / "CD.zip"
    archive.write_bytes(b"PK\x03\x04")
    result = invoke(database_url, "gazetteer", "import", "geonames", str(archive))
    assert result.exit_code == 1
    assert "unzip it and import the CD.txt inside" in result.stderr


def test_import_starter_then_stats(factory: sessionmaker[Session], database_url: str) -> None:
    result = invoke(database_url, "gazetteer", "import", "starter")
    assert result.exit_code == 0, result.output
    assert "importing starter.tsv.gz" in result.stderr
    assert " 0 malformed" in result.stdout
    stats = invoke(database_url, "gazetteer", "stats")
    assert stats.exit_code == 0
    rows = stats.stdout.splitlines()
    assert rows[0].split() == ["source", "country", "places"]
    assert {tuple(r.split()[:2]) for r in rows[1:-1]} == {
        ("geonames", country) for country in ("CD", "CF", "ML", "SD", "SS")
    }
    assert rows[-1].split()[0] == "total"


def test_stats_without_tables_says_what_to_do(tmp_path: Path) -> None:
    result = invoke(f"sqlite:///{tmp_path / 'empty.db'}", "gazetteer", "stats")
    assert result.exit_code == 1 and "alerts db upgrade" in result.stderr


def test_a_large_dump_on_sqlite(tmp_path: Path) -> None:
    """100,000 places through the CLI, twice: every batch boundary, every count.

    No timed assertion; a few seconds each way (see the README's Gazetteer section).
    """
    url = f"sqlite:///{tmp_path / 'large.db'}"
    migrate.upgrade(url)
    dump = write(tmp_path / "allCountries.txt", *synthetic(100_000))
    first = invoke(url, "gazetteer", "import", "geonames", str(dump))
    assert first.stdout == (
        f"{dump}: 100000 new, 0 updated, 0 unchanged, 0 not places, 0 malformed\n"
    )
    second = invoke(url, "gazetteer", "import", "geonames", str(dump))
    assert second.stdout == (
        f"{dump}: 0 new, 0 updated, 100000 unchanged, 0 not places, 0 malformed\n"
    )
    engine = make_engine(url)
    with session_factory(engine)() as session:
        counts = count_places(session)
    engine.dispose()
    assert counts == [PlaceCount("geonames", c, 20_000) for c in ("CD", "CF", "ML", "SD", "SS")]


def test_a_corrupt_gzip_is_a_clear_error(
    factory: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    dump = tmp_path / "CD.txt.gz"
    dump.write_bytes(gzip.compress((line(1, "Goma") + "\n").encode())[:-6])
    result = invoke(database_url, "gazetteer", "import", "geonames", str(dump))
    assert result.exit_code == 1
    assert (
        f"cannot read {dump}" in result.stderr and "re-running the import is safe" in result.stderr
    )
