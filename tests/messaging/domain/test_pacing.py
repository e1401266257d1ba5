from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alerts.messaging.domain.pacing import next_slot

NOW = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def test_an_idle_lane_sends_at_once() -> None:
    slot = next_slot(NOW, NOW - timedelta(minutes=5), 2, 1.0)
    assert (slot.send_at, slot.wait, slot.lane_free_at) == (
        NOW,
        timedelta(0),
        NOW + timedelta(seconds=2),
    )


def test_a_busy_lane_queues_one_segment_a_second() -> None:
    free = None
    for _ in range(10):
        slot = next_slot(NOW, free, 2, 1.0)
        free = slot.lane_free_at
    assert slot.wait == timedelta(seconds=18)
    assert free == NOW + timedelta(seconds=20)
