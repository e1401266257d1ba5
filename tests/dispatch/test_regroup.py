"""Merging and splitting incidents keeps every order alive: moved orders keep their
deadlines and escalate on silence, a split-off incident is routed and seen."""

from __future__ import annotations

from sqlalchemy import select

from alerts.console import operator
from alerts.console.domain.scope import Scope
from alerts.console.queue_view import queue_rows
from alerts.core.context import ServiceContext
from alerts.core.db.session import write_transaction
from alerts.correlation.models import Incident
from alerts.dispatch.models import Deadline, Tasking
from alerts.registry.models import OperatingBase, Unit
from alerts.timeline.models import Event
from tests.dispatch.helpers import (
    BENI_COMMANDER,
    QRF_BUTEMBO,
    attack_at_mavivi,
    kinds,
    reply,
    sms_to,
    taskings,
)
from tests.live import (
    FOCAL_POINT_KIWANJA,
    FOCAL_POINT_MAVIVI,
    QRF_BENI_ALTERNATE,
    QRF_BENI_PRIMARY,
    LiveSystem,
)
from workers.context import WorkerSetup

ACK_TIMEOUT_S = 300
OFFICER = "user:joc-officer-1"
GRAND_NORD_OFFICER = Scope("joc_officer", "MONUSCO", "Grand Nord")


def services(system: LiveSystem) -> ServiceContext:
    return WorkerSetup(system.settings, clock=system.clock).services()


def act(system: LiveSystem, action: object, **kwargs: object) -> object:
    with write_transaction(system.factory) as session:
        result = action(session, services(system), **kwargs)  # type: ignore[operator]
        if isinstance(result, Incident | Event):
            result = result.id
    system.sweep()
    system.run_workers()
    return result


def incident(system: LiveSystem, incident_id: int) -> Incident:
    with system.factory() as session:
        found = session.get(Incident, incident_id)
    assert found is not None
    return found


def newest_incident(system: LiveSystem) -> Incident:
    with system.factory() as session:
        return session.scalars(select(Incident).order_by(Incident.id.desc())).first()  # type: ignore[return-value]


def sighting_at_kiwanja(system: LiveSystem) -> Incident:
    """A sighting: routed to Goma, waiting for a JOC officer to verify it; nobody tasked."""
    system.text(FOCAL_POINT_KIWANJA, "Hommes armes vus a -1.2167, 29.4500")
    system.run_workers()
    found = newest_incident(system)
    assert found.status == "to_verify"
    return found


def tasked_for(system: LiveSystem, incident_id: int) -> list[tuple[str, str]]:
    with system.factory() as session:
        rows = session.execute(
            select(Unit.callsign, Tasking.status)
            .join(Unit, Unit.id == Tasking.unit_id)
            .where(Tasking.incident_id == incident_id)
            .order_by(Tasking.id)
        ).all()
    return [(r.callsign, r.status) for r in rows]


def pending_deadlines(system: LiveSystem) -> list[tuple[int, str]]:
    with system.factory() as session:
        rows = session.execute(
            select(Deadline.incident_id, Deadline.kind).where(Deadline.status == "pending")
        ).all()
    return sorted((r.incident_id, r.kind) for r in rows)


def unit_status(system: LiveSystem, callsign: str) -> str:
    with system.factory() as session:
        return session.scalars(select(Unit.status).where(Unit.callsign == callsign)).one()


