"""A JOC officer's actions through the service API: each an event with its actor."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from alerts.console import operator
from alerts.core.context import ServiceContext
from alerts.core.db.session import write_transaction
from alerts.correlation.models import Incident
from alerts.registry.models import Unit
from alerts.timeline.models import Event
from tests.dispatch.helpers import attack_at_mavivi, kinds, sms_to, taskings
from tests.live import QRF_BENI_PRIMARY, QRF_GOMA, LiveSystem, wait_until
from workers.context import WorkerSetup

OFFICER = "user:joc-officer-1"


def services(system: LiveSystem) -> ServiceContext:
    return WorkerSetup(system.settings, clock=system.clock).services()


def unit_id(system: LiveSystem, callsign: str) -> int:
    with system.factory() as session:
        return session.scalars(select(Unit.id).where(Unit.callsign == callsign)).one()


def act(system: LiveSystem, action: object, *args: object, **kwargs: object) -> object:
    with write_transaction(system.factory) as session:
        result = action(session, services(system), *args, **kwargs)  # type: ignore[operator]
    system.sweep()
    system.run_workers()
    return result


def test_overriding_routing_needs_a_reason_and_says_who_and_why(system: LiveSystem) -> None:
    incident = attack_at_mavivi(system)
    goma = unit_id(system, "QRF-GOMA")  # routing would pick Butembo, nearer, next
    with pytest.raises(operator.OperationRefused, match="re-task"):
        act(system, operator.task_unit, incident.id, goma, actor=OFFICER)
    with pytest.raises(operator.OperationRefused, match="give a reason to override routing"):
        act(system, operator.task_unit, incident.id, goma, actor=OFFICER, replace_open=True)

    act(system, operator.task_unit, incident.id, goma, actor=OFFICER,
        reason="Goma's QRF has the helicopter today", replace_open=True)  # fmt: skip
    assert taskings(system) == [("QRF-BENI", "cancelled"), ("QRF-GOMA", "pending")]
    assert "STAND DOWN" in sms_to(system, QRF_BENI_PRIMARY)[0]
    assert f"ACK {incident.ref}" in sms_to(system, QRF_GOMA)[0]
    with system.factory() as session:
        created = session.scalars(
            select(Event).where(Event.kind == "tasking.created").order_by(Event.id.desc())
        ).first()
    assert created is not None and created.actor == OFFICER
    assert created.data["override_reason"] == "Goma's QRF has the helicopter today"


def test_a_false_alarm_stands_units_down_and_stops_every_deadline(system: LiveSystem) -> None:
    incident = attack_at_mavivi(system)
    with pytest.raises(operator.OperationRefused, match="give a reason"):
        act(system, operator.mark_false_alarm, incident.id, actor=OFFICER, reason="")
    act(system, operator.mark_false_alarm, incident.id, actor=OFFICER,
        reason="CLA called back: a wedding, shots in the air")  # fmt: skip
    system.pass_time(3600)
    assert taskings(system) == [("QRF-BENI", "cancelled")]
    with system.factory() as session:
        assert session.get(Incident, incident.id).status == "false_alarm"  # type: ignore[union-attr]
        beni = session.scalars(select(Unit).where(Unit.callsign == "QRF-BENI")).one()
        assert beni.status == "ready"
    assert "tasking.deadline_missed" not in kinds(system, incident.id)


def test_closing_records_the_combined_outcomes_and_refuses_nonsense(system: LiveSystem) -> None:
    incident = attack_at_mavivi(system)
    for bad, message in ((["patrol", "none"], "cannot be combined"), (["prayer"], "unknown")):
        with pytest.raises(operator.OperationRefused, match=message):
            act(system, operator.close, incident.id, actor=OFFICER, outcomes=bad)
    outcomes = ["political_engagement", "patrol"]
    act(system, operator.close, incident.id, actor=OFFICER, outcomes=outcomes, note="empty")
    with system.factory() as session:
        closed = session.scalars(select(Event).where(Event.kind == "incident.closed")).one()
    assert closed.data["outcome"] == ["patrol", "political_engagement"]
    assert closed.actor == OFFICER
    with pytest.raises(operator.OperationRefused, match="is closed"):
        act(system, operator.verify_incident, incident.id, actor=OFFICER)


def test_relocating_an_unlocated_alert_routes_it(system: LiveSystem) -> None:
    system.text("+243990005555", "Attaque! venez vite")
    system.run_workers()
    with system.factory() as session:
        incident = session.scalars(select(Incident)).one()
    assert incident.triage_reason == "unlocated"
    with pytest.raises(operator.OperationRefused, match="give a reason"):
        act(system, operator.relocate, incident.id, lat=0.5447, lon=29.4639, radius_m=500,
            actor=OFFICER, reason=None)  # fmt: skip
    act(system, operator.relocate, incident.id, lat=0.5447, lon=29.4639, radius_m=500,
        actor=OFFICER, reason="caller reached: Mavivi market")  # fmt: skip
    wait_until(lambda: taskings(system) == [("QRF-BENI", "pending")])
    relocated = [e for e in kinds(system, incident.id) if e == "incident.relocated"]
    assert relocated == ["incident.relocated"]


def test_an_officer_sets_a_unit_unavailable_and_routing_respects_it(system: LiveSystem) -> None:
    act(system, operator.set_unit_status, unit_id(system, "QRF-BENI"), "unavailable",
        actor=OFFICER, reason="vehicles in maintenance")  # fmt: skip
    attack_at_mavivi(system)
    assert taskings(system) == [("QRF-BUTEMBO", "pending")]
    with system.factory() as session:
        change = session.scalars(select(Event).where(Event.kind == "unit.status_changed")).first()
    assert change is not None and change.actor == OFFICER
    assert change.data["cause"] == "vehicles in maintenance"


def test_route_options_show_every_qrf_with_its_eta(system: LiveSystem) -> None:
    incident = attack_at_mavivi(system)
    with system.factory() as session:
        decision = operator.route_options(session, services(system), incident.id)
    units = {c.name: c for c in decision.candidates if c.kind == "unit"}
    assert set(units) == {"QRF-BENI", "QRF-OICHA", "QRF-BUTEMBO", "QRF-GOMA"}
    assert units["QRF-BENI"].note == "already tasked for this incident"
    assert units["QRF-OICHA"].note == "base closed"
    assert units["QRF-BUTEMBO"].eta_s is not None and units["QRF-GOMA"].eta_s is not None
    assert units["QRF-BUTEMBO"].eta_s < units["QRF-GOMA"].eta_s
