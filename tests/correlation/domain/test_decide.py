import json
from dataclasses import replace
from datetime import timedelta

import pytest

from alerts.correlation.domain.decide import decide, new_incident_view
from alerts.correlation.domain.rules import CorrelationRules

from .reports import MAVIVI, RULES, T0, east, replay, report

BURST_TEXTS = [
    "Attaque à Mavivi ce matin, 5 morts",
    "ADF ont attaqué Mavivi vers 4h",
    "watu wamevamiwa karibu na Mavivi",
    "Armed men attacking Mavivi now",
    "basoda bazali kobundisa bato na mboka ya Mavivi",
]


def test_a_burst_of_ten_informants_is_one_incident_with_raised_severity() -> None:
    reports = []
    for i in range(10):
        method = ("coordinates", "place_name", "sender_place")[i % 3]
        where = east(0.2 * (i % 4), 0.1) if method == "coordinates" else east(2.0 * (i % 2))
        reports.append(
            report(i + 1, at=i, where=where, method=method, text=BURST_TEXTS[i % 5], severity=3)
        )
    # The carrier retries two of them; one informant writes twice.
    reports += [
        replace(reports[0], id=11, received_at=T0 + timedelta(minutes=11)),
        replace(reports[4], id=12, received_at=T0 + timedelta(minutes=12)),
        report(13, at=13, sender=2, text="bado wanapiga risasi Mavivi"),
    ]
    incidents, decisions = replay(reports)
    assert len(incidents) == 1
    (incident,) = incidents.values()
    assert len(incident.informants) == 10
    assert incident.severity == 5  # 3 from the texts, +2 at six informants
    assert incident.first_report_at == T0
    assert [d.action for d in decisions[1:]] == ["join"] * 12


@pytest.mark.parametrize("between", ["sender_place", "relay_base"])
def test_a_coarse_report_between_two_precise_attacks_glues_nothing(between: str) -> None:
    # Two attacks 8 km apart, each located by a typed position and a named village.
    west_attack = [
        report(1, where=MAVIVI, text="Attaque à Mavivi, 3 morts"),
        report(2, at=1, where=east(0.5), method="place_name", text="ADF à Mavivi"),
    ]
    east_attack = [
        report(3, at=2, where=east(8.0), text="tirs à Kalau maintenant"),
        report(4, at=3, where=east(8.3), method="place_name", text="Kalau imevamiwa"),
    ]
    coarse = report(5, at=4, where=east(4.0), method=between, text="venez vite svp on tire")
    later = [
        report(6, at=5, where=east(8.1), text="watu wanakimbia Kalau"),
        report(7, at=6, where=east(0.2), text="Mavivi bado risasi"),
    ]
    before, _ = replay([*west_attack, *east_attack])
    after, decisions = replay([*west_attack, *east_attack, coarse])
    assert len(after) == 2
    assert decisions[4].action == "join"
    assert decisions[4].reason == "ambiguous-coarse"
    for incident_id, incident in after.items():
        assert (incident.point, incident.radius_m) == (
            before[incident_id].point,
            before[incident_id].radius_m,
        )
    incidents, decisions = replay([*west_attack, *east_attack, coarse, *later])
    assert len(incidents) == 2
    # Later precise reports still go to their own attack, whichever took the coarse one.
    assert decisions[5].incident_id == 2
    assert decisions[6].incident_id == 1


def test_a_coarse_report_follows_the_sender_who_reported_before() -> None:
    reports = [
        report(1, where=MAVIVI),
        report(2, at=1, where=east(8.0), text="tirs à Kalau"),
        report(3, at=2, where=east(6.0), method="sender_place", sender=40, text="on tire"),
        report(4, at=3, where=east(4.5), method="sender_place", sender=40, text="encore"),
    ]
    _, decisions = replay(reports)
    assert decisions[3].incident_id == decisions[2].incident_id == 2
    chosen = next(c for c in decisions[3].considered if c.incident_id == 2)
    assert "sender reported it before" in chosen.note


@pytest.mark.parametrize(
    ("first", "second", "minutes_later", "rules", "action", "note"),
    [
        ("attack", "killing", 30, RULES, "join", ""),
        ("attack", "displacement", 20 * 60, RULES, "join", ""),  # flight follows violence
        ("attack", "displacement", 2 * 24 * 60, RULES, "new", "outside window"),
        ("attack", "attack", 7 * 60, RULES, "new", "outside window"),  # window 6 h
        ("armed_men_sighted", "armed_men_sighted", 4 * 60, RULES, "new", "outside window"),
        ("armed_men_sighted", "armed_men_sighted", 2 * 60, RULES, "join", ""),
        ("attack", "unknown", 60, RULES, "join", ""),  # "other": says nothing against
        (
            "attack",
            "displacement",
            60,
            CorrelationRules.from_mapping({"compatible": {"attack": ["killing"]}}),
            "new",
            "threats incompatible",
        ),
    ],
)
def test_time_window_and_threat_compatibility(
    first: str,
    second: str,
    minutes_later: int,
    rules: CorrelationRules,
    action: str,
    note: str,
) -> None:
    incident = new_incident_view(1, report(1, threat=first))
    later = report(2, at=minutes_later, where=east(0.3), threat=second)
    decision = decide(later, [incident], rules)
    assert decision.action == action
    assert note in decision.considered[0].note


