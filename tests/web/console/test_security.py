"""The console's security: headers, cookies, CSRF, scope, roles, sessions, throttling,
and no phone number on a page, in a stream or in a log unless revealed."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from alerts.console import users
from alerts.core.db.session import write_transaction
from alerts.correlation.models import Incident
from alerts.timeline.models import Event
from alerts.web import create_app
from alerts.web.console.security import HSTS, cookie_name, csp
from tests.live import FOCAL_POINT_MAVIVI, LiveSystem
from tests.web.console.helpers import PASSWORD, add_user, csrf_from, logged_in_client

NUMBER_SHAPE = re.compile(r"\+?\d[\d ]{7,}\d")
COOKIE = cookie_name(secure=True)


def one_incident(system: LiveSystem, *, sector: str | None = "Beni") -> int:
    system.text(FOCAL_POINT_MAVIVI, "Attaque en cours 0.5447, 29.4639")
    system.run_workers()
    with write_transaction(system.factory) as session:
        incident = session.scalars(select(Incident)).one()
        incident.mission, incident.sector = "MONUSCO", sector
        return incident.id


def test_headers_and_cookie_flags(system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    incident_id = one_incident(system)
    client = system.web_app.test_client()
    login_page = client.get("/console/login")
    response = client.post(
        "/console/login",
        data={
            "username": "amina",
            "password": PASSWORD,
            "csrf_token": csrf_from(login_page.get_data(as_text=True)),
        },
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # __Host-: the browser keeps it only if Secure, for Path=/ and without a Domain.
    assert cookie.startswith("__Host-alerts_console=") and "Path=/;" in cookie
    assert "Domain=" not in cookie
    assert response.headers["Strict-Transport-Security"] == HSTS
    page = client.get(f"/console/incidents/{incident_id}")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    html = page.get_data(as_text=True)
    assert "<script>" not in html and " on" + "click=" not in html and "style=" not in html


def test_cookie_secure_can_be_turned_off_for_local_http(system: LiveSystem) -> None:
    app = create_app(system.settings.replace(cookie_secure=False), clock=system.clock)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_NAME"] == "alerts_console"  # no __Host- without Secure
    response = app.test_client().get("/console/login")
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_on_every_response_when_cookies_are_secure(system: LiveSystem) -> None:
    client = system.web_app.test_client()
    for path in ("/console/login", "/healthz", "/reports/", "/no-such-page"):
        assert client.get(path).headers["Strict-Transport-Security"] == HSTS, path


def test_every_state_change_needs_post_and_a_csrf_token(system: LiveSystem) -> None:
    for rule in system.web_app.url_map.iter_rules():
        if rule.rule.startswith("/console"):
            assert not {"GET", "POST"} <= (rule.methods or set()), rule.rule
    add_user(system.factory, system.clock, "amina", "joc_officer")
    incident_id = one_incident(system)
    client = logged_in_client(system, "amina")
    assert client.get(f"/console/incidents/{incident_id}/verify").status_code == 405
    assert client.post(f"/console/incidents/{incident_id}/verify").status_code == 400
    assert client.post("/console/login", data={"username": "x"}).status_code == 400


def test_another_sector_gives_404_and_a_forbidden_action_403(system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "goma", "joc_officer", sector="Goma")
    add_user(system.factory, system.clock, "beni", "joc_officer", sector="Beni")
    add_user(system.factory, system.clock, "chief", "commander")
    incident_id = one_incident(system, sector="Beni")

    goma = logged_in_client(system, "goma")
    assert goma.get(f"/console/incidents/{incident_id}").status_code == 404
    assert goma.get(f"/console/incidents/{incident_id}/map.json").status_code == 404
    token = csrf_from(goma.get("/console/").get_data(as_text=True))
    refused = goma.post(f"/console/incidents/{incident_id}/verify", data={"csrf_token": token})
    assert refused.status_code == 404
    assert f'data-incident-id="{incident_id}"' not in goma.get("/console/").get_data(as_text=True)

    beni = logged_in_client(system, "beni")
    assert beni.get(f"/console/incidents/{incident_id}").status_code == 200

    chief = logged_in_client(system, "chief")
    token = csrf_from(chief.get("/console/").get_data(as_text=True))
    response = chief.post(f"/console/incidents/{incident_id}/verify", data={"csrf_token": token})
    assert response.status_code == 403


def test_logout_and_disable_end_the_session_on_the_server(system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    client = logged_in_client(system, "amina")
    stolen = client.get_cookie(COOKIE)
    assert stolen is not None
    token = csrf_from(client.get("/console/").get_data(as_text=True))
    assert client.post("/console/logout", data={"csrf_token": token}).status_code == 303

    replay = system.web_app.test_client()
    replay.set_cookie(COOKIE, stolen.value)
    assert replay.get("/console/").status_code == 303  # to the login page

    other = logged_in_client(system, "amina")
    with write_transaction(system.factory) as session:
        users.disable_user(session, system.clock.now(), "amina")
    assert other.get("/console/").status_code == 303


def test_failed_logins_are_throttled_and_logged(
    system: LiveSystem, caplog: pytest.LogCaptureFixture
) -> None:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    client = system.web_app.test_client()
    token = csrf_from(client.get("/console/login").get_data(as_text=True))
    codes = [
        client.post(
            "/console/login",
            data={"username": "amina", "password": "guess", "csrf_token": token},
        ).status_code
        for _ in range(6)
    ]
    assert codes == [401] * 5 + [429]
    # Even the right password waits now, from this address: it has been failing.
    right = client.post(
        "/console/login", data={"username": "amina", "password": PASSWORD, "csrf_token": token}
    )
    assert right.status_code == 429
    assert sum("failed login" in r.getMessage() for r in caplog.records) == 5
    assert any("login throttled" in r.getMessage() for r in caplog.records)


def test_reveal_takes_an_allowed_role_and_a_reason_and_is_an_event(system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "claire", "cla", cla=True)
    add_user(system.factory, system.clock, "amina", "joc_officer")
    incident_id = one_incident(system, sector=None)
    with system.factory() as session:
        sender_id = session.scalars(
            select(Event.subject_id).where(Event.kind == "sender.first_seen")
        ).first()
        incident = session.get(Incident, incident_id)
        assert incident is not None
    page = logged_in_client(system, "claire").get(f"/console/incidents/{incident_id}")
    html = page.get_data(as_text=True)
    assert "Reveal phone number" in html
    assert FOCAL_POINT_MAVIVI not in html and "970000001" not in html
    match = re.search(r"/senders/(\d+)/reveal", html)
    assert match
    sender_id = int(match.group(1))

    claire = logged_in_client(system, "claire")
    token = csrf_from(claire.get(f"/console/incidents/{incident_id}").get_data(as_text=True))
    url = f"/console/incidents/{incident_id}/senders/{sender_id}/reveal"
    short = claire.post(url, data={"csrf_token": token, "reason": "x"}, follow_redirects=True)
    assert FOCAL_POINT_MAVIVI not in short.get_data(as_text=True)
    shown = claire.post(url, data={"csrf_token": token, "reason": "call back the focal point"})
    assert FOCAL_POINT_MAVIVI in shown.get_data(as_text=True)
    assert shown.headers["Cache-Control"] == "no-store"

    amina = logged_in_client(system, "amina")
    token = csrf_from(amina.get(f"/console/incidents/{incident_id}").get_data(as_text=True))
    assert amina.post(url, data={"csrf_token": token, "reason": "curious"}).status_code == 403
    with system.factory() as session:
        reveals = session.scalars(select(Event).where(Event.kind == "sender.number_revealed")).all()
    assert [(e.actor, e.data["reason"]) for e in reveals] == [
        ("user:claire", "call back the focal point")
    ]


def test_the_stream_carries_no_number_and_only_this_scope(system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    add_user(system.factory, system.clock, "goma", "joc_officer", sector="Goma")
    streams = {}
    for name in ("amina", "goma"):
        # Logged in through the app, then streamed from the live server: the
        # cookie is Secure, which Chromium sends to 127.0.0.1 and requests would not.
        cookie = logged_in_client(system, name).get_cookie(COOKIE)
        assert cookie is not None
        http = requests.Session()
        http.cookies.set(COOKIE, cookie.value)
        timeout = (5, 10) if name == "amina" else (5, 3)
        response = http.get(f"{system.web_url}/console/stream", stream=True, timeout=timeout)
        assert response.status_code == 200
        lines = response.iter_lines(decode_unicode=True)
        assert "retry: 2000" in next(lines)
        streams[name] = (response, lines)
    system.text(FOCAL_POINT_MAVIVI, "Attaque en cours 0.5447, 29.4639")
    system.run_workers()

    response, lines = streams["amina"]
    seen: list[str] = []
    for line in lines:
        seen.append(line)
        if line.startswith("data:") and "incident.opened" in line:
            break
    response.close()
    payloads = [
        json.loads(line[5:]) for line in seen if line.startswith("data:") and line != "data: {}"
    ]
    assert payloads and all(set(p) <= {"event_id", "kind", "incident_id"} for p in payloads)
    assert not any(NUMBER_SHAPE.search(line) for line in seen)

    # Another sector's officer hears nothing of it (her stream only stays open).
    response, lines = streams["goma"]
    other: list[str] = []
    with pytest.raises(requests.exceptions.ConnectionError):
        for line in lines:
            other.append(line)
    response.close()
    assert not any(line.startswith("event: change") for line in other)


def test_stream_says_unavailable_when_redis_is_down(system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    cookie = logged_in_client(system, "amina").get_cookie(COOKIE)
    assert cookie is not None
    app = create_app(system.settings.replace(redis_url="redis://127.0.0.1:1/0"), clock=system.clock)
    client = app.test_client()
    client.set_cookie(COOKIE, cookie.value)
    body = client.get("/console/stream").get_data(as_text=True)
    assert body.startswith("retry: 2000") and "event: unavailable" in body
    # The queue itself still answers: the page falls back to polling it.
    assert client.get("/console/queue/rows").status_code == 200


def test_an_unattended_console_times_out(system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    client = logged_in_client(system, "amina")
    system.clock.advance(timedelta(minutes=20))
    assert client.get("/console/queue/rows").status_code == 200
    system.clock.advance(timedelta(minutes=15))
    # The page's own refreshes did not count as activity: 35 idle minutes end it.
    assert client.get("/console/queue/rows").status_code == 401
    assert client.get("/console/").status_code == 303


def test_reports_are_for_evaluators_and_admins_only(system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "eva", "evaluator")
    add_user(system.factory, system.clock, "amina", "joc_officer")
    assert system.web_app.test_client().get("/reports/").status_code == 403
    assert logged_in_client(system, "amina").get("/reports/").status_code == 403
    eva = logged_in_client(system, "eva")
    assert 'href="/reports/"' in eva.get("/console/").get_data(as_text=True)
    page = eva.get("/reports/")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "script-src 'self';" in page.headers["Content-Security-Policy"]


def test_a_tile_server_is_the_only_other_origin_images_may_come_from() -> None:
    policy = csp("https://{s}.tiles.mission.example/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tiles.mission.example;" in policy
    assert "img-src 'self' data:;" in csp(None)


def test_a_password_typed_as_the_username_is_never_logged(
    system: LiveSystem, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    client = system.web_app.test_client()
    token = csrf_from(client.get("/console/login").get_data(as_text=True))
    typed = "Correct Horse Battery 42"
    for username in (typed, typed.lower()):
        form = {"username": username, "password": "x", "csrf_token": token}
        assert client.post("/console/login", data=form).status_code == 401
    failures = [r.getMessage() for r in caplog.records if "failed login" in r.getMessage()]
    assert len(failures) == 2 and not any("horse" in r.getMessage().lower() for r in caplog.records)
    # A keyed tag instead: the same name logs the same tag, so a flood still reads as one.
    tags = {re.search(r"user#[0-9a-f]{12}", line).group(0) for line in failures}  # type: ignore[union-attr]
    assert len(tags) == 1
