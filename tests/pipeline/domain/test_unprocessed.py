"""When an unhandled message is queued again, and when it is stuck."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alerts.pipeline.domain.unprocessed import Step, next_step

NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)
AFTER = timedelta(minutes=5)


@pytest.mark.parametrize(
    ("waited", "requeues", "step"),
    [
        (timedelta(minutes=4, seconds=59), 0, "wait"),  # the queue may still have it
        (timedelta(minutes=5), 0, "requeue"),
        (timedelta(hours=2), 2, "requeue"),
        (timedelta(minutes=4), 3, "wait"),  # the last re-queue gets its full bound
        (timedelta(minutes=5), 3, "stuck"),
        (timedelta(days=1), 7, "stuck"),
    ],
)
def test_next_step(waited: timedelta, requeues: int, step: Step) -> None:
    assert next_step(NOW - waited, requeues, NOW, AFTER, max_attempts=3) == step


def test_no_attempts_allowed_means_stuck_at_the_first_lapse() -> None:
    assert next_step(NOW - AFTER, 0, NOW, AFTER, max_attempts=0) == "stuck"
