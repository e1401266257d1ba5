"""Which of several overlapping incidents a report joins.

Two neighbouring attacks, each placed by typed coordinates; reports between
them must go to the one their evidence fits best, not to the one an earlier
report happened to pick.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from alerts.correlation.domain.decide import absorb, decide, new_incident_view
from alerts.correlation.domain.model import IncidentView

from .reports import MAVIVI, RULES, T0, east, report


def attack(incident_id: int, km_east: float, *, informants: int = 3, minutes: float = 2.0,
           text: str = "Attaque, venez vite") -> IncidentView:  # fmt: skip
    """An attack placed by a typed position `km_east` of Mavivi, reported by
    `informants` people over the `minutes` before T0 + 5 min."""
    first = report(100 * incident_id, at=5 - minutes, where=east(km_east), text=text)
    return replace(
        new_incident_view(incident_id, first),
        informants=frozenset(100 * incident_id + i for i in range(informants)),
        last_report_at=T0 + timedelta(minutes=5),
    )


@pytest.mark.parametrize(
    ("village_km", "joins"),
    [
        (1.5, 1),  # nearer the first attack's typed position
        (2.2, 2),  # nearer the second's, though an earlier report of it joined the first
        (2.5, 2),
    ],
)
def test_a_named_village_goes_with_the_nearer_typed_position(village_km: float, joins: int) -> None:
    # The first report naming the village came before the second attack was known.
    # Both attacks' informants wrote the village's name: the texts are alike.
    first = absorb(
        attack(1, 0.0, text="tirs à Kalau 0.5447, 29.4639"),
        report(2, at=4, where=east(village_km), method="place_name", text="Attaque à Kalau"),
        RULES,
    )
    second = attack(2, 4.0, text="tirs près de Kalau 0.5447, 29.4998")
    again = report(3, at=6, where=east(village_km), method="place_name", text="ADF à Kalau")
    decision = decide(again, [first, second], RULES)
    assert (decision.action, decision.incident_id) == ("join", joins)


def test_an_overlap_with_typed_positions_beats_one_along_a_track_of_villages() -> None:
    # The first attack moved east through villages named at 3 and 6 km; its
    # typed position stayed at Mavivi. The second attack was typed at 9.5 km.
    moving = attack(1, 0.0)
    for i, km in enumerate((3.0, 6.0), start=1):
        named = report(10 + i, at=5, where=east(km), method="place_name", text=f"ADF village {i}")
        moving = absorb(moving, named, RULES)
    typed = attack(2, 9.5)
    between = report(20, at=6, where=east(7.0), method="place_name", text="Attaque à Kalau")
    decision = decide(between, [moving, typed], RULES)
    assert (decision.action, decision.incident_id) == ("join", 2)
    on_track = next(c for c in decision.considered if c.incident_id == 1)
    assert on_track.overlaps and "beyond its sharper points" in on_track.note
    # Alone, the moving attack still takes it: its track is followed.
    assert decide(between, [moving], RULES).incident_id == 1


@pytest.mark.parametrize(
    ("method", "home_km", "west_informants", "east_informants", "joins"),
    [
        ("sender_place", 3.0, 3, 3, 1),  # equally busy: the nearer
        ("sender_place", 5.0, 3, 3, 2),
        ("sender_place", 4.0, 3, 6, 2),  # halfway: the busier
        ("sender_place", 3.0, 3, 6, 2),  # 1 km nearer the quieter: the busier still
        ("sender_place", 1.0, 3, 12, 1),  # far nearer the quieter: the nearer
        ("relay_base", 2.0, 3, 6, 2),  # a relay base says little about where: the busier
        ("relay_base", 2.0, 6, 3, 1),
    ],
)
def test_a_coarse_report_between_attacks_joins_the_likeliest(
    method: str, home_km: float, west_informants: int, east_informants: int, joins: int
) -> None:
    west = attack(1, 0.0, informants=west_informants)
    east_attack = attack(2, 8.0, informants=east_informants)
    coarse = report(5, at=5.5, where=east(home_km), method=method, text="on tire, venez vite")
    decision = decide(coarse, [west, east_attack], RULES)
    assert (decision.action, decision.reason, decision.incident_id) == (
        "join",
        "ambiguous-coarse",
        joins,
    )
    chosen = next(c for c in decision.considered if c.incident_id == joins)
    assert "chosen: likeliest by reporting rate and distance" in chosen.note


def test_a_busy_start_is_not_mistaken_for_a_high_rate() -> None:
    # Just opened by one informant: counted over at least 30 s, not over 1 s.
    west = attack(1, 0.0, informants=6, minutes=2.0)
    just_opened = replace(attack(2, 8.0, informants=1), first_report_at=T0 + timedelta(minutes=5))
    coarse = report(5, at=5 + 1 / 60, where=east(4.2), method="sender_place", text="on tire")
    assert decide(coarse, [west, just_opened], RULES).incident_id == 1


def test_a_shared_word_does_not_pull_a_coarse_report_to_the_quieter_attack() -> None:
    # "saidu" is an alert word no stop list holds; sharing it proves nothing.
    west = absorb(attack(1, 0.0), report(7, at=4, where=MAVIVI, text="saidu 0.5447"), RULES)
    east_attack = attack(2, 8.0, informants=6)
    coarse = report(5, at=5.5, where=east(4.5), method="sender_place", text="saidu saidu")
    assert decide(coarse, [west, east_attack], RULES).incident_id == 2