def test_a_merged_order_keeps_its_deadline_and_escalates_on_the_survivor(
    system: LiveSystem,
) -> None:
    tasked = attack_at_mavivi(system)
    survivor = sighting_at_kiwanja(system)
    merge_id = act(system, operator.merge, survivor_id=survivor.id, absorbed_id=tasked.id,
                   actor=OFFICER, reason="one column seen at both places")  # fmt: skip

    assert tasked_for(system, survivor.id) == [("QRF-BENI", "pending")]
    assert pending_deadlines(system) == [(survivor.id, "ack")]
    assert incident(system, survivor.id).status == "tasked"
    assert unit_status(system, "QRF-BENI") == "tasked"
    with system.factory() as session:
        moved = session.scalars(select(Event).where(Event.kind == "tasking.moved")).one()
    assert moved.actor == OFFICER and moved.incident_id == survivor.id
    assert moved.data | {"escalation": None} == {
        "unit": "QRF-BENI", "from": tasked.id, "from_ref": tasked.ref, "to": survivor.id,
        "to_ref": survivor.ref, "status": "pending", "deadlines": ["ack"],
        "operation": merge_id, "escalation": None,
    }  # fmt: skip

    system.pass_time(ACK_TIMEOUT_S + 1)  # the unit stays silent
    assert f"TASKING REF {survivor.ref}" in sms_to(system, QRF_BENI_ALTERNATE)[0]
    assert "no ACK from QRF-BENI" in sms_to(system, BENI_COMMANDER)[0]
    assert kinds(system, survivor.id, {"tasking.deadline_missed", "escalation.step"}) == [
        "tasking.deadline_missed",
        "escalation.step",
    ]
    # The unit answers with the reference its first order gave: it still finds the order.
    reply(system, QRF_BENI_PRIMARY, f"ACK {tasked.ref}")
    assert tasked_for(system, survivor.id) == [("QRF-BENI", "acknowledged")]
    assert pending_deadlines(system) == [(survivor.id, "depart")]


def test_merging_two_tasked_incidents_keeps_both_orders_on_one_chain(system: LiveSystem) -> None:
    beni = attack_at_mavivi(system)
    system.text("+243990000003", "attaque 0.1417, 29.2917")
    system.run_workers()
    butembo = newest_incident(system)
    assert taskings(system) == [("QRF-BENI", "pending"), ("QRF-BUTEMBO", "pending")]
    system.pass_time(ACK_TIMEOUT_S + 1)  # both silent: each order resent, rung 1 used
    act(system, operator.merge, survivor_id=beni.id, absorbed_id=butembo.id, actor=OFFICER,
        reason="the same attackers")  # fmt: skip

    merged = incident(system, beni.id)
    assert tasked_for(system, beni.id) == [("QRF-BENI", "pending"), ("QRF-BUTEMBO", "pending")]
    assert (merged.status, merged.escalation_step, merged.escalation_uses) == ("tasked", 0, 1)
    assert pending_deadlines(system) == [(beni.id, "ack"), (beni.id, "ack")]
    # Butembo answers its own order: the response is in hand, the silent backup stands down.
    reply(system, QRF_BUTEMBO, f"ACK {butembo.ref}")
    assert tasked_for(system, beni.id) == [
        ("QRF-BENI", "cancelled"),
        ("QRF-BUTEMBO", "acknowledged"),
    ]
    assert (unit_status(system, "QRF-BENI"), unit_status(system, "QRF-BUTEMBO")) == (
        "ready",
        "tasked",
    )
    assert pending_deadlines(system) == [(beni.id, "depart")]


def test_undoing_a_merge_takes_the_order_back_and_none_is_lost(system: LiveSystem) -> None:
    tasked = attack_at_mavivi(system)
    survivor = sighting_at_kiwanja(system)
    merge_id = act(system, operator.merge, survivor_id=survivor.id, absorbed_id=tasked.id,
                   actor=OFFICER, reason="one column")  # fmt: skip
    act(system, operator.undo, event_id=merge_id, actor=OFFICER, reason="two groups after all")

    assert tasked_for(system, tasked.id) == [("QRF-BENI", "pending")]
    assert tasked_for(system, survivor.id) == []
    assert pending_deadlines(system) == [(tasked.id, "ack")]
    assert incident(system, tasked.id).status == "tasked"
    assert incident(system, survivor.id).status == "to_verify"  # routed again, as before
    # Each move is on the timeline of the incident the order went to.
    assert kinds(system, survivor.id, {"tasking.moved"}) == ["tasking.moved"]
    assert kinds(system, tasked.id, {"tasking.moved"}) == ["tasking.moved"]
    system.pass_time(ACK_TIMEOUT_S + 1)
    assert f"TASKING REF {tasked.ref}" in sms_to(system, QRF_BENI_ALTERNATE)[0]


