"""The response-time report on a scenario with known times, missing stages included."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.audit.domain.hxl import is_hashtag
from alerts.audit.domain.periods import Period
from alerts.audit.reports.latency import build_latency
from alerts.audit.reports.model import LatencyReport, ReportRequest
from alerts.audit.reports.produce import ReportRefused, produce
from alerts.audit.reports.render import render
from alerts.timeline.ledger import Subject
from alerts.timeline.models import Event
from tests.audit.scenario import Scenario, at

DAY = Period(date(2026, 3, 2), date(2026, 3, 2))


def three_incidents(factory: sessionmaker[Session]) -> dict[str, int]:
    """A: a unit on scene before the attack ended. B: refused, a political step too late.
    C: never located, never answered. E: a false alarm."""
    s = Scenario.create(factory)
    a = s.incident(0, ref="AAAAA")
    s.route(0.2, a)
    ta = s.task(1, a, "QRF-BENI-1")
    s.reply(3, a, ta, "acknowledged")
    b = s.incident(5, ref="BBBBB")
    s.route(5.2, b)
    tb = s.task(6, b, "QRF-BENI-2")
    s.reply(8, b, tb, "declined")
    s.reply(10, a, ta, "departed")
    c = s.incident(10.5, ref="CCCCC", lat=None, lon=None, place=None)
    e = s.incident(25, ref="EEEEE")
    s.event(26, "incident.false_alarm", Subject("incident", e), {}, incident_id=e)
    s.reply(40, a, ta, "arrived")
    incident = Subject("incident", a)
    s.event(60, "incident.attack_ended", incident, {"ended_at": at(50)}, incident_id=a)
    incident = Subject("incident", b)
    s.event(70, "incident.attack_ended", incident, {"ended_at": at(30)}, incident_id=b)
    data = {"action": "political_engagement", "at": at(35)}
    s.event(71, "incident.response_action", incident, data, incident_id=b)
    s.event(120, "incident.closed", Subject("incident", a), {"outcome": ["patrol"]}, incident_id=a)
    return {"A": a, "B": b, "C": c, "E": e}


def report(factory: sessionmaker[Session], **request: object) -> LatencyReport:
    with factory() as session:
        return build_latency(session, ReportRequest(period=DAY, **request), at(200))  # type: ignore[arg-type]


def test_stage_times_are_exact_and_missing_stages_are_missing(
    factory: sessionmaker[Session],
) -> None:
    three_incidents(factory)
    result = report(factory)
    rows = {r.ref: r for r in result.incidents}
    assert list(rows) == ["AAAAA", "BBBBB", "CCCCC"]  # the false alarm is left out
    assert result.false_alarms == 1
    assert rows["AAAAA"].seconds == {
        "located": 6.0,
        "verified": None,
        "tasked": 60.0,
        "acknowledged": 180.0,
        "departed": 600.0,
        "on_scene": 2400.0,
        "closed": 7200.0,
    }
    assert rows["BBBBB"].seconds["tasked"] == 60.0
    assert rows["BBBBB"].seconds["acknowledged"] is None
    assert set(rows["CCCCC"].seconds.values()) == {None}
    assert (rows["AAAAA"].unit, rows["BBBBB"].unit, rows["CCCCC"].unit) == (
        "QRF-BENI-1",
        "QRF-BENI-2",
        None,
    )
    assert rows["AAAAA"].base == "Beni" and rows["AAAAA"].mission == "MONUSCO"


def test_aggregates_count_and_share(factory: sessionmaker[Session]) -> None:
    three_incidents(factory)
    result = report(factory)
    located, on_scene = result.overall.stages["located"], result.overall.stages["on_scene"]
    assert (located.incidents, located.reached, located.p50, located.p99) == (3, 2, 6.0, 6.0)
    assert (on_scene.reached, on_scene.p50) == (1, 2400.0)
    assert on_scene.share == pytest.approx(1 / 3)
    by_unit = {g.value: g for g in result.groups["unit"]}
    assert set(by_unit) == {"QRF-BENI-1", "QRF-BENI-2", "(unknown)"}
    assert by_unit["QRF-BENI-1"].stages["on_scene"].p90 == 2400.0
    assert [g.value for g in result.groups["month"]] == ["2026-03"]


def test_immediate_response_rate_and_the_counts_behind_it(factory: sessionmaker[Session]) -> None:
    three_incidents(factory)
    c = report(factory).immediate
    assert (c.incidents, c.end_known, c.end_unknown, c.immediate, c.on_scene) == (3, 2, 1, 1, 1)
    assert c.political == 0 and c.rate == 0.5


def test_unanswered_and_stuck(factory: sessionmaker[Session]) -> None:
    three_incidents(factory)
    result = report(factory)
    assert [r.ref for r in result.unanswered] == ["CCCCC"]
    assert [(s.incident.ref, s.stage, s.since) for s in result.stuck] == [
        ("BBBBB", "tasked", at(6)),
        ("CCCCC", "reported", at(10.5)),
    ]
    assert report(factory, stuck_after=timedelta(hours=4)).stuck == []


def test_mission_filter_counts_monuc_as_monusco(factory: sessionmaker[Session]) -> None:
    three_incidents(factory)
    assert len(report(factory, mission="MONUSCO").incidents) == 3
    assert report(factory, mission="UNMISS").incidents == []


def test_an_empty_period_reports_nothing_as_nothing(factory: sessionmaker[Session]) -> None:
    three_incidents(factory)
    with factory() as session:
        result = build_latency(
            session, ReportRequest(period=Period(date(2026, 4, 1), date(2026, 4, 30))), at(200)
        )
    assert result.incidents == [] and result.immediate.rate is None
    assert "No incident in this period" in render(result, "html").content


def test_csv_carries_hxl_and_leaves_missing_stages_empty(factory: sessionmaker[Session]) -> None:
    three_incidents(factory)
    document = render(report(factory), "csv")
    rows = list(csv.reader(io.StringIO(document.content)))
    header, hashtags, *data = rows
    assert header[0] == "incident" and all(is_hashtag(tag) for tag in hashtags)
    assert hashtags[header.index("lat")] == "#geo +lat"
    by_ref = {row[0]: dict(zip(header, row, strict=True)) for row in data}
    assert by_ref["AAAAA"]["on_scene_s"] == "2400.0"
    assert by_ref["BBBBB"]["on_scene_s"] == ""
    assert by_ref["CCCCC"]["located_s"] == ""
    aggregates = list(csv.reader(io.StringIO(render(report(factory), "csv", "aggregates").content)))
    assert all(is_hashtag(tag) for tag in aggregates[1])


def test_anonymised_by_default(factory: sessionmaker[Session]) -> None:
    three_incidents(factory)
    result = report(factory)
    for fmt in ("csv", "json", "html"):
        content = render(result, fmt).content  # type: ignore[arg-type]
        assert "Mavivi" not in content and "FP-" not in content
        assert "0.5447" not in content and "29.4639" not in content
    body = json.loads(render(result, "json").content)
    a = body["tables"]["incidents"][0]
    assert (a["lat"], a["lon"], a["incident"]) == (0.5, 29.5, "AAAAA")
    assert "place" not in a and body["detail"] == "anonymised"
    full = report(factory, detail="full")
    assert "Mavivi" in render(full, "csv").content


def test_json_summary_for_machines(factory: sessionmaker[Session]) -> None:
    three_incidents(factory)
    body = json.loads(render(report(factory), "json").content)
    assert body["report"] == "latency" and body["period"]["first"] == "2026-03-02"
    summary = body["summary"]
    assert summary["immediate_response"]["rate"] == 0.5
    assert summary["stages"]["departed"] == {
        "incidents": 3,
        "reached": 1,
        "share": pytest.approx(1 / 3),
        "p50_s": 600.0,
        "p90_s": 600.0,
        "p99_s": 600.0,
    }
    assert summary["stages"]["verified"]["reached"] == 0
    assert summary["stages"]["verified"]["p50_s"] is None


def test_html_has_its_charts_inline(factory: sessionmaker[Session]) -> None:
    three_incidents(factory)
    html = render(report(factory), "html").content
    assert html.count("<svg") == 2  # stage distribution, immediate response by mission
    assert "<script" not in html and "http://" not in html.split("<svg")[0]
    assert "1 of 2" in html and "AAAAA" in html


def test_a_full_export_is_an_event_naming_who_and_why(factory: sessionmaker[Session]) -> None:
    three_incidents(factory)
    request = ReportRequest(period=DAY, detail="full")
    with pytest.raises(ReportRefused, match="reason"):
        produce(factory, "latency", request, "csv", at(200), actor="user:eve")
    produce(
        factory, "latency", request, "csv", at(200), actor="user:eve", reason="board of inquiry"
    )
    produce(factory, "latency", ReportRequest(period=DAY), "csv", at(201), actor="user:eve")
    with factory() as session:
        exports = session.scalars(select(Event).where(Event.kind == "report.full_export")).all()
    assert len(exports) == 1
    assert exports[0].actor == "user:eve"
    assert exports[0].data["reason"] == "board of inquiry" and exports[0].data["rows"] == 3
