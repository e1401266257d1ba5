"""Stage times replayed from events: exact, missing where nothing happened."""

from __future__ import annotations

from datetime import timedelta

from alerts.audit.domain.metrics.stages import incident_times
from tests.audit.domain.metrics.scenario import T0, Timeline, at


def full_response() -> Timeline:
    t = Timeline()
    t.alert(0, message=1, report=1, incident=10)
    t.alert(3, message=2, report=2, incident=10, new=False)
    t.add(0.2, "incident.routed", 10, 10, base_id=5, unit_id=7)
    t.add(0.2, "tasking.created", 100, 10, unit_id=7, unit="QRF-1")
    t.add(4, "incident.verified", 10, 10)
    t.add(6, "tasking.acknowledged", 100, 10)
    t.add(15, "tasking.departed", 100, 10)
    t.add(45, "tasking.arrived", 100, 10)
    t.add(120, "incident.closed", 10, 10, outcome=["patrol"])
    return t


def test_every_stage_from_the_first_report() -> None:
    times = incident_times(full_response().entries)[10]
    assert times.first_report_at == T0 and times.first_report_source == "message"
    assert times.reports == 2
    expected = {
        "located": 6.0,
        "verified": 240.0,
        "tasked": 12.0,
        "acknowledged": 360.0,
        "departed": 900.0,
        "on_scene": 2700.0,
        "closed": 7200.0,
    }
    assert {s: times.seconds(s) for s in expected} == expected  # type: ignore[arg-type]
    assert (times.base_id, times.unit_id, times.closing_outcome) == (5, 7, ("patrol",))


def test_a_stage_that_never_happened_is_missing_not_zero() -> None:
    t = Timeline()
    t.alert(0, message=1, report=1, incident=10)
    t.add(1, "tasking.created", 100, 10, unit_id=7)
    times = incident_times(t.entries)[10]
    assert times.seconds("tasked") == 60.0
    for stage in ("verified", "acknowledged", "departed", "on_scene", "closed"):
        assert times.seconds(stage) is None  # type: ignore[arg-type]


def test_departure_without_ack_acknowledges_and_arrival_implies_departure() -> None:
    t = Timeline()
    t.alert(0, message=1, report=1, incident=10)
    t.add(1, "tasking.created", 100, 10, unit_id=7)
    t.add(30, "tasking.arrived", 100, 10)
    times = incident_times(t.entries)[10]
    assert times.seconds("acknowledged") == times.seconds("departed") == 1800.0
    assert times.seconds("on_scene") == 1800.0


def test_an_ambiguous_place_is_not_located_until_someone_chooses() -> None:
    t = Timeline()
    t.add(0, "message.received", 1)
    t.add(0.1, "alert.located", 1, message_id=1, ambiguous=True)
    t.add(0.1, "incident.opened", 10, 10, report_id=1)
    assert incident_times(t.entries)[10].seconds("located") is None
    t.add(20, "incident.relocated", 10, 10, lat=0.5, lon=29.4)
    assert incident_times(t.entries)[10].seconds("located") == 1200.0


def test_reopening_undoes_the_close() -> None:
    t = full_response()
    t.add(130, "incident.reopened", 10, 10, report_id=3)
    assert incident_times(t.entries)[10].seconds("closed") is None
    t.add(200, "incident.closed", 10, 10, outcome=["patrol", "evacuation_or_escort"])
    times = incident_times(t.entries)[10]
    assert times.seconds("closed") == 12000.0
    assert times.closing_outcome == ("patrol", "evacuation_or_escort")


def test_a_merge_counts_one_attack_once_from_its_earliest_report() -> None:
    t = Timeline()
    t.alert(0, message=1, report=1, incident=10)
    t.alert(2, message=2, report=2, incident=11)
    t.add(5, "tasking.created", 100, 11, unit_id=8)
    t.add(9, "incident.merged", 11, 10, into=10, absorbed=11, moved_reports=[2])
    times = incident_times(t.entries)
    assert set(times) == {10}
    assert times[10].reports == 2 and times[10].absorbed == (11,)
    assert times[10].seconds("tasked") == 300.0 and times[10].unit_id == 8
    # Undone: two incidents again, each with its own report and stages.
    t.add(12, "incident.merge_undone", 10, 11, undoes=99, moved_reports=[2])
    times = incident_times(t.entries)
    assert set(times) == {10, 11}
    assert times[11].first_report_at == at(2) and times[11].seconds("tasked") == 180.0
    assert times[10].seconds("tasked") is None


def test_a_split_off_incident_starts_at_its_own_first_report() -> None:
    t = Timeline()
    t.alert(0, message=1, report=1, incident=10)
    t.alert(4, message=2, report=2, incident=10, new=False)
    t.add(10, "incident.split", 10, 10, **{"from": 10}, new=12, moved_reports=[2])
    times = incident_times(t.entries)
    assert times[12].first_report_at == at(4) and times[12].reports == 1
    assert times[10].reports == 1


def test_entries_from_part_way_leave_out_incidents_that_began_earlier() -> None:
    t = Timeline()
    t.alert(0, message=1, report=1, incident=10)
    t.alert(60, message=2, report=2, incident=10, new=False)
    t.alert(61, message=3, report=3, incident=11)
    later = [e for e in t.entries if e.at >= T0 + timedelta(minutes=30)]
    times = incident_times(later, complete=False)
    assert set(times) == {11}
    # The whole timeline keeps it, from its true first report.
    assert incident_times(t.entries)[10].first_report_at == T0


def test_attack_end_and_response_actions_latest_statement_wins() -> None:
    t = full_response()
    t.add(50, "incident.attack_ended", 10, 10, ended_at=at(30).isoformat())
    t.add(55, "incident.attack_ended", 10, 10, ended_at=at(40).isoformat())
    t.add(
        56, "incident.response_action", 10, 10, action="political_engagement", at=at(20).isoformat()
    )
    times = incident_times(t.entries)[10]
    assert times.attack_ended_at == at(40)
    assert [(a.action, a.at) for a in times.actions] == [("political_engagement", at(20))]
