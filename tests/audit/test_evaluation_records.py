"""Attack ends and response actions are statements in the timeline, with their actor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from alerts.audit.evaluation_records import RecordRefused, record_attack_end, record_response_action
from alerts.core.db.session import write_transaction
from tests.audit.scenario import Scenario, at


def test_recorded_with_actor_and_time(factory: sessionmaker[Session]) -> None:
    s = Scenario.create(factory)
    incident = s.incident(0, ref="AAAAA")
    with write_transaction(factory) as session:
        ended = record_attack_end(session, at(90), incident, at(45), "user:amina")
        action = record_response_action(
            session, at(91), incident, "political_engagement", at(20), "user:amina"
        )
    assert (ended.kind, ended.actor, ended.incident_id) == (
        "incident.attack_ended",
        "user:amina",
        incident,
    )
    assert ended.data == {"ended_at": at(45).isoformat()}
    assert action.data == {"action": "political_engagement", "at": at(20).isoformat()}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s, i: record_attack_end(s, at(10), i, at(11), "u"), "future"),
        (lambda s, i: record_attack_end(s, at(10), i, at(5).replace(tzinfo=None), "u"), "zone"),
        (lambda s, i: record_attack_end(s, at(10), i + 999, at(5), "u"), "no incident"),
        (lambda s, i: record_response_action(s, at(10), i, "prayer", at(5), "u"), "not a response"),
        (
            lambda s, i: record_response_action(s, at(10), i, "patrol", at(10) + timedelta(1), "u"),
            "future",
        ),
    ],
)
def test_refused_statements(factory: sessionmaker[Session], call, message: str) -> None:  # type: ignore[no-untyped-def]
    s = Scenario.create(factory)
    incident = s.incident(0, ref="AAAAA")
    with pytest.raises(RecordRefused, match=message), write_transaction(factory) as session:
        call(session, incident)
