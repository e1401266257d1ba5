"""The reports read what the real pipeline writes: an SMS alert, a tasking, the unit's ACK,
ARR, and a NO that lands in the register."""

from __future__ import annotations

from datetime import timedelta

from alerts.audit.domain.periods import half_containing
from alerts.audit.reports.latency import build_latency
from alerts.audit.reports.model import ReportRequest
from alerts.audit.reports.noncompliance import build_noncompliance
from tests.dispatch.test_replies import reply, tasked_incident
from tests.live import QRF_BENI_PRIMARY, LiveSystem


def test_stage_times_of_a_real_alert(system: LiveSystem) -> None:
    received = system.clock.now()
    incident = tasked_incident(system)
    system.clock.advance(timedelta(minutes=4))
    reply(system, QRF_BENI_PRIMARY, f"ACK {incident.ref}")
    system.clock.advance(timedelta(minutes=30))
    reply(system, QRF_BENI_PRIMARY, f"ARR {incident.ref}")
    request = ReportRequest(period=half_containing(received.date()))
    with system.factory() as session:
        report = build_latency(session, request, system.clock.now())
    [row] = report.incidents
    assert row.ref == incident.ref and row.first_report_at == received
    assert row.seconds["located"] == 0.0 and row.seconds["tasked"] == 0.0
    assert row.seconds["acknowledged"] == 240.0
    assert row.seconds["departed"] == row.seconds["on_scene"] == 2040.0
    assert row.seconds["verified"] is None and row.seconds["closed"] is None
    assert row.unit == "QRF-BENI" and row.answered


def test_a_real_refusal_is_in_the_register(system: LiveSystem) -> None:
    incident = tasked_incident(system)
    system.clock.advance(timedelta(minutes=2))
    reply(system, QRF_BENI_PRIMARY, f"NO {incident.ref} national caveat")
    request = ReportRequest(period=half_containing(system.clock.now().date()))
    with system.factory() as session:
        report = build_noncompliance(session, request, system.clock.now())
    assert report.refusals == 1 and report.unattested == 0
    [row] = report.rows
    assert (row.unit, row.trigger, row.incident_ref) == ("QRF-BENI", "declined", incident.ref)
