"""Inbound SMS: a signed webhook exactly as Twilio posts it, and TwiML replies sent back."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable
from typing import Any

import pytest
import requests
from twilio.rest import Client

from alerts.core.settings import SANDBOX_ACCOUNT_SID
from alerts.sandbox.inbound import parse_twiml
from tests.sandbox.conftest import ALERT_NUMBER, Receiver, Sandbox, wait_until

VILLAGER = "+243810000001"


def _inbound(sandbox: Sandbox, **payload: Any) -> requests.Response:
    return requests.post(sandbox.url + "/_sandbox/inbound", json=payload, timeout=5)


def test_inbound_posts_a_validly_signed_twilio_webhook(
    sandbox: Sandbox, receiver: Receiver
) -> None:
    response = _inbound(sandbox, **{"from": VILLAGER, "body": "Attaque à Kalehe"})

    assert response.status_code == 200
    result = response.json()
    [webhook] = receiver.posts("/sms/twilio")
    assert webhook.signature_valid
    form = webhook.form
    assert form["MessageSid"] == form["SmsSid"] == form["SmsMessageSid"] == result["sid"]
    assert result["sid"].startswith("SM") and len(result["sid"]) == 34
    assert (form["From"], form["To"], form["Body"]) == (VILLAGER, ALERT_NUMBER, "Attaque à Kalehe")
    assert form["AccountSid"] == SANDBOX_ACCOUNT_SID
    assert (form["NumMedia"], form["NumSegments"], form["SmsStatus"]) == ("0", "1", "received")
    assert form["ApiVersion"] == "2010-04-01"
    assert (form["FromCountry"], form["ToCountry"]) == ("CD", "US")
    assert "MessagingServiceSid" not in form
    assert result["webhook_status"] == 200
    assert result["replies"] == []


def test_twiml_reply_is_recorded_as_a_message_to_the_sender(
    sandbox: Sandbox, receiver: Receiver, client: Client
) -> None:
    receiver.reply_with_twiml("Alerte reçue. Réf 42.")

    result = _inbound(sandbox, **{"from": VILLAGER, "body": "tirs"}).json()

    assert result["replies"] == ["Alerte reçue. Réf 42."]
    [reply] = client.messages.list(to=VILLAGER)
    assert (reply.body, reply.from_, reply.direction) == (
        "Alerte reçue. Réf 42.",
        ALERT_NUMBER,
        "outbound-reply",
    )
    [inbound] = client.messages.list(from_=VILLAGER)
    assert (inbound.sid, inbound.direction, inbound.status) == (
        result["sid"],
        "inbound",
        "received",
    )
    wait_until(lambda: client.messages(reply.sid).fetch().status == "delivered")


def test_reposting_a_sid_repeats_the_same_webhook(sandbox: Sandbox, receiver: Receiver) -> None:
    first = _inbound(sandbox, **{"from": VILLAGER, "body": "tirs"}).json()

    again = _inbound(sandbox, sid=first["sid"]).json()

    assert again["sid"] == first["sid"]
    one, two = receiver.posts("/sms/twilio")
    assert one.form == two.form
    assert two.signature_valid
    assert len(sandbox.app.store.select(lambda m: m.direction == "inbound")) == 1


def test_inbound_accepts_form_data_and_a_new_sid(sandbox: Sandbox, receiver: Receiver) -> None:
    sid = "SM" + "a" * 32

    response = requests.post(
        sandbox.url + "/_sandbox/inbound",
        data={"from": VILLAGER, "body": "hello", "to": "+15005550009", "sid": sid},
        timeout=5,
    )

    assert response.json()["sid"] == sid
    assert receiver.posts("/sms/twilio")[0].form["To"] == "+15005550009"


def test_bad_requests_are_refused(sandbox: Sandbox) -> None:
    assert _inbound(sandbox, body="no sender").status_code == 400
    assert _inbound(sandbox, **{"from": VILLAGER, "body": "x", "sid": "SM123"}).status_code == 400


def test_webhook_errors_send_no_reply(sandbox: Sandbox, receiver: Receiver) -> None:
    receiver.reply_with_twiml("never sent")
    receiver.fail_next = 1

    result = _inbound(sandbox, **{"from": VILLAGER, "body": "x"}).json()

    assert result["webhook_status"] == 500
    assert result["replies"] == []


def test_unreachable_webhook_answers_502(start_sandbox: Callable[..., Sandbox]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    sandbox = start_sandbox(webhook_url=f"http://127.0.0.1:{closed_port}/sms/twilio")

    response = _inbound(sandbox, **{"from": VILLAGER, "body": "x"})

    assert response.status_code == 502
    assert response.json()["webhook_status"] is None


def test_plain_text_answers_are_sent_as_is() -> None:
    assert [r.body for r in parse_twiml("text/plain; charset=utf-8", "merci ç\n".encode())] == [
        "merci ç"
    ]


def test_twiml_body_element_and_attributes() -> None:
    twiml = (
        '<Response><Message to="+243810000009"><Body>a</Body></Message>'
        "<Message>b</Message><Redirect>/x</Redirect></Response>"
    )

    replies = parse_twiml("application/xml", twiml.encode())

    assert [(r.body, r.to) for r in replies] == [("a", "+243810000009"), ("b", None)]
    with pytest.raises(ValueError):
        parse_twiml("text/xml", b"<Response><Message>")


def test_phone_numbers_never_reach_the_logs(
    sandbox: Sandbox, receiver: Receiver, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.reply_with_twiml("ok")
    _inbound(sandbox, **{"from": VILLAGER, "body": "x"})
    message = client.messages.create(
        to=VILLAGER, from_=ALERT_NUMBER, body="y", status_callback=receiver.url + "/status"
    )
    client.messages.list(to=VILLAGER)
    receiver.wait_for("/status", 2)
    wait_until(lambda: "delivered" in caplog.text)

    # Only the sandbox's own logs: urllib3 on the client side logs URLs at DEBUG.
    sandbox_log = "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name == "werkzeug" or record.name.startswith("alerts")
    )
    assert str(message.sid) in sandbox_log
    assert "?[redacted]" in sandbox_log
    assert VILLAGER[4:] not in sandbox_log
