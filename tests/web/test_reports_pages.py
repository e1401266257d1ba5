"""The reports blueprint: the same documents for evaluators, scoped, and nothing for others.

A bare Flask app stands in for `create_app`, so these tests hold whatever the
console does around the blueprint; the console's own tests cover its login.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.audit.domain.hxl import is_hashtag
from alerts.core.clock import FakeClock
from alerts.timeline.models import Event
from alerts.web import reports
from tests.audit.scenario import Scenario, at


@dataclass(frozen=True)
class User:
    role: str
    mission: str = "MONUSCO"
    sector: str | None = None
    username: str = "eve"

    @property
    def actor(self) -> str:
        return f"user:{self.username}"


@pytest.fixture
def app(factory: sessionmaker[Session]) -> Iterator[Flask]:
    app = Flask("test-reports")
    app.extensions["alerts"] = SimpleNamespace(factory=factory, clock=FakeClock(at(300)))
    app.register_blueprint(reports.bp)
    scenario = Scenario.create(factory)
    incident = scenario.incident(0, ref="AAAAA")
    scenario.task(1, incident, "QRF-BENI-1")
    yield app


def client_as(app: Flask, user: User | None) -> FlaskClient:
    reports.init_viewer(app, lambda: user)
    return app.test_client()


def test_nothing_without_a_viewer_loader(app: Flask) -> None:
    client = app.test_client()
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/latency").status_code == 403


@pytest.mark.parametrize("role", ["cla", "joc_officer", "commander", "nonsense"])
def test_other_roles_are_refused(app: Flask, role: str) -> None:
    client = client_as(app, User(role))
    assert client.get("/reports/latency?from=2026-03-01&to=2026-03-31").status_code == 403
    assert client.get("/reports/noncompliance?half=2026H1").status_code == 403


def test_evaluator_sees_the_latency_report(app: Flask) -> None:
    client = client_as(app, User("evaluator"))
    page = client.get("/reports/latency?from=2026-03-01&to=2026-03-31")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "AAAAA" in html and "<svg" in html and "Mavivi" not in html
    assert page.headers["Cache-Control"] == "no-store"
    index = client.get("/reports/").get_data(as_text=True)
    assert "Reports for MONUSCO" in index and "2026H1" in index


def test_csv_download_with_hxl(app: Flask) -> None:
    client = client_as(app, User("evaluator"))
    response = client.get("/reports/latency?from=2026-03-01&to=2026-03-31&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert all(is_hashtag(t) for t in rows[1]) and rows[2][0] == "AAAAA"


def test_a_user_sees_only_their_own_mission(app: Flask) -> None:
    client = client_as(app, User("evaluator", mission="UNMISS"))
    body = client.get("/reports/latency?from=2026-03-01&to=2026-03-31&format=json").get_json()
    assert body["mission"] == "UNMISS" and body["tables"]["incidents"] == []
    monuc = client_as(app, User("evaluator", mission="MONUC"))
    body = monuc.get("/reports/latency?from=2026-03-01&to=2026-03-31&format=json").get_json()
    assert [i["incident"] for i in body["tables"]["incidents"]] == ["AAAAA"]


def test_nil_six_monthly_report(app: Flask) -> None:
    client = client_as(app, User("evaluator"))
    html = client.get("/reports/noncompliance?half=2026H2").get_data(as_text=True)
    assert "NIL REPORT" in html and "MONUSCO" in html


def test_full_detail_is_for_admins_and_is_recorded(
    app: Flask, factory: sessionmaker[Session]
) -> None:
    url = "/reports/latency"
    form = {"from": "2026-03-01", "to": "2026-03-31", "format": "csv", "detail": "full"}
    evaluator = client_as(app, User("evaluator"))
    assert evaluator.post(url, data=form | {"reason": "inquiry"}).status_code == 403
    admin = client_as(app, User("admin", username="root"))
    assert admin.get(url, query_string=form | {"reason": "inquiry"}).status_code == 405
    assert admin.post(url, data=form).status_code == 400  # no reason given
    response = admin.post(url, data=form | {"reason": "board of inquiry"})
    assert response.status_code == 200 and "Mavivi" in response.get_data(as_text=True)
    with factory() as session:
        event = session.scalars(select(Event).where(Event.kind == "report.full_export")).one()
    assert event.actor == "user:root" and event.data["reason"] == "board of inquiry"


@pytest.mark.parametrize(
    "query",
    ["from=2026-13-01", "format=pdf", "half=2026H5", "from=2026-03-05&to=2026-03-01"],
)
def test_bad_requests_say_why(app: Flask, query: str) -> None:
    response = client_as(app, User("evaluator")).get(f"/reports/latency?{query}")
    assert response.status_code == 400
