"""`alerts geolocate`, one text or JSON lines from stdin, against the database's places."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from alerts.cli import main
from alerts.core.clock import FakeClock
from alerts.core.settings import Settings
from alerts.core.vault import PhoneVault
from alerts.locating.gazetteer.starter import import_starter
from tests.conftest import DATA, ROOT
from tests.live import load_test_network

KEYS = {
    "lat",
    "lon",
    "radius_m",
    "method",
    "confidence",
    "place",
    "ambiguous",
    "candidates",
    "threat",
    "severity",
}


@pytest.fixture
def places(factory: sessionmaker[Session], vault: PhoneVault, clock: FakeClock) -> None:
    load_test_network(factory, vault, clock, DATA / "network.yaml")
    import_starter(factory)


def geolocate(settings: Settings, args: list[str], stdin: str | None = None) -> tuple[int, str]:
    env = {
        "ALERTS_DATABASE_URL": settings.database_url,
        "ALERTS_KEYWORDS_DIR": str(ROOT / "config" / "keywords"),
    }
    result = CliRunner().invoke(main, ["geolocate", *args], input=stdin, env=env)
    return result.exit_code, result.output


def test_json_for_one_text(settings: Settings, places: None) -> None:
    code, output = geolocate(settings, ["watu wamevamiwa karibu na Bunya", "--json"])
    assert code == 0, output
    result = json.loads(output)
    assert set(result) == KEYS
    assert result["place"] == "Bunia" and result["method"] == "place_name"
    assert result["threat"] == "attack"


def test_sender_place_is_the_fallback(settings: Settings, places: None) -> None:
    code, output = geolocate(
        settings, ["attaque maintenant", "--sender-place", "Kiwanja", "--json"]
    )
    result = json.loads(output)
    assert (result["method"], result["place"]) == ("sender_place", "Kiwanja")
    code, output = geolocate(settings, ["attaque", "--sender-place", "Atlantis", "--json"])
    assert code == 2 and "no place named 'Atlantis'" in output


def test_nothing_found_is_null_not_an_error(settings: Settings, places: None) -> None:
    code, output = geolocate(settings, ["🙏🙏", "--json"])
    result = json.loads(output)
    assert code == 0 and result["lat"] is None and result["method"] == "unlocated"


def test_batch_from_stdin_one_result_per_line_in_order(settings: Settings, places: None) -> None:
    lines = [
        {"text": "Attaque à Kiwandja ce matin"},
        {"text": "ils arrivent", "sender_place": "Beni"},
        "not json at all",
        {"text": "watu wenye silaha Mabanga"},
    ]
    stdin = "\n".join(json.dumps(x) if isinstance(x, dict) else x for x in lines) + "\n"
    code, output = geolocate(settings, ["--json", "-"], stdin)
    results = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert code == 0
    assert [r.get("place") for r in results[:2]] == ["Kiwanja", "Beni"]
    assert results[2]["line"] == 3 and "error" in results[2]
    assert results[3]["ambiguous"] is True and len(results[3]["candidates"]) >= 2


def test_human_output(settings: Settings, places: None) -> None:
    code, output = geolocate(settings, ["5 km au nord de Beni, 3 morts"])
    assert code == 0
    assert "relative_place" in output and "Beni" in output and "killing" in output


def test_an_empty_database_says_what_to_load(settings: Settings, factory: object) -> None:
    code, output = geolocate(settings, ["Beni"])
    assert code == 1 and "alerts gazetteer import starter" in output
