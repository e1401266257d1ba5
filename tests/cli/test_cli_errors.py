"""CLI commands fail with a sentence that says what to do, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from alerts.cli import main
from tests.conftest import ROOT

EXAMPLE = str(ROOT / "config" / "network.example.yaml")


def run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, args, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_network_load_without_a_data_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # away from any local keys `make run` made in the checkout
    code, output = run(
        ["network", "load", EXAMPLE],
        {"ALERTS_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}", "ALERTS_DATA_KEY": ""},
    )
    assert code == 1 and "ALERTS_DATA_KEY is not set" in output
    assert "alerts keys generate" in output


def test_commands_on_a_database_without_tables(tmp_path: Path) -> None:
    env = {"ALERTS_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    code, output = run(["events", "verify"], env)
    assert code == 1 and "alerts db upgrade" in output
    code, output = run(["network", "load", EXAMPLE], env | {"ALERTS_DATA_KEY": "k" * 32})
    assert code == 1 and "alerts db upgrade" in output


def test_db_upgrade_to_an_unknown_revision(tmp_path: Path) -> None:
    code, output = run(
        ["db", "upgrade", "nope"], {"ALERTS_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    )
    assert code == 1 and "migration error" in output


def test_db_upgrade_then_downgrade(tmp_path: Path) -> None:
    env = {"ALERTS_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    assert run(["db", "upgrade"], env) == (0, "database at head\n")
    assert run(["db", "downgrade", "base"], env) == (0, "database at base\n")


def test_bad_setting_is_named(tmp_path: Path) -> None:
    code, output = run(["events", "verify"], {"ALERTS_SAME_SENDER_WINDOW_S": "soon"})
    assert code == 1 and "ALERTS_SAME_SENDER_WINDOW_S must be a whole number" in output
