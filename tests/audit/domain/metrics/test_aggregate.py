from __future__ import annotations

from alerts.audit.domain.metrics.aggregate import UNKNOWN, group_by
from alerts.audit.domain.metrics.stages import IncidentTimes, incident_times
from tests.audit.domain.metrics.scenario import Timeline


def three_incidents() -> dict[int, IncidentTimes]:
    t = Timeline()
    for n, (incident, tasked_after) in enumerate([(10, 2.0), (11, 4.0), (12, None)], start=1):
        t.alert(n * 100, message=n, report=n, incident=incident)
        if tasked_after is not None:
            t.add(n * 100 + tasked_after, "tasking.created", incident * 10, incident, unit_id=7)
    return incident_times(t.entries)


def test_groups_count_and_share_reaching_each_stage() -> None:
    times = three_incidents()
    missions = {10: "MONUSCO", 11: "MONUSCO", 12: None}
    groups = group_by(
        times.values(), lambda t, d: missions[t.incident_id], dimensions=("mission",)
    )["mission"]
    assert [(g.value, g.incidents) for g in groups] == [("MONUSCO", 2), (UNKNOWN, 1)]
    tasked = groups[0].stages["tasked"]
    assert (tasked.reached, tasked.share, tasked.p50, tasked.p90) == (2, 1.0, 120.0, 240.0)
    assert groups[1].stages["tasked"].reached == 0
    assert groups[1].stages["tasked"].p50 is None
