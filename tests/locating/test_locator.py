"""Alerts located from what people write, through the pipeline and real workers."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from alerts import pipeline
from alerts.correlation.models import Incident, Report
from alerts.dispatch.models import Tasking
from alerts.intake.models import InboundMessage
from alerts.locating.geocoder import HttpGeocoder
from alerts.locating.locator import Locator, PlaceIndexCache
from tests.fakes import FakeNominatim
from tests.live import FOCAL_POINT_KIWANJA, QRF_BENI_PRIMARY, LiveSystem, wait_until
from workers.context import WorkerSetup

STRANGER = "+243990001234"
CLA_BENI = "+243970000003"


def report_and_incident(system: LiveSystem) -> tuple[Report, Incident]:
    with system.factory() as session:
        report = session.scalars(select(Report)).one()
        incident = session.get(Incident, report.incident_id)
        assert incident is not None
        return report, incident


def test_a_misspelled_village_name_locates_and_tasks(system: LiveSystem) -> None:
    system.text(STRANGER, "Attaque à Benni ce matin, tirs")
    system.run_workers()
    report, incident = report_and_incident(system)
    assert (report.location_method, report.place_name) == ("place_name", "Beni")
    assert incident.status == "tasked"
    wait_until(lambda: system.messages_to(QRF_BENI_PRIMARY))
    assert "Beni" in system.messages_to(QRF_BENI_PRIMARY)[0]


def test_a_name_shared_by_two_far_places_goes_to_triage_with_both(system: LiveSystem) -> None:
    system.text(STRANGER, "watu wenye silaha wameingia Mabanga")
    system.run_workers()
    report, incident = report_and_incident(system)
    assert report.ambiguous
    assert incident.status == "triage" and incident.triage_reason == "ambiguous"
    assert report.candidates is not None
    assert {round(c["lat"], 2) for c in report.candidates} >= {-1.63, 1.52}
    with system.factory() as session:
        assert session.scalars(select(Tasking)).all() == []


def test_the_senders_home_settles_a_namesake(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_KIWANJA, "Attaque à Mabanga")  # registered at Kiwanja, near Goma
    system.run_workers()
    report, _ = report_and_incident(system)
    assert not report.ambiguous
    assert report.lat is not None and report.lat < 0  # the Mabanga near Goma


def test_a_relative_phrase_moves_the_point(system: LiveSystem) -> None:
    system.text(STRANGER, "attaque 10 km au nord de Beni")
    system.run_workers()
    report, _ = report_and_incident(system)
    assert report.location_method == "relative_place"
    assert report.lat is not None and 0.55 < report.lat < 0.62  # ~0.09° north of Beni
    assert report.radius_m is not None and report.radius_m > 3_000


def test_a_cla_relay_without_a_place_is_located_at_her_base(system: LiveSystem) -> None:
    system.text(CLA_BENI, "appel recu: ils attaquent maintenant, aidez")
    system.run_workers()
    report, incident = report_and_incident(system)
    assert report.location_method == "relay_base"
    assert incident.status == "tasked"


def test_threat_and_severity_are_classified(system: LiveSystem) -> None:
    system.text(STRANGER, "12 personnes tuées à Beni par les ADF")
    system.run_workers()
    report, incident = report_and_incident(system)
    assert report.threat == "killing"
    assert report.severity >= 4
    assert (incident.threat, incident.severity) == (report.threat, report.severity)
    assert report.place_name == "Beni"  # and "ADF" was not taken for a place


def test_the_optional_geocoder_locates_an_unknown_name_last(
    system: LiveSystem, nominatim: FakeNominatim
) -> None:
    nominatim.known["lisasa"] = (0.6001, 29.5402, "Lisasa, Beni")
    geocoder = HttpGeocoder(nominatim.url, min_interval_s=0)
    services = WorkerSetup(system.settings, clock=system.clock).services()
    services = dataclasses.replace(services, locator=Locator(PlaceIndexCache(), geocoder=geocoder))
    system.text(STRANGER, "Attaque karibu na Lisasa sasa hivi")
    with system.factory() as session:
        message_id = session.scalars(select(InboundMessage.id)).one()
    pipeline.process_message(services, message_id)
    report, incident = report_and_incident(system)
    assert (report.location_method, report.place_name) == ("geocoder", "Lisasa, Beni")
    assert incident.status == "tasked"
    assert nominatim.calls, "the geocoder was asked"
