"""Every console action writes an event naming the officer who did it."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from alerts.core.db.session import write_transaction
from alerts.correlation.models import Incident, Report
from alerts.messaging.domain.events import SmsQueueAlarm
from alerts.timeline import ledger
from alerts.timeline.ledger import Subject
from alerts.timeline.models import Event
from tests.live import LiveSystem
from tests.web.console.helpers import add_user, csrf_from, logged_in_client


def officer(system: LiveSystem) -> tuple[FlaskClient, str]:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    client = logged_in_client(system, "amina")
    return client, csrf_from(client.get("/console/").get_data(as_text=True))


def events_by(system: LiveSystem, kind: str) -> list[Event]:
    with system.factory() as session:
        return list(session.scalars(select(Event).where(Event.kind == kind)))


def incidents(system: LiveSystem) -> list[Incident]:
    with system.factory() as session:
        return list(session.scalars(select(Incident).order_by(Incident.id)))


def test_merge_then_split(system: LiveSystem) -> None:
    system.text("+243990000001", "attaque 0.5447, 29.4639")
    system.text("+243990000003", "attaque 0.1417, 29.2917")
    system.run_workers()
    first, second = (i.id for i in incidents(system))
    client, token = officer(system)
    merged = client.post(
        f"/console/incidents/{first}/merge",
        data={"csrf_token": token, "other_id": second, "reason": "same column"},
        follow_redirects=True,
    )
    assert "Merged into this incident." in merged.get_data(as_text=True)
    assert [e.actor for e in events_by(system, "incident.merged")] == ["user:amina"]
    with system.factory() as session:
        moved = session.scalars(select(Report.id).where(Report.incident_id == first)).all()
    assert len(moved) == 2
    split = client.post(
        f"/console/incidents/{first}/split",
        data={"csrf_token": token, "report_id": [str(moved[1])], "reason": "40 km apart"},
        follow_redirects=True,
    )
    assert "Split into a new incident." in split.get_data(as_text=True)
    assert [e.actor for e in events_by(system, "incident.split")] == ["user:amina"]


def test_refusals_are_shown_not_raised(system: LiveSystem) -> None:
    system.text("+243990000001", "attaque 0.5447, 29.4639")
    system.run_workers()
    (incident,) = incidents(system)
    client, token = officer(system)
    page = client.post(
        f"/console/incidents/{incident.id}/false-alarm",
        data={"csrf_token": token, "reason": ""},
        follow_redirects=True,
    )
    assert "give a reason" in page.get_data(as_text=True)
    assert events_by(system, "incident.false_alarm") == []


def test_pick_a_candidate_then_close_with_outcomes(system: LiveSystem) -> None:
    system.text("+243990000005", "Watu wameuawa Mabanga usiku huu")
    system.run_workers()
    (incident,) = incidents(system)
    assert incident.triage_reason == "ambiguous"
    client, token = officer(system)
    page = client.get(f"/console/incidents/{incident.id}").get_data(as_text=True)
    assert "Which place is meant?" in page and page.count(">This one<") == 2
    relocated = client.post(
        f"/console/incidents/{incident.id}/relocate",
        data={
            "csrf_token": token,
            "lat": "1.52",
            "lon": "30.18",
            "radius_m": "2000",
            "candidate_name": "Mabanga",
        },
        follow_redirects=True,
    )
    assert "Relocated." in relocated.get_data(as_text=True)
    assert events_by(system, "incident.relocated")[-1].actor == "user:amina"

    closed = client.post(
        f"/console/incidents/{incident.id}/close",
        data={"csrf_token": token, "outcome": ["patrol", "political_engagement"], "note": "calm"},
        follow_redirects=True,
    )
    assert "Closed." in closed.get_data(as_text=True)
    (event,) = events_by(system, "incident.closed")
    assert event.actor == "user:amina"
    assert event.data["outcome"] == ["patrol", "political_engagement"]
    queue = client.get("/console/queue/rows").get_data(as_text=True)
    assert f'data-incident-id="{incident.id}"' not in queue


def test_a_relayed_alert_can_be_located_at_the_place_the_cla_gave(system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "claire", "cla", cla=True)
    claire = logged_in_client(system, "claire")
    token = csrf_from(claire.get("/console/relay").get_data(as_text=True))
    sent = claire.post(
        "/console/relay",
        data={
            "csrf_token": token,
            "channel": "call",
            "reported_at": "2026-03-01T03:55",
            "tz_offset_min": "0",
            "text": "ils brûlent les maisons, venez",
            "place": "kiwanja",
        },
    )
    assert sent.status_code == 303
    system.run_workers()
    (incident,) = incidents(system)
    (relayed,) = events_by(system, "alert.relayed")
    assert relayed.actor == "user:claire"
    assert relayed.data["source_reported_at"] == "2026-03-01T03:55:00+00:00"
    assert relayed.data["source_channel"] == "call"

    client, token = officer(system)
    page = client.get(f"/console/incidents/{incident.id}").get_data(as_text=True)
    assert "Locate at Kiwanja" in page
    client.post(
        f"/console/incidents/{incident.id}/relocate",
        data={
            "csrf_token": token,
            "lat": "-1.2167",
            "lon": "29.45",
            "radius_m": "2000",
            "candidate_name": "Kiwanja",
            "reason": "place given by the CLA who relayed it",
        },
    )
    (moved,) = incidents(system)
    assert (round(moved.lat or 0, 4), round(moved.lon or 0, 4)) == (-1.2167, 29.45)


def test_a_relay_in_the_future_is_refused(system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "claire", "cla", cla=True)
    claire = logged_in_client(system, "claire")
    token = csrf_from(claire.get("/console/relay").get_data(as_text=True))
    refused = claire.post(
        "/console/relay",
        data={
            "csrf_token": token,
            "channel": "radio",
            "reported_at": "2026-03-02T09:00",
            "text": "attaque",
        },
    )
    assert refused.status_code == 400
    assert "in the future" in refused.get_data(as_text=True)
    assert events_by(system, "alert.relayed") == []


def test_an_officer_records_when_the_attack_ended_and_what_was_done(system: LiveSystem) -> None:
    system.text("+243990000001", "attaque 0.5447, 29.4639")
    system.run_workers()
    (incident,) = incidents(system)
    client, token = officer(system)
    page = client.get(f"/console/incidents/{incident.id}").get_data(as_text=True)
    assert "The attack ended at (UTC)" in page and "Record the action" in page
    ended = client.post(
        f"/console/incidents/{incident.id}/attack-ended",
        data={"csrf_token": token, "ended_at": "2026-03-01T03:50"},
        follow_redirects=True,
    )
    assert "Attack end recorded." in ended.get_data(as_text=True)
    done = client.post(
        f"/console/incidents/{incident.id}/response-action",
        data={"csrf_token": token, "action": "political_engagement", "at": "2026-03-01T03:40"},
        follow_redirects=True,
    )
    assert "Response action recorded." in done.get_data(as_text=True)
    (end,) = events_by(system, "incident.attack_ended")
    (action,) = events_by(system, "incident.response_action")
    assert (end.actor, end.data["ended_at"]) == ("user:amina", "2026-03-01T03:50:00+00:00")
    assert (action.data["action"], action.data["at"]) == (
        "political_engagement",
        "2026-03-01T03:40:00+00:00",
    )
    future = client.post(
        f"/console/incidents/{incident.id}/attack-ended",
        data={"csrf_token": token, "ended_at": "2030-01-01T00:00"},
        follow_redirects=True,
    )
    assert "cannot have ended in the future" in future.get_data(as_text=True)
    bad = client.post(
        f"/console/incidents/{incident.id}/attack-ended",
        data={"csrf_token": token, "ended_at": "yesterday"},
    )
    assert bad.status_code == 400


def test_a_saturated_sms_queue_is_shown_above_the_queue(system: LiveSystem) -> None:
    with write_transaction(system.factory) as session:
        ledger.record(
            session,
            system.clock.now(),
            SmsQueueAlarm(purpose="tasking", wait_s=420, ack_timeout_s=300),
            Subject("sms", None),
        )
    client, _ = officer(system)
    rows = client.get("/console/queue/rows").get_data(as_text=True)
    assert "SMS queue saturated" in rows and 'role="alert"' in rows
    system.clock.advance(timedelta(minutes=16))  # type: ignore[attr-defined]
    assert "SMS queue saturated" not in client.get("/console/queue/rows").get_data(as_text=True)
