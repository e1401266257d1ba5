"""When a number may be erased: table-driven."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.pipeline.domain.retention import SenderActivity, Verdict, verdict

NOW = datetime(2026, 6, 1, tzinfo=UTC)
PERIOD = timedelta(days=90)


@pytest.mark.parametrize(
    ("registered", "silent_days", "open_incident", "expected"),
    [
        (False, 91, False, Verdict.ERASE),
        (False, 91, True, Verdict.KEEP_OPEN_INCIDENT),
        (False, 89, False, Verdict.KEEP),
        (True, 400, False, Verdict.KEEP),
        (True, 400, True, Verdict.KEEP),
    ],
)
def test_verdict(
    registered: bool, silent_days: int, open_incident: bool, expected: Verdict
) -> None:
    activity = SenderActivity(registered, NOW - timedelta(days=silent_days), open_incident)
    assert verdict(activity, NOW, PERIOD) is expected
