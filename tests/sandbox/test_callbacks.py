"""Status callbacks: signed, in order, and following the stored status."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest
import requests
from twilio.rest import Client

from alerts.core.settings import SANDBOX_ACCOUNT_SID
from alerts.sandbox.store import FailureRule
from tests.sandbox.conftest import ALERT_NUMBER, Receiver, Sandbox, client_for, wait_until

VILLAGER = "+243810000001"
CALLBACK_KEYS = {
    "MessageSid",
    "SmsSid",
    "AccountSid",
    "From",
    "To",
    "MessageStatus",
    "SmsStatus",
    "ApiVersion",
}


def _final_status(sandbox: Sandbox, sid: str, status: str) -> None:
    wait_until(lambda: (m := sandbox.app.store.get(sid)) is not None and m.status == status)


def test_callbacks_are_sent_then_delivered_and_validly_signed(
    client: Client, sandbox: Sandbox, receiver: Receiver
) -> None:
    message = client.messages.create(
        to=VILLAGER,
        from_=ALERT_NUMBER,
        body="QRF dispatched",
        status_callback=receiver.url + "/sms/status",
    )

    callbacks = receiver.wait_for("/sms/status", 2)

    assert [c.form["MessageStatus"] for c in callbacks] == ["sent", "delivered"]
    assert all(c.signature_valid for c in callbacks)
    sent = callbacks[0].form
    assert set(sent) == CALLBACK_KEYS
    assert sent["MessageSid"] == sent["SmsSid"] == message.sid
    assert sent["AccountSid"] == SANDBOX_ACCOUNT_SID
    assert (sent["From"], sent["To"], sent["ApiVersion"]) == (ALERT_NUMBER, VILLAGER, "2010-04-01")
    assert sent["SmsStatus"] == "sent"
    assert "ErrorCode" not in callbacks[1].form
    _final_status(sandbox, str(message.sid), "delivered")
    assert client.messages(message.sid).fetch().status == "delivered"


def test_status_progresses_without_a_callback_url(client: Client, sandbox: Sandbox) -> None:
    message = client.messages.create(to=VILLAGER, from_=ALERT_NUMBER, body="no callback")

    _final_status(sandbox, str(message.sid), "delivered")


@pytest.mark.parametrize(("status", "code"), [("undelivered", 30003), ("failed", 30008)])
def test_failed_number_ends_with_twilios_error(
    client: Client, sandbox: Sandbox, receiver: Receiver, status: str, code: int
) -> None:
    requests.post(
        sandbox.url + "/_sandbox/failures",
        json={"number": VILLAGER, "status": status},
        timeout=5,
    ).raise_for_status()

    message = client.messages.create(
        to=VILLAGER, from_=ALERT_NUMBER, body="x", status_callback=receiver.url + "/status"
    )

    callbacks = receiver.wait_for("/status", 2)
    assert [c.form["MessageStatus"] for c in callbacks] == ["sent", status]
    assert callbacks[1].form["ErrorCode"] == str(code)
    assert all(c.signature_valid for c in callbacks)
    fetched = client.messages(message.sid).fetch()
    assert (fetched.status, fetched.error_code) == (status, code)


def test_cleared_failures_deliver_again(
    client: Client, sandbox: Sandbox, receiver: Receiver
) -> None:
    requests.post(sandbox.url + "/_sandbox/failures", data={"number": VILLAGER}, timeout=5)
    requests.delete(sandbox.url + "/_sandbox/failures", timeout=5).raise_for_status()

    client.messages.create(
        to=VILLAGER, from_=ALERT_NUMBER, body="x", status_callback=receiver.url + "/status"
    )

    assert receiver.wait_for("/status", 2)[1].form["MessageStatus"] == "delivered"


def test_failure_configured_at_start_with_custom_code(
    start_sandbox: Callable[..., Sandbox], receiver: Receiver
) -> None:
    sandbox = start_sandbox(fail_numbers={VILLAGER: FailureRule.of("failed", 30007)})
    client = client_for(sandbox.url)

    client.messages.create(
        to=VILLAGER, from_=ALERT_NUMBER, body="x", status_callback=receiver.url + "/status"
    )

    final = receiver.wait_for("/status", 2)[1].form
    assert (final["MessageStatus"], final["ErrorCode"]) == ("failed", "30007")


def test_failing_receiver_is_retried_in_order(
    client: Client, sandbox: Sandbox, receiver: Receiver
) -> None:
    receiver.fail_next = 2

    client.messages.create(
        to=VILLAGER, from_=ALERT_NUMBER, body="x", status_callback=receiver.url + "/status"
    )

    callbacks = receiver.wait_for("/status", 4)
    assert [c.form["MessageStatus"] for c in callbacks] == ["sent", "sent", "sent", "delivered"]


def test_receiver_down_never_crashes_the_sandbox(client: Client, sandbox: Sandbox) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    message = client.messages.create(
        to=VILLAGER,
        from_=ALERT_NUMBER,
        body="x",
        status_callback=f"http://127.0.0.1:{closed_port}/status",
    )

    _final_status(sandbox, str(message.sid), "delivered")
    assert requests.get(sandbox.url + "/_sandbox/health", timeout=5).json()["status"] == "ok"
