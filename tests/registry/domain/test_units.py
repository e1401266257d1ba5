"""A unit's readiness after its last open tasking ends."""

from __future__ import annotations

import pytest

from alerts.registry.domain.units import UnitStatus, released

U = UnitStatus


@pytest.mark.parametrize(
    ("status", "after"),
    [
        (U.TASKED, U.READY),
        (U.DEPLOYED, U.READY),
        (U.READY, U.READY),
        (U.UNAVAILABLE, U.UNAVAILABLE),  # an operator took it out: it stays out
    ],
)
def test_released(status: UnitStatus, after: UnitStatus) -> None:
    assert released(status) == after
