"""Operators merge and split incidents; each is an event and can be undone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from alerts.core.db.session import write_transaction
from alerts.correlation import merge_split as incident_ops
from alerts.correlation.domain.rules import CorrelationRules
from alerts.correlation.merge_split import OperationRefused
from alerts.correlation.models import Incident, Report
from alerts.correlation.timeline import incident_timeline
from alerts.timeline.models import Event
from tests.live import LiveSystem

RULES = CorrelationRules.defaults()


def two_incidents(system: LiveSystem) -> tuple[int, int]:
    """Two attacks 40 km apart, two informants each."""
    system.text("+243990000001", "attaque 0.5447, 29.4639")
    system.text("+243990000002", "attaque ici 0.5450, 29.4640")
    system.text("+243990000003", "attaque 0.1417, 29.2917")
    system.text("+243990000004", "tirs 0.1420, 29.2920")
    system.run_workers()
    with system.factory() as session:
        ids = session.scalars(select(Incident.id).order_by(Incident.id)).all()
    assert len(ids) == 2
    return ids[0], ids[1]


def reports_of(system: LiveSystem, incident_id: int) -> list[int]:
    with system.factory() as session:
        return list(session.scalars(select(Report.id).where(Report.incident_id == incident_id)))


def test_merge_then_undo(system: LiveSystem) -> None:
    first, second = two_incidents(system)
    second_reports = reports_of(system, second)
    with write_transaction(system.factory) as session:
        merged = incident_ops.merge(
            session,
            system.clock.now(),
            RULES,
            survivor_id=first,
            absorbed_id=second,
            actor="joc:amina",
            reason="same ADF column",
        )
        event_id = merged.id
    assert len(reports_of(system, first)) == 4 and reports_of(system, second) == []
    with system.factory() as session:
        absorbed = session.get(Incident, second)
        survivor = session.get(Incident, first)
        assert absorbed is not None and survivor is not None
        assert (absorbed.status, absorbed.merged_into_id) == ("merged", first)
        assert survivor.informants == 4
        assert "incident.merged" in [e.kind for e in incident_timeline(session, second)]

    with write_transaction(system.factory) as session:
        incident_ops.undo(
            session,
            system.clock.now(),
            RULES,
            event_id=event_id,
            actor="joc:amina",
            reason="they were two groups",
        )
    assert sorted(reports_of(system, second)) == sorted(second_reports)
    with system.factory() as session:
        restored = session.get(Incident, second)
        assert restored is not None and restored.merged_into_id is None
        assert restored.status != "merged"
        undo = session.scalars(select(Event).where(Event.kind == "incident.merge_undone")).one()
        assert undo.actor == "joc:amina" and undo.data["undoes"] == event_id
    with (
        pytest.raises(OperationRefused, match="already undone"),
        write_transaction(system.factory) as session,
    ):
        incident_ops.undo(
            session, system.clock.now(), RULES, event_id=event_id, actor="x", reason="again"
        )


def test_split_then_undo(system: LiveSystem) -> None:
    first, _ = two_incidents(system)
    held = reports_of(system, first)
    with write_transaction(system.factory) as session:
        created = incident_ops.split(
            session,
            system.clock.now(),
            RULES,
            incident_id=first,
            report_ids=[held[1]],
            actor="joc:amina",
            reason="second report is another village",
        )
        created_id = created.id
    assert reports_of(system, created_id) == [held[1]]
    with system.factory() as session:
        split_event = session.scalars(select(Event).where(Event.kind == "incident.split")).one()
        event_id = split_event.id
    with write_transaction(system.factory) as session:
        incident_ops.undo(
            session,
            system.clock.now(),
            RULES,
            event_id=event_id,
            actor="joc:amina",
            reason="same village after all",
        )
    assert sorted(reports_of(system, first)) == sorted(held)
    with system.factory() as session:
        emptied = session.get(Incident, created_id)
        assert emptied is not None and emptied.merged_into_id == first


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ("self-merge", "cannot be merged into itself"),
        ("no-reason", "give a reason"),
        ("split-all", "at least one report behind"),
        ("split-foreign", "are not in this incident"),
    ],
)
def test_refusals_explain_themselves(system: LiveSystem, operation: str, message: str) -> None:
    first, second = two_incidents(system)
    now = system.clock.now()
    with (
        pytest.raises(OperationRefused, match=message),
        write_transaction(system.factory) as session,
    ):
        if operation == "self-merge":
            incident_ops.merge(
                session, now, RULES, survivor_id=first, absorbed_id=first, actor="a", reason="oops"
            )
        elif operation == "no-reason":
            incident_ops.merge(
                session, now, RULES, survivor_id=first, absorbed_id=second, actor="a", reason=" "
            )
        elif operation == "split-all":
            incident_ops.split(
                session,
                now,
                RULES,
                incident_id=first,
                report_ids=reports_of(system, first),
                actor="a",
                reason="why",
            )
        else:
            incident_ops.split(
                session,
                now,
                RULES,
                incident_id=first,
                report_ids=reports_of(system, second),
                actor="a",
                reason="why",
            )