def test_a_moving_attack_chains_along_its_track() -> None:
    # A typed position at the start, then villages named every 3 km, every 20 minutes.
    reports = [report(1, where=MAVIVI, text="Attaque à Mavivi")]
    reports += [
        report(i + 1, at=20 * i, where=east(3.0 * i), method="place_name", text=f"ADF village {i}")
        for i in range(1, 6)
    ]
    incidents, decisions = replay(reports)
    assert len(incidents) == 1
    assert [d.reason for d in decisions[2:]] == ["track"] * 4
    (incident,) = incidents.values()
    assert incident.point == MAVIVI  # the sharpest location stays the best one
    assert len(incident.track) == 6


def test_exact_positions_3_km_apart_are_two_attacks() -> None:
    incidents, decisions = replay([report(1), report(2, at=5, where=east(3.0))])
    assert len(incidents) == 2
    assert decisions[1].reason == "no-match"
    assert decisions[1].considered[0].note == "no overlap"


def test_neighbouring_villages_at_the_edge_need_the_same_words() -> None:
    # Two named villages 5 km apart overlap only at the edges of their 3 km radii.
    first = report(1, where=MAVIVI, method="place_name", text="Attaque à Mavivi")
    other = report(2, at=3, where=east(5.0), method="place_name", text="Attaque à Kalau")
    same = report(3, at=3, where=east(5.0), method="place_name", text="attaque mavivi ADF")
    incident = new_incident_view(1, first)
    assert decide(other, [incident], RULES).action == "new"
    assert "texts unlike: refused" in decide(other, [incident], RULES).considered[0].note
    assert decide(same, [incident], RULES).action == "join"


@pytest.mark.parametrize(
    ("minutes_after_close", "action", "reopen", "continuation_of"),
    [
        (-10, "join", True, None),  # sent before the close, arrived after
        (30, "join", True, None),
        (60, "join", True, None),
        (90, "continuation", False, 1),
    ],
)
def test_closed_incidents_reopen_then_continue(
    minutes_after_close: int, action: str, reopen: bool, continuation_of: int | None
) -> None:
    closed_at = T0 + timedelta(minutes=120)
    incident = replace(new_incident_view(1, report(1)), closed_at=closed_at)
    later = report(2, at=120 + minutes_after_close, where=east(0.2))
    decision = decide(later, [incident], RULES)
    assert (decision.action, decision.reopen, decision.continuation_of) == (
        action,
        reopen,
        continuation_of,
    )
    assert decision.incident_id == (1 if action == "join" else None)


def test_an_open_incident_is_preferred_to_continuing_a_closed_one() -> None:
    closed = replace(new_incident_view(1, report(1)), closed_at=T0 + timedelta(minutes=10))
    still_open = new_incident_view(2, report(2, at=100, where=east(0.5)))
    decision = decide(report(3, at=120, where=east(0.3)), [closed, still_open], RULES)
    assert (decision.action, decision.incident_id) == ("join", 2)


def test_an_unlocated_report_is_its_own_incident() -> None:
    incident = new_incident_view(1, report(1))
    decision = decide(report(2, at=1, where=None, text="Attaque à Mavivi"), [incident], RULES)
    assert (decision.action, decision.reason, decision.considered) == ("new", "unlocated", ())


def test_an_unlocated_incident_attracts_no_located_report() -> None:
    triage = new_incident_view(1, report(1, where=None))
    decision = decide(report(2, at=1), [triage], RULES)
    assert decision.action == "new"
    assert decision.considered[0].note == "incident unlocated"


def test_no_candidates() -> None:
    decision = decide(report(1), [], RULES)
    assert (decision.action, decision.reason, decision.incident_id) == ("new", "no-candidate", None)


def test_the_decision_record_is_json_ready() -> None:
    incident = new_incident_view(7, report(1))
    record = decide(report(2, at=1, where=east(0.4)), [incident], RULES).as_record()
    assert json.loads(json.dumps(record)) == record
    assert record["action"] == "join" and record["incident_id"] == 7
    considered = record["considered"]
    assert isinstance(considered, list) and considered[0]["distance_m"] == 400
