from datetime import timedelta

import pytest

from alerts.correlation.domain.decide import absorb, corroborated_severity, new_incident_view
from alerts.correlation.domain.model import TRACK_LENGTH

from .reports import MAVIVI, RULES, T0, east, report


@pytest.mark.parametrize(
    ("base", "informants", "severity"),
    [(3, 1, 3), (3, 2, 3), (3, 3, 4), (3, 5, 4), (3, 6, 5), (4, 6, 5), (1, 3, 2), (5, 9, 5)],
)
def test_corroboration_raises_severity(base: int, informants: int, severity: int) -> None:
    assert corroborated_severity(base, informants) == severity


def test_severity_follows_the_most_severe_text_and_the_informants() -> None:
    incident = new_incident_view(1, report(1, severity=4, threat="killing"))
    for i, sender in enumerate([2, 2, 3]):  # sender 2 twice: one informant
        incident = absorb(incident, report(10 + i, at=i, sender=sender, severity=2), RULES)
    # Three informants: the killing's 4, +1.
    assert (len(incident.informants), incident.severity, incident.threat) == (3, 5, "killing")


def test_the_most_severe_threat_wins_whatever_the_order() -> None:
    incident = new_incident_view(1, report(1, threat="armed_men_sighted", severity=2))
    incident = absorb(incident, report(2, threat="killing", severity=4), RULES)
    incident = absorb(incident, report(3, threat="looting", severity=2), RULES)
    assert incident.threat == "killing"
    assert incident.threats == frozenset({"armed_men_sighted", "killing", "looting"})


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        # A coarse report never moves or widens a precisely located incident.
        (("coordinates", 0.0), ("sender_place", 4.0), ("coordinates", 0.0)),
        (("place_name", 0.0), ("relay_base", 9.0), ("place_name", 0.0)),
        # A precise report sharpens a coarse one, and a sharper one a precise one.
        (("sender_place", 0.0), ("place_name", 3.0), ("place_name", 3.0)),
        (("place_name", 0.0), ("coordinates", 1.0), ("coordinates", 1.0)),
        # A vaguer precise report does not.
        (("coordinates", 0.0), ("place_name", 2.0), ("coordinates", 0.0)),
        # Among coarse locations, the sharper one.
        (("relay_base", 0.0), ("sender_place", 5.0), ("sender_place", 5.0)),
        (("sender_place", 0.0), ("relay_base", 5.0), ("sender_place", 0.0)),
        # An unlocated incident takes the first location it gets.
        (("unlocated", 0.0), ("sender_place", 5.0), ("sender_place", 5.0)),
    ],
)
def test_best_location(
    first: tuple[str, float], then: tuple[str, float], expected: tuple[str, float]
) -> None:
    incident = new_incident_view(1, report(1, method=first[0], where=east(first[1])))
    after = absorb(incident, report(2, at=5, method=then[0], where=east(then[1])), RULES)
    expected_report = report(3, method=expected[0], where=east(expected[1]))
    assert (after.point, after.radius_m) == (expected_report.point, expected_report.radius_m)


def test_an_unlocated_report_changes_no_place_but_counts() -> None:
    incident = new_incident_view(1, report(1))
    after = absorb(incident, report(2, at=3, where=None), RULES)
    assert (after.point, after.radius_m, after.track) == (MAVIVI, 100.0, incident.track)
    assert after.informants == {1, 2}
    assert after.last_report_at == T0 + timedelta(minutes=3)


def test_track_and_texts_keep_the_latest() -> None:
    incident = new_incident_view(1, report(1, text="t1"))
    for i in range(2, 13):
        incident = absorb(incident, report(i, at=i, where=east(i / 10), text=f"t{i}"), RULES)
    assert len(incident.track) == TRACK_LENGTH
    assert incident.track[-1].at == T0 + timedelta(minutes=12)
    assert incident.texts == ("t8", "t9", "t10", "t11", "t12")


def test_a_late_report_keeps_times_and_track_in_order() -> None:
    incident = new_incident_view(1, report(1, at=10))
    incident = absorb(incident, report(2, at=20, where=east(0.5)), RULES)
    incident = absorb(incident, report(3, at=5, where=east(0.2), method="sender_place"), RULES)
    assert incident.first_report_at == T0 + timedelta(minutes=5)
    assert incident.last_report_at == T0 + timedelta(minutes=20)
    assert [p.at for p in incident.track] == sorted(p.at for p in incident.track)
    assert [p.precise for p in incident.track] == [False, True, True]


def test_unknown_threat_is_other() -> None:
    incident = new_incident_view(1, report(1, threat="unknown", severity=1))
    assert (incident.threat, incident.threats) == ("other", frozenset({"other"}))
