"""A reveal names the incident it was made for and the client's address, shows in that
incident's timeline, and one user's reveals are limited (ALERTS_REVEAL_LIMIT)."""

from __future__ import annotations

import re
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from alerts.core.domain.rates import Rate
from alerts.timeline.models import Event
from alerts.web import create_app
from tests.live import FOCAL_POINT_MAVIVI, LiveSystem
from tests.web.console.helpers import PASSWORD, add_user, csrf_from
from tests.web.console.test_security import one_incident

OFFICER = "198.51.100.23"


def proxied_client(system: LiveSystem, username: str, limit: Rate) -> FlaskClient:
    """Logged in to the app as deployed: behind one proxy that appends X-Forwarded-For."""
    app = create_app(system.settings.replace(proxy_hops=1, reveal_limit=limit), clock=system.clock)
    client = app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = f"10.9.9.9, {OFFICER}"
    token = csrf_from(client.get("/console/login").get_data(as_text=True))
    form = {"username": username, "password": PASSWORD, "csrf_token": token}
    assert client.post("/console/login", data=form).status_code == 303
    return client


def reveal_url(client: FlaskClient, incident_id: int) -> tuple[str, str]:
    html = client.get(f"/console/incidents/{incident_id}").get_data(as_text=True)
    match = re.search(r"/senders/(\d+)/reveal", html)
    assert match
    return f"/console/incidents/{incident_id}/senders/{match.group(1)}/reveal", csrf_from(html)


def test_a_reveal_is_in_the_incidents_timeline_with_the_client_address(
    system: LiveSystem,
) -> None:
    add_user(system.factory, system.clock, "claire", "cla", cla=True)
    incident_id = one_incident(system, sector=None)
    claire = proxied_client(system, "claire", Rate(10, timedelta(hours=1)))
    url, token = reveal_url(claire, incident_id)
    shown = claire.post(url, data={"csrf_token": token, "reason": "call back the focal point"})
    assert shown.status_code == 200 and FOCAL_POINT_MAVIVI in shown.get_data(as_text=True)

    with system.factory() as session:
        event = session.scalars(select(Event).where(Event.kind == "sender.number_revealed")).one()
    assert event.incident_id == incident_id and event.actor == "user:claire"
    # The client's address, not the proxy's, nor what the client put before it.
    assert event.data["incident"] == incident_id and event.data["address"] == OFFICER
    assert FOCAL_POINT_MAVIVI not in str(event.data)
    page = claire.get(f"/console/incidents/{incident_id}").get_data(as_text=True)
    assert "sender.number_revealed" in page and f"address={OFFICER}" in page
    assert FOCAL_POINT_MAVIVI not in page


def test_one_reveal_over_the_limit_is_refused_with_a_message_and_an_event(
    system: LiveSystem,
) -> None:
    add_user(system.factory, system.clock, "claire", "cla", cla=True)
    add_user(system.factory, system.clock, "root", "admin")
    incident_id = one_incident(system, sector=None)
    limit = Rate(2, timedelta(minutes=10))
    claire = proxied_client(system, "claire", limit)
    url, token = reveal_url(claire, incident_id)
    form = {"csrf_token": token, "reason": "call back the focal point"}
    for _ in range(2):
        assert FOCAL_POINT_MAVIVI in claire.post(url, data=form).get_data(as_text=True)
    refused = claire.post(url, data=form)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 429 and FOCAL_POINT_MAVIVI not in text
    assert "reveal limit reached: 2 numbers per 10 minutes" in text

    # Per user: another entitled officer still may; and the window slides on.
    root = proxied_client(system, "root", limit)
    _, root_token = reveal_url(root, incident_id)
    shown = root.post(url, data={**form, "csrf_token": root_token})
    assert FOCAL_POINT_MAVIVI in shown.get_data(as_text=True)
    system.clock.advance(timedelta(minutes=11))  # within the session idle limit
    assert FOCAL_POINT_MAVIVI in claire.post(url, data=form).get_data(as_text=True)

    with system.factory() as session:
        refusal = session.scalars(select(Event).where(Event.kind == "sender.reveal_refused")).one()
    assert refusal.actor == "user:claire" and refusal.incident_id == incident_id
    assert refusal.data["address"] == OFFICER and "2 numbers" in refusal.data["refusal"]
    page = claire.get(f"/console/incidents/{incident_id}").get_data(as_text=True)
    assert "sender.reveal_refused" in page
