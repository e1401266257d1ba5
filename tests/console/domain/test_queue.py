"""The live queue's order and what stands out."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from alerts.console.domain.queue import QueueFacts, flags_for, ordered, row_for

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def facts(incident_id: int = 1, **changes: object) -> QueueFacts:
    base = QueueFacts(
        incident_id=incident_id,
        ref=f"K{incident_id}",
        status="open",
        threat="attack",
        severity=3,
        informants=1,
        reports=1,
        first_report_at=NOW - timedelta(minutes=10),
        last_report_at=NOW - timedelta(minutes=10),
        place_name="Mavivi",
        sector=None,
        located=True,
        ambiguous=False,
        ack_due_at=None,
        overdue_deadlines=0,
        escalation_exhausted=False,
        last_action_at=None,
        verified=False,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_severity_first_then_oldest_first() -> None:
    rows = ordered(
        [
            facts(1, severity=2, first_report_at=NOW - timedelta(hours=2)),
            facts(2, severity=4, first_report_at=NOW - timedelta(minutes=1)),
            facts(3, severity=4, first_report_at=NOW - timedelta(minutes=30)),
        ],
        NOW,
    )
    assert [r.facts.incident_id for r in rows] == [3, 2, 1]


@pytest.mark.parametrize(
    ("changes", "flag"),
    [
        ({"ack_due_at": NOW + timedelta(minutes=3)}, "awaiting_ack"),
        ({"overdue_deadlines": 1}, "overdue_escalation"),
        ({"escalation_exhausted": True}, "overdue_escalation"),
        ({"ambiguous": True, "located": False}, "ambiguous_location"),
        ({"located": False}, "unlocated"),
        ({"first_report_at": NOW - timedelta(hours=5, minutes=1)}, "stale"),
    ],
)
def test_what_stands_out(changes: dict[str, object], flag: str) -> None:
    assert flag in flags_for(facts(**changes), NOW)


def test_an_action_keeps_an_old_incident_fresh() -> None:
    old = facts(first_report_at=NOW - timedelta(hours=8), last_action_at=NOW - timedelta(hours=1))
    assert "stale" not in flags_for(old, NOW)
    assert "stale" in flags_for(dataclasses.replace(old, last_action_at=None), NOW)


def test_nothing_stands_out_for_a_fresh_located_incident() -> None:
    assert flags_for(facts(), NOW) == ()


def test_countdown_to_escalation() -> None:
    assert row_for(facts(ack_due_at=NOW + timedelta(seconds=90)), NOW).ack_seconds_left == 90
    assert row_for(facts(ack_due_at=NOW - timedelta(seconds=5)), NOW).ack_seconds_left == -5
