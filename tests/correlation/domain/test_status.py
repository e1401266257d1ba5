"""An incident's status moves that do not depend on its taskings."""

from __future__ import annotations

import pytest

from alerts.core.domain.geo import UNLOCATED, Location, Point
from alerts.correlation.domain.status import (
    FINAL,
    FINISHED,
    IncidentStatus,
    Standing,
    TriageReason,
    moved_by_report,
    opened,
    placed_by_officer,
    verified,
)

S, R = IncidentStatus, TriageReason
HERE = Location(point=Point(0.5447, 29.4639), radius_m=100.0, method="coordinates", confidence=1)
EITHER = Location(HERE.point, 5000.0, "gazetteer", 0.5, ambiguous=True)


@pytest.mark.parametrize(
    ("location", "standing"),
    [
        (HERE, Standing(S.OPEN, None)),
        (UNLOCATED, Standing(S.TRIAGE, R.UNLOCATED)),
        (EITHER, Standing(S.TRIAGE, R.AMBIGUOUS)),
    ],
)
def test_opened(location: Location, standing: Standing) -> None:
    assert opened(location) == standing


@pytest.mark.parametrize(
    ("status", "after"),
    [(S.TO_VERIFY, S.OPEN), (S.OPEN, S.OPEN), (S.TASKED, S.TASKED), (S.TRIAGE, S.TRIAGE)],
)
def test_verified(status: IncidentStatus, after: IncidentStatus) -> None:
    assert verified(status) == after


@pytest.mark.parametrize(
    ("before", "ambiguous", "after"),
    [
        (Standing(S.TRIAGE, R.UNLOCATED), False, Standing(S.OPEN, None)),
        (Standing(S.TRIAGE, R.NO_UNIT), False, Standing(S.OPEN, None)),  # routing tries again
        (Standing(S.TRIAGE, R.UNLOCATED), True, Standing(S.TRIAGE, R.UNLOCATED)),
        (Standing(S.TASKED, None), False, Standing(S.TASKED, None)),
    ],
)
def test_moved_by_report(before: Standing, ambiguous: bool, after: Standing) -> None:
    assert moved_by_report(before, ambiguous=ambiguous) == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Standing(S.TRIAGE, R.AMBIGUOUS), Standing(S.OPEN, None)),
        (Standing(S.TRIAGE, R.UNLOCATED), Standing(S.OPEN, None)),
        (Standing(S.TASKED, R.AMBIGUOUS), Standing(S.TASKED, None)),
        (Standing(S.TRIAGE, R.NO_UNIT), Standing(S.TRIAGE, R.NO_UNIT)),  # still wants a unit
        (Standing(S.TRIAGE, R.ESCALATED), Standing(S.TRIAGE, R.ESCALATED)),
    ],
)
def test_placed_by_officer(before: Standing, after: Standing) -> None:
    assert placed_by_officer(before) == after


def test_a_responded_incident_is_finished_but_not_final() -> None:
    assert FINAL < FINISHED
    assert {S.RESPONDED} == FINISHED - FINAL


def test_statuses_are_the_strings_already_stored() -> None:
    # The database and the event log hold these spellings: renaming one breaks both.
    assert [s.value for s in S] == [
        "triage", "to_verify", "open", "tasked", "acknowledged", "responding", "on_scene",
        "responded", "declined", "closed", "merged", "false_alarm",
    ]  # fmt: skip
    assert [r.value for r in R] == ["unlocated", "ambiguous", "escalated", "no_unit"]