def test_a_split_off_incident_takes_its_parent_s_scope_and_is_routed(system: LiveSystem) -> None:
    parent = attack_at_mavivi(system)
    system.text("+243990000002", "attaque ici 0.5450, 29.4640")
    system.run_workers()
    with system.factory() as session:
        reports = [r.id for r in session.get(Incident, parent.id).reports]  # type: ignore[union-attr]
    assert len(reports) == 2
    created_id = act(system, operator.split, incident_id=parent.id, report_ids=[reports[1]],
                     actor=OFFICER, reason="a second group, west of the road")  # fmt: skip

    created = incident(system, int(created_id))  # type: ignore[call-overload]
    with system.factory() as session:
        beni = session.scalars(select(OperatingBase).where(OperatingBase.key == "beni")).one()
        rows = queue_rows(session, GRAND_NORD_OFFICER, system.clock.now())
    assert (created.mission, created.sector, created.base_id) == ("MONUSCO", "Grand Nord", beni.id)
    assert created.id in [row.facts.incident_id for row in rows]
    # Tasked like any new attack: the nearest ready QRF, Beni's being out already.
    assert tasked_for(system, created.id) == [("QRF-BUTEMBO", "pending")]
    assert f"ACK {created.ref}" in sms_to(system, QRF_BUTEMBO)[0]
    assert tasked_for(system, parent.id) == [("QRF-BENI", "pending")]


def test_a_split_off_sighting_waits_for_verification(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_MAVIVI, "Hommes armes vus a 0.5447, 29.4639")
    system.text("+243990000002", "hommes armes ici 0.5450, 29.4640")
    system.run_workers()
    parent = newest_incident(system)
    with system.factory() as session:
        reports = [r.id for r in session.get(Incident, parent.id).reports]  # type: ignore[union-attr]
    created_id = act(system, operator.split, incident_id=parent.id, report_ids=[reports[1]],
                     actor=OFFICER, reason="another group")  # fmt: skip
    created = incident(system, int(created_id))  # type: ignore[call-overload]
    assert created.status == "to_verify" and created.route is not None
    assert taskings(system) == []


def test_undoing_a_split_carries_the_new_order_back(system: LiveSystem) -> None:
    parent = attack_at_mavivi(system)
    system.text("+243990000002", "attaque ici 0.5450, 29.4640")
    system.run_workers()
    with system.factory() as session:
        reports = [r.id for r in session.get(Incident, parent.id).reports]  # type: ignore[union-attr]
    created_id = act(system, operator.split, incident_id=parent.id, report_ids=[reports[1]],
                     actor=OFFICER, reason="a second group")  # fmt: skip
    with system.factory() as session:
        split_id = session.scalars(select(Event.id).where(Event.kind == "incident.split")).one()
    act(system, operator.undo, event_id=split_id, actor=OFFICER, reason="one group after all")

    assert tasked_for(system, parent.id) == [("QRF-BENI", "pending"), ("QRF-BUTEMBO", "pending")]
    assert tasked_for(system, int(created_id)) == []  # type: ignore[call-overload]
    assert pending_deadlines(system) == [(parent.id, "ack"), (parent.id, "ack")]


def test_an_order_merged_into_a_closed_incident_is_stood_down(system: LiveSystem) -> None:
    tasked = attack_at_mavivi(system)
    closed = sighting_at_kiwanja(system)
    act(system, operator.close, incident_id=closed.id, actor=OFFICER, outcomes=["patrol"])
    act(system, operator.merge, survivor_id=closed.id, absorbed_id=tasked.id, actor=OFFICER,
        reason="the same event, already dealt with")  # fmt: skip
    assert taskings(system) == [("QRF-BENI", "cancelled")]
    assert unit_status(system, "QRF-BENI") == "ready"
    assert "STAND DOWN" in sms_to(system, QRF_BENI_PRIMARY)[0]
    assert pending_deadlines(system) == []
