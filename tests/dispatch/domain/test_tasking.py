"""An incident's status follows all its taskings, not the last reply alone."""

from __future__ import annotations

import pytest

from alerts.dispatch.domain.tasking import incident_status


@pytest.mark.parametrize(
    ("current", "taskings", "status"),
    [
        ("tasked", ["pending"], "tasked"),
        ("tasked", ["declined", "pending"], "tasked"),  # the next unit holds it
        ("responding", ["departed", "declined"], "responding"),  # a NO undoes no departure
        ("acknowledged", ["acknowledged", "pending"], "acknowledged"),
        ("on_scene", ["arrived", "departed"], "on_scene"),
        ("responded", ["done", "cancelled"], "responded"),
        ("tasked", ["declined", "declined"], "declined"),
        ("tasked", ["lapsed"], "tasked"),  # the chain decides (triage when it ran out)
        ("merged", ["acknowledged"], "merged"),
        ("closed", ["pending"], "closed"),
    ],
)
def test_status(current: str, taskings: list[str], status: str) -> None:
    assert incident_status(current, taskings) == status
