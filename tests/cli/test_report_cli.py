"""`alerts report latency|noncompliance` from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli import main
from alerts.core.settings import Settings
from alerts.timeline.models import Event
from tests.audit.scenario import Scenario


def run(settings: Settings, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        main, ["report", *args], env={"ALERTS_DATABASE_URL": settings.database_url}
    )
    return result.exit_code, result.stdout, result.stderr


def scenario(factory: sessionmaker[Session]) -> None:
    s = Scenario.create(factory)
    a = s.incident(0, ref="AAAAA")
    tasking = s.task(2, a, "QRF-BENI-1")
    s.reply(5, a, tasking, "acknowledged")


def test_latency_json(settings: Settings, factory: sessionmaker[Session]) -> None:
    scenario(factory)
    code, out, err = run(
        settings, "latency", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "json"
    )
    assert code == 0, err
    body = json.loads(out)
    incident = body["tables"]["incidents"][0]
    assert (incident["tasked_s"], incident["acknowledged_s"], incident["on_scene_s"]) == (
        120.0,
        300.0,
        None,
    )
    assert "1 rows in" in err


def test_latency_csv_table_and_mission_alias(
    settings: Settings, factory: sessionmaker[Session], tmp_path: Path
) -> None:
    scenario(factory)
    target = tmp_path / "stuck.csv"
    code, _, err = run(
        settings, "latency", "--half", "2026H1", "--mission", "monuc", "--format", "csv",
        "--table", "aggregates", "--output", str(target),
    )  # fmt: skip
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(target.read_text())))
    assert rows[1][0] == "#meta +dimension"
    assert ["mission", "MONUSCO", "tasked", "1", "1", "1.0", "120.0", "120.0", "120.0"] in rows


def test_nil_six_monthly_report(settings: Settings, factory: sessionmaker[Session]) -> None:
    scenario(factory)
    code, out, err = run(settings, "noncompliance", "--half", "2026H1")
    assert code == 0, err
    assert "Consolidated six-monthly report on failures to follow orders, 2026H1" in out
    assert "NIL REPORT" in out and "due 1 July 2026" in out


def test_full_export_needs_an_actor_and_a_reason_and_is_recorded(
    settings: Settings, factory: sessionmaker[Session]
) -> None:
    scenario(factory)
    args = ["latency", "--half", "2026H1", "--format", "csv", "--full"]
    code, _, err = run(settings, *args)
    assert code == 2 and "--actor" in err
    code, _, err = run(settings, *args, "--actor", "user:eve")
    assert code == 2 and "reason" in err
    code, out, _ = run(settings, *args, "--actor", "user:eve", "--reason", "board of inquiry")
    assert code == 0 and "Mavivi" in out
    with factory() as session:
        event = session.scalars(select(Event).where(Event.kind == "report.full_export")).one()
    assert event.actor == "user:eve" and event.data["report"] == "latency"


def test_period_errors_say_what_to_do(settings: Settings, factory: sessionmaker[Session]) -> None:
    code, _, err = run(settings, "latency")
    assert code == 2 and "--from DATE --to DATE, or --half 2026H1" in err
    code, _, err = run(settings, "latency", "--half", "2026H3")
    assert code == 2 and "not a half-year" in err
    code, _, err = run(settings, "noncompliance", "--from", "2026-03-02", "--to", "2026-03-01")
    assert code == 2 and "ends" in err
    code, _, err = run(
        settings, "latency", "--half", "2026H1", "--table", "nope", "--format", "csv"
    )
    assert code == 2 and "no table 'nope'" in err
