"""The Messages API as the real twilio SDK sees it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from alerts.core.clock import FakeClock
from alerts.core.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN
from tests.sandbox.conftest import ALERT_NUMBER, Sandbox, client_for

VILLAGER = "+243810000001"
OTHER = "+243810000002"
MESSAGE_KEYS = {
    "account_sid",
    "api_version",
    "body",
    "date_created",
    "date_sent",
    "date_updated",
    "direction",
    "error_code",
    "error_message",
    "from",
    "messaging_service_sid",
    "num_media",
    "num_segments",
    "price",
    "price_unit",
    "sid",
    "status",
    "subresource_uris",
    "to",
    "uri",
}


def test_create_returns_a_queued_twilio_message(client: Client) -> None:
    message = client.messages.create(to=VILLAGER, from_=ALERT_NUMBER, body="QRF en route")

    assert message.sid is not None and message.sid.startswith("SM") and len(message.sid) == 34
    assert message.status == "queued"
    assert (message.to, message.from_, message.body) == (VILLAGER, ALERT_NUMBER, "QRF en route")
    assert message.direction == "outbound-api"
    assert message.num_segments == "1"
    assert message.account_sid == SANDBOX_ACCOUNT_SID
    assert message.date_created is not None and message.date_created.tzinfo is not None


def test_create_response_has_twilios_shape(sandbox: Sandbox) -> None:
    response = requests.post(
        f"{sandbox.url}/2010-04-01/Accounts/{SANDBOX_ACCOUNT_SID}/Messages.json",
        data={"To": VILLAGER, "From": ALERT_NUMBER, "Body": "hello"},
        auth=(SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN),
        timeout=5,
    )

    assert response.status_code == 201
    payload = response.json()
    assert set(payload) == MESSAGE_KEYS
    assert payload["api_version"] == "2010-04-01"
    assert payload["num_media"] == "0"
    assert (
        payload["uri"]
        == f"/2010-04-01/Accounts/{SANDBOX_ACCOUNT_SID}/Messages/{payload['sid']}.json"
    )
    assert payload["date_created"].endswith("+0000")


def test_wrong_token_is_refused_with_twilios_401(sandbox: Sandbox) -> None:
    client = client_for(sandbox.url, auth_token="not-the-token")

    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to=VILLAGER, from_=ALERT_NUMBER, body="hi")

    assert raised.value.status == 401
    assert raised.value.code == 20003
    assert len(sandbox.app.store) == 0


def test_401_body_is_exactly_twilios(sandbox: Sandbox) -> None:
    response = requests.get(
        f"{sandbox.url}/2010-04-01/Accounts/AC{'1' * 32}/Messages.json",
        auth=(SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN),
        timeout=5,
    )

    assert response.status_code == 401
    assert response.json() == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }


@pytest.mark.parametrize(
    ("form", "code"),
    [
        ({"From": ALERT_NUMBER, "Body": "hi"}, 21604),
        ({"To": VILLAGER, "From": ALERT_NUMBER}, 21602),
        ({"To": "0810000001", "From": ALERT_NUMBER, "Body": "hi"}, 21211),
        ({"To": VILLAGER, "Body": "hi"}, 21603),
    ],
)
def test_validation_errors_use_twilios_codes(
    sandbox: Sandbox, form: dict[str, str], code: int
) -> None:
    response = requests.post(
        f"{sandbox.url}/2010-04-01/Accounts/{SANDBOX_ACCOUNT_SID}/Messages.json",
        data=form,
        auth=(SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN),
        timeout=5,
    )

    assert response.status_code == 400
    assert response.json()["code"] == code


def test_sdk_raises_on_invalid_to(client: Client) -> None:
    with pytest.raises(TwilioRestException) as raised:
        client.messages.create(to="not-a-number", from_=ALERT_NUMBER, body="hi")

    assert (raised.value.status, raised.value.code) == (400, 21211)


def test_fetch_returns_the_message_and_404_when_unknown(client: Client) -> None:
    created = client.messages.create(to=VILLAGER, from_=ALERT_NUMBER, body="fetch me")

    fetched = client.messages(created.sid).fetch()

    assert (fetched.sid, fetched.body, fetched.to) == (created.sid, "fetch me", VILLAGER)
    with pytest.raises(TwilioRestException) as raised:
        client.messages("SM" + "f" * 32).fetch()
    assert (raised.value.status, raised.value.code) == (404, 20404)


def test_list_filters_by_recipient_newest_first_across_pages(client: Client) -> None:
    sent = [
        client.messages.create(to=VILLAGER, from_=ALERT_NUMBER, body=f"update {i}").sid
        for i in range(7)
    ]
    client.messages.create(to=OTHER, from_=ALERT_NUMBER, body="not for the villager")

    listed = client.messages.list(to=VILLAGER, page_size=3)

    assert [m.sid for m in listed] == list(reversed(sent))
    assert all(m.to == VILLAGER for m in listed)


def test_pages_link_forwards_and_back(client: Client) -> None:
    for i in range(5):
        client.messages.create(to=VILLAGER, from_=ALERT_NUMBER, body=f"m{i}")

    first = client.messages.page(to=VILLAGER, page_size=2)
    second = first.next_page()
    assert second is not None
    third = second.next_page()
    assert third is not None
    back = second.previous_page()
    assert back is not None

    assert [m.body for m in first] == ["m4", "m3"]
    assert [m.body for m in second] == ["m2", "m1"]
    assert [m.body for m in third] == ["m0"]
    assert third.next_page() is None
    assert [m.body for m in back] == ["m4", "m3"]


def test_list_filters_by_sender(client: Client) -> None:
    client.messages.create(to=VILLAGER, from_=ALERT_NUMBER, body="from the alert number")
    client.messages.create(to=VILLAGER, from_="+15005550007", body="from elsewhere")

    listed = client.messages.list(from_="+15005550007")

    assert [m.body for m in listed] == ["from elsewhere"]


def test_list_filters_by_date_sent(start_sandbox: Callable[..., Sandbox]) -> None:
    clock = FakeClock(datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    sandbox = start_sandbox(clock=clock, callback_delay_s=60.0)
    client = client_for(sandbox.url)
    client.messages.create(to=VILLAGER, from_=ALERT_NUMBER, body="day one")
    clock.advance(timedelta(days=1))
    client.messages.create(to=VILLAGER, from_=ALERT_NUMBER, body="day two")
    clock.advance(timedelta(days=1))
    client.messages.create(to=VILLAGER, from_=ALERT_NUMBER, body="day three")

    on_day_two = client.messages.list(date_sent=date(2026, 3, 2))
    before = client.messages.list(date_sent_before=datetime(2026, 3, 2, 4, 0, tzinfo=UTC))
    after = client.messages.list(date_sent_after=datetime(2026, 3, 2, 4, 0, 1, tzinfo=UTC))

    assert [m.body for m in on_day_two] == ["day two"]
    assert [m.body for m in before] == ["day two", "day one"]
    assert [m.body for m in after] == ["day three"]
