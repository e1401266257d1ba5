"""`alerts history import`: bad rows as FILE:LINE: reason, good rows kept, seeds shipped."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.audit.models import HistoricalIncident
from alerts.cli import main
from alerts.core.settings import Settings


def run(settings: Settings, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["history", *args], env={"ALERTS_DATABASE_URL": settings.database_url}
    )
    return result.exit_code, result.output


def test_shipped_seed_tables(settings: Settings, factory: sessionmaker[Session]) -> None:
    code, output = run(settings, "import", "--shipped")
    assert code == 0, output
    assert "dataset 'oios_2014_deadliest_attacks': 10 rows kept, 0 bad rows" in output
    assert "dataset 'oios_2017_failures_to_follow_orders': 11 rows kept, 0 bad rows" in output
    code, listing = run(settings, "list")
    assert "oios_2017_failures_to_follow_orders\tUNMISS\trefusal\t7 rows\t6 dated" in listing
    assert "oios_2014_deadliest_attacks\tMONUSCO\tattack\t2 rows\t2 dated" in listing


def test_bad_rows_are_named_and_good_rows_kept(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "past.csv"
    path.write_text("date,mission,deaths\n2011-08-18,UNMISS,600\n2011-13-01,UNMISS,5\n")
    code, output = run(settings, "import", str(path), "--dataset", "mine")
    assert code == 0
    assert f"{path}:3: date:" in output
    assert "dataset 'mine': 1 rows kept, 1 bad rows skipped" in output
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(HistoricalIncident)) == 1


def test_a_file_with_no_good_row_fails(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    path = tmp_path / "typo.csv"
    path.write_text("date,misson\n2011,UNMISS\n")
    code, output = run(settings, "import", str(path))
    assert code == 1
    assert "unknown column(s) 'misson'" in output and "nothing imported" in output
    assert run(settings, "import")[0] == 2
