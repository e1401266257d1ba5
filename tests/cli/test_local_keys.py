"""After `make run`, commands typed in the same checkout use the local keys it made."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from alerts.cli import main
from alerts.cli.local_keys import make_local_keys
from alerts.timeline.log_key import generate_log_key
from tests.conftest import ROOT

EXAMPLE = str(ROOT / "config" / "network.example.yaml")
# The database `make run` uses, relative to the checkout it runs in.
LOCAL_DB = {"ALERTS_DATABASE_URL": "sqlite:///instance/alerts.db"}
NO_KEYS = {"ALERTS_DATA_KEY": "", "ALERTS_SECRET_KEY": "", "ALERTS_LOG_KEY": ""}


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    make_local_keys(tmp_path / "instance")
    assert CliRunner().invoke(main, ["db", "upgrade"], env=LOCAL_DB).exit_code == 0
    return tmp_path


def test_network_load_uses_the_local_keys_and_says_so_once(checkout: Path) -> None:
    first = CliRunner().invoke(main, ["network", "load", EXAMPLE], env=LOCAL_DB | NO_KEYS)
    assert first.exit_code == 0, first.output
    assert first.output.count("from instance/dev-secrets.env") == 1
    assert "ALERTS_DATA_KEY" in first.output
    # The same key again: every registered phone is recognised, nothing changes.
    again = CliRunner().invoke(main, ["network", "load", EXAMPLE], env=LOCAL_DB | NO_KEYS)
    assert again.exit_code == 0 and "unchanged" in again.output


def test_keys_in_the_environment_win_silently(checkout: Path) -> None:
    env = LOCAL_DB | {
        "ALERTS_DATA_KEY": "k" * 32,
        "ALERTS_SECRET_KEY": "s" * 32,
        "ALERTS_LOG_KEY": generate_log_key(),
    }
    result = CliRunner().invoke(main, ["network", "load", EXAMPLE], env=env)
    assert result.exit_code == 0, result.output
    assert "dev-secrets.env" not in result.output


def test_without_local_keys_the_error_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["network", "load", EXAMPLE], env=LOCAL_DB | NO_KEYS)
    assert result.exit_code == 1
    assert "ALERTS_DATA_KEY is not set" in result.output
