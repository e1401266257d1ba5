"""Loading the mission network file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli import main
from alerts.core.clock import FakeClock
from alerts.core.settings import Settings
from alerts.core.vault import PhoneVault
from alerts.network.domain.network_file import parse_network
from alerts.network.load import load_network
from alerts.registry.models import OperatingBase, Sender, Unit
from alerts.timeline.models import Event
from tests.conftest import DATA, ROOT


def env_for(settings: Settings) -> dict[str, str]:
    return {
        "ALERTS_DATABASE_URL": settings.database_url,
        "ALERTS_DATA_KEY": settings.data_key or "",
    }


def snapshot(factory: sessionmaker[Session]) -> dict[str, int]:
    with factory() as session:
        return {
            model.__tablename__: int(session.scalar(select(func.count()).select_from(model)) or 0)
            for model in (OperatingBase, Unit, Sender, Event)
        }


def test_loading_twice_changes_nothing(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    network = parse_network(yaml.safe_load((DATA / "network.yaml").read_text()))
    first = load_network(factory, vault, network, clock.now())
    assert first.created["bases"] == 4 and first.created["units"] == 5
    assert first.created["contacts"] == 6 and first.created["missions"] == 1
    after_first = snapshot(factory)
    second = load_network(factory, vault, network, clock.now())
    assert not second.changed
    assert snapshot(factory) == after_first  # no rows, and no new event either


def test_reload_updates_in_place_but_keeps_live_unit_status(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    document = yaml.safe_load((DATA / "network.yaml").read_text())
    load_network(factory, vault, parse_network(document), clock.now())
    with factory() as session, session.begin():
        session.scalars(select(Unit).where(Unit.callsign == "QRF-BENI")).one().status = "deployed"
    document["units"][0]["notice_to_move_min"] = 5
    summary = load_network(factory, vault, parse_network(document), clock.now())
    assert summary.updated["units"] == 1
    with factory() as session:
        unit = session.scalars(select(Unit).where(Unit.callsign == "QRF-BENI")).one()
        assert (unit.notice_to_move_min, unit.status) == (5, "deployed")


def test_duty_phones_keep_their_order(
    factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock
) -> None:
    load_network(
        factory,
        vault,
        parse_network(yaml.safe_load((DATA / "network.yaml").read_text())),
        clock.now(),
    )
    with factory() as session:
        unit = session.scalars(select(Unit).where(Unit.callsign == "QRF-BENI")).one()
        numbers = [vault.decrypt(phone.number_encrypted) for phone in unit.phones]
    assert numbers == ["+243810000201", "+243810000202"]


def test_cli_loads_the_example_network(settings: Settings, factory: sessionmaker[Session]) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["network", "load", str(ROOT / "config" / "network.example.yaml")],
        env=env_for(settings),
    )
    assert result.exit_code == 0, result.output
    assert "network loaded" in result.output
    again = runner.invoke(
        main,
        ["network", "load", str(ROOT / "config" / "network.example.yaml")],
        env=env_for(settings),
    )
    assert "nothing changed" in again.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("mission: [unclosed", "is not valid YAML/JSON"),
        ("- a list", "file: expected a mapping"),
        (
            "mission: M\nunits:\n  - callsign: Q\n    base: nowhere\n    role: qrf\n",
            "units[0] (Q).base: no base with id 'nowhere'",
        ),
    ],
)
def test_cli_reports_bad_files_and_loads_nothing(
    tmp_path: Path, settings: Settings, factory: sessionmaker[Session], content: str, message: str
) -> None:
    path = tmp_path / "network.yaml"
    path.write_text(content)
    result = CliRunner().invoke(main, ["network", "load", str(path)], env=env_for(settings))
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert snapshot(factory)["bases"] == 0


def test_cli_missing_file(settings: Settings) -> None:
    result = CliRunner().invoke(
        main, ["network", "load", "/nonexistent.yaml"], env=env_for(settings)
    )
    assert result.exit_code == 1 and "cannot read /nonexistent.yaml" in result.output
