from pathlib import Path

import pytest
import yaml

from alerts.network.domain.network_file import NetworkFileError, parse_network

ROOT = Path(__file__).resolve().parents[3]


def document() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((ROOT / "tests" / "data" / "network.yaml").read_text())


def problems_of(doc: object) -> list[str]:
    with pytest.raises(NetworkFileError) as caught:
        parse_network(doc)
    return caught.value.problems


def test_valid_files_parse() -> None:
    network = parse_network(document())
    assert network.mission == "MONUSCO"
    assert [u.callsign for u in network.units][:2] == ["QRF-BENI", "QRF-OICHA"]
    example = yaml.safe_load((ROOT / "config" / "network.example.yaml").read_text())
    parsed = parse_network(example)
    assert len(parsed.bases) >= 6 and len(parsed.units) >= 8


def test_errors_name_the_entry_and_field() -> None:
    doc = document()
    doc["units"][1]["notice_to_move_min"] = "soon"
    doc["bases"][0]["lat"] = 123
    problems = problems_of(doc)
    assert any(p.startswith("units[1] (QRF-OICHA).notice_to_move_min:") for p in problems)
    assert any(p.startswith("bases[0] (beni).lat:") for p in problems)


def test_cross_references_are_checked() -> None:
    doc = document()
    doc["units"][0]["base"] = "nowhere"
    doc["senders"][0]["place"] = "Atlantis"
    problems = problems_of(doc)
    assert "units[0] (QRF-BENI).base: no base with id 'nowhere'" in problems
    assert "senders[0].place: no place named 'Atlantis' in places" in problems


def test_bad_phone_errors_never_repeat_the_number() -> None:
    doc = document()
    doc["senders"][0]["phone"] = "+24397"
    problems = problems_of(doc)
    assert problems and all("+24397" not in p for p in problems)
    assert problems[0].startswith("senders[0].phone:")


def test_duplicate_phones_are_refused() -> None:
    doc = document()
    doc["senders"][1]["phone"] = doc["senders"][0]["phone"]
    assert "senders[1].phone: phone is already listed at senders[0].phone" in problems_of(doc)


def test_unknown_keys_are_refused() -> None:
    doc = document()
    doc["bases"][0]["colour"] = "blue"
    assert any(p.startswith("bases[0] (beni).colour:") for p in problems_of(doc))


def test_not_a_mapping() -> None:
    assert problems_of(["just", "a", "list"])[0].startswith("file:")


def test_focal_points_need_a_village_and_clas_a_base() -> None:
    doc = document()
    doc["senders"][0]["place"] = None
    doc["senders"][2]["base"] = None
    problems = problems_of(doc)
    assert "senders[0]: a focal_point needs `place`, the village they are registered to" in problems
    assert "senders[2]: a cla needs `base`, the base she lives on" in problems


def test_namesakes_need_different_admin_and_cannot_be_a_home() -> None:
    doc = document()
    mabanga = {"name": "Mabanga", "lat": -1.63, "lon": 29.21, "admin": "Nyiragongo"}
    doc["places"] += [mabanga, dict(mabanga)]
    assert any(p.startswith("places[") and "namesakes must differ" in p for p in problems_of(doc))
    doc["places"][-1]["admin"] = "Irumu"
    doc["senders"][0]["place"] = "Mabanga"
    assert any("places are named 'Mabanga'" in p for p in problems_of(doc))


def test_contacts_and_dispatch_overrides_are_checked_with_the_entry_named() -> None:
    document = {
        "mission": "MONUSCO",
        "bases": [{"id": "beni", "name": "Beni", "lat": 0.49, "lon": 29.47, "sector": "Beni"}],
        "contacts": [
            {"role": "base_commander", "name": "Commander", "phones": ["+243810000301"]},
            {"role": "sector_hq", "name": "HQ", "phones": ["+243810000302"], "sector": "Ituri"},
            {"role": "joc_duty", "name": "JOC", "phones": ["+243810000302"]},
            {"role": "mayor", "name": "Mayor", "phones": ["+243810000303"]},
        ],
        "dispatch": {"ack_timeout_s": -5},
    }
    with pytest.raises(NetworkFileError) as raised:
        parse_network(document)
    problems = "\n".join(raised.value.problems)
    assert "contacts[0]: a base_commander needs `base`" in problems
    assert "contacts[3].role" in problems
    assert "dispatch: dispatch.ack_timeout_s: expected a positive number" in problems


def test_contact_cross_references_are_checked() -> None:
    document = {
        "mission": "MONUSCO",
        "bases": [{"id": "beni", "name": "Beni", "lat": 0.49, "lon": 29.47, "sector": "Beni"}],
        "contacts": [
            {"role": "base_commander", "name": "C", "phones": ["+243810000301"], "base": "goma"},
            {"role": "sector_hq", "name": "HQ", "phones": ["+243810000301"], "sector": "Ituri"},
        ],
    }
    with pytest.raises(NetworkFileError) as raised:
        parse_network(document)
    problems = "\n".join(raised.value.problems)
    assert "contacts[0].base: no base with id 'goma'" in problems
    assert "contacts[1].phones: phone is already listed at contacts[0].phones" in problems
    assert "contacts[1].sector: no base is in sector 'Ituri' (sectors: Beni)" in problems


@pytest.mark.parametrize(
    "coordinates",
    [
        [[[29.0, 0.0], [29.1, 0.1]]],  # two points
        [["x"]],  # not points at all
        [[[29.0, 0.0], [29.1, 0.1], [29.1, 0.0], [29.0, 0.1], [29.0, 0.0]]],  # crosses itself
    ],
)
def test_an_aor_that_is_no_polygon_is_refused_before_routing_reads_it(
    coordinates: list[object],
) -> None:
    doc = document()
    doc["bases"][0]["aor"] = {"type": "Polygon", "coordinates": coordinates}
    with pytest.raises(NetworkFileError) as raised:
        parse_network(doc)
    assert any("bases[0] (beni).aor: is not a valid polygon" in p for p in raised.value.problems)


def test_a_language_is_a_short_code() -> None:
    doc = document()
    doc["senders"][0]["language"] = "kiswahili-ya-congo"
    with pytest.raises(NetworkFileError) as raised:
        parse_network(doc)
    assert any(p.startswith("senders[0].language") for p in raised.value.problems)
