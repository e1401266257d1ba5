from dataclasses import replace
from datetime import timedelta

from alerts.correlation.domain.decide import absorb, new_incident_view
from alerts.correlation.domain.memory_index import CellTimeIndex

from .reports import RULES, T0, east, report


def ids(index: CellTimeIndex, minutes: float, km: float, method: str = "coordinates") -> list[int]:
    return [i.id for i in index.candidates(report(99, at=minutes, where=east(km), method=method))]


def test_finds_incidents_within_reach_and_window_only() -> None:
    index = CellTimeIndex(RULES)
    index.put(new_incident_view(1, report(1)))
    index.put(new_incident_view(2, report(2, where=east(60.0))))
    assert ids(index, 10, 0.5) == [1]
    assert ids(index, 10, 60.5) == [2]
    assert ids(index, 10, 30.0, "sender_place") == [1, 2]  # 10 km + 25 km reach
    assert ids(index, 25 * 60, 0.5) == []  # beyond the longest window


def test_an_unlocated_report_has_no_candidates() -> None:
    index = CellTimeIndex(RULES)
    index.put(new_incident_view(1, report(1)))
    assert index.candidates(report(2, where=None)) == []


def test_put_replaces_and_refiles_under_the_current_track() -> None:
    index = CellTimeIndex(RULES)
    incident = new_incident_view(1, report(1))
    for i in range(2, 12):  # the attack moves 3 km east every 20 minutes
        incident = absorb(incident, report(i, at=20 * i, where=east(3.0 * i)), RULES)
        index.put(incident)
    assert len(index) == 1
    assert ids(index, 240, 33.0) == [1]
    # The start of the road left the track: nothing is filed there any more.
    assert ids(index, 240, -30.0) == []


def test_closed_incidents_stay_findable_for_their_continuation_horizon() -> None:
    index = CellTimeIndex(RULES)
    closed = replace(new_incident_view(1, report(1)), closed_at=T0 + timedelta(hours=1))
    index.put(closed)
    assert ids(index, 60 * 20, 0.1) == [1]
    assert ids(index, 60 * 26, 0.1) == []


def test_eviction_drops_idle_incidents_and_their_cells() -> None:
    index = CellTimeIndex(RULES)
    index.put(new_incident_view(1, report(1)))
    index.put(new_incident_view(2, report(2, at=90, where=east(1.0))))
    assert index.evict_before(T0 + timedelta(minutes=30)) == 1
    assert len(index) == 1
    assert ids(index, 100, 0.0) == [2]
    assert index.evict_before(T0 + timedelta(minutes=90)) == 0  # active at the moment: kept
    assert index.evict_before(T0 + timedelta(days=2)) == 1
    assert len(index) == 0
    assert index._by_cell == {} and index._by_hour == {}  # memory stays flat


def test_get_returns_the_incident_as_last_put_until_evicted() -> None:
    index = CellTimeIndex(RULES)
    first = new_incident_view(1, report(1))
    index.put(first)
    later = absorb(first, report(2, at=5, where=east(0.3)), RULES)
    index.put(later)
    assert index.get(1) == later
    assert index.get(2) is None
    index.evict_before(T0 + timedelta(days=2))
    assert index.get(1) is None
