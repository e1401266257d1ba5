"""`alerts replay`: recorded messages through the real pipeline, in time order."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli import main
from alerts.core.clock import FakeClock
from alerts.core.settings import Settings
from alerts.core.vault import PhoneVault
from alerts.messaging.models import OutboundMessage
from alerts.timeline.models import Event
from tests.conftest import DATA, ROOT
from tests.live import load_test_network

RECORDED = [
    {
        "from": "+243990000501",
        "body": "attaque 0.5447, 29.4639",
        "received_at": "2026-03-01T04:12:09Z",
    },
    {
        "from": "+243990000502",
        "body": "tirs 0.5449, 29.4641",
        "received_at": "2026-03-01T04:13:00Z",
    },
    {
        "from": "+243990000502",
        "body": "tirs 0.5449, 29.4641",
        "received_at": "2026-03-01T04:14:00Z",
    },
    {
        "from": "+243990000503",
        "body": "attaque 0.1417, 29.2917",
        "received_at": "2026-03-01T04:10:00Z",
    },
]


def run(settings: Settings, path: Path, *args: str) -> tuple[int, list[dict[str, object]], str]:
    env = {
        "ALERTS_DATABASE_URL": settings.database_url,
        "ALERTS_REDIS_URL": settings.redis_url,
        "ALERTS_DATA_KEY": settings.data_key or "",
        "ALERTS_KEYWORDS_DIR": str(ROOT / "config" / "keywords"),
    }
    result = CliRunner().invoke(main, ["replay", str(path), *args], env=env)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, lines, result.stderr


def test_replay_in_time_order_with_duplicates_and_no_sms(
    tmp_path: Path,
    settings: Settings,
    factory: sessionmaker[Session],
    vault: PhoneVault,
    clock: FakeClock,
) -> None:
    load_test_network(factory, vault, clock, DATA / "network.yaml")
    path = tmp_path / "burst.jsonl"
    path.write_text("\n".join(json.dumps(m) for m in RECORDED) + "\nnot json\n")
    code, results, stderr = run(settings, path)
    assert code == 0, stderr
    assert "5: not JSON" in stderr
    by_line = {r["line"]: r for r in results}
    assert [r["line"] for r in results if "error" not in r] == [4, 1, 2, 3]  # time order
    assert by_line[1]["incident_id"] == by_line[2]["incident_id"]
    assert by_line[4]["incident_id"] != by_line[1]["incident_id"]
    assert by_line[3]["report_id"] is None and by_line[3]["duplicate_of"] == by_line[2]["report_id"]
    assert by_line[1]["lat"] == 0.5447
    with factory() as session:
        first = session.scalars(
            select(Event).where(Event.kind == "message.received").order_by(Event.id)
        ).first()
        assert first is not None and first.occurred_at.isoformat().startswith("2026-03-01T04:10")
        statuses = set(session.scalars(select(OutboundMessage.status)))
        assert statuses <= {"not_sent"}

    again_code, again, _ = run(settings, path)
    assert again_code == 0
    # Replaying the same file again changes nothing: the same sids, the same incidents.
    assert [r.get("incident_id") for r in again] == [r.get("incident_id") for r in results]


def test_replay_of_a_file_with_no_message(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text('{"from": "+243990000501"}\n')
    code, results, stderr = run(settings, path)
    assert code == 1
    assert "missing `body`" in stderr and results[0]["error"] == "missing `body`"
