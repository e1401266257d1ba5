"""SMS sent while the web tier was down are fetched back from Twilio, stored once, at
the time Twilio received them, and processed like any other."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import requests
from sqlalchemy import select

from alerts.core.ports import JobQueue, ReceivedSms
from alerts.intake.models import InboundMessage
from alerts.messaging.twilio_sms import TwilioInbox
from alerts.pipeline.recovery import OVERLAP, recover_missed
from alerts.timeline.models import Event
from tests.live import ALERT_NUMBER, FOCAL_POINT_KIWANJA, FOCAL_POINT_MAVIVI, LiveSystem
from workers.context import WorkerSetup
from workers.queue import RqJobQueue

LOOKBACK = timedelta(days=400)  # the sandbox runs on the real clock, the app on a fake one


def test_sms_sent_while_the_web_tier_was_down_are_stored_and_processed_once(
    system: LiveSystem,
) -> None:
    with web_tier_down(system):
        lost = [
            sent_to_alert_number(system, FOCAL_POINT_MAVIVI, "Attaque en cours 0.5447, 29.4639"),
            sent_to_alert_number(system, FOCAL_POINT_KIWANJA, "Tirs a Kiwanja, maisons brulees"),
        ]
    system.text(FOCAL_POINT_MAVIVI, "Encore des tirs 0.5447, 29.4639")  # reached us as usual
    services = WorkerSetup(system.settings, clock=system.clock).services()
    inbox = TwilioInbox(system.twilio)

    first = recover_missed(services, inbox, ALERT_NUMBER, queue(system), first_lookback=LOOKBACK)
    again = recover_missed(services, inbox, ALERT_NUMBER, queue(system), first_lookback=LOOKBACK)
    system.run_workers()

    assert (first.listed, first.recovered) == (3, 2)
    assert again.recovered == 0
    with system.factory() as session:
        stored = {m.provider_sid: m for m in session.scalars(select(InboundMessage))}
        recovered = session.scalars(
            select(Event).where(Event.kind == "message.recovered").order_by(Event.id)
        ).all()
    assert len(stored) == 3
    for sid in lost:
        message = stored[sid]
        twilio_saw = system.twilio.messages(sid).fetch()
        assert message.received_at == twilio_saw.date_sent  # its receive time, not ours
        assert message.handled_as == "alert"
    assert sorted(e.subject_id for e in recovered) == sorted(stored[s].id for s in lost)
    assert all(e.data["source"] == "twilio" for e in recovered)


def test_a_pass_starts_where_the_last_one_did(system: LiveSystem) -> None:
    services = WorkerSetup(system.settings, clock=system.clock).services()
    inbox = AskedSince(TwilioInbox(system.twilio))
    first_pass_at = system.clock.now()
    recover_missed(services, inbox, ALERT_NUMBER, queue(system), first_lookback=LOOKBACK)
    system.clock.advance(timedelta(hours=3))  # type: ignore[attr-defined]
    recover_missed(services, inbox, ALERT_NUMBER, queue(system), first_lookback=LOOKBACK)
    assert inbox.asked == [first_pass_at - LOOKBACK - OVERLAP, first_pass_at - OVERLAP]


class AskedSince:
    """The real inbox, noting from when each pass asked."""

    def __init__(self, inbox: TwilioInbox) -> None:
        self.inbox, self.asked = inbox, list[datetime]()

    def received(self, to: str, since: datetime) -> list[ReceivedSms]:
        self.asked.append(since)
        return self.inbox.received(to, since)


def sent_to_alert_number(system: LiveSystem, phone: str, body: str) -> str:
    """An SMS Twilio took, whatever became of its webhook; returns its sid."""
    response = requests.post(f"{system.sandbox_url}/_sandbox/inbound",
                             json={"from": phone, "body": body}, timeout=15)  # fmt: skip
    sid: str = response.json()["sid"]
    return sid


@contextmanager
def web_tier_down(system: LiveSystem) -> Iterator[None]:
    """Twilio cannot reach the webhook: nothing listens where it posts."""
    gateway = system.sandbox.inbound
    reachable, gateway.webhook_url = gateway.webhook_url, "http://127.0.0.1:9/sms/twilio"
    try:
        yield
    finally:
        gateway.webhook_url = reachable


def queue(system: LiveSystem) -> JobQueue:
    return RqJobQueue.from_url(system.settings.redis_url)
