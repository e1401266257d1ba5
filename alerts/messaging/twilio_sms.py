"""Twilio behind the `SmsSender` port, pointed at real Twilio or the local sandbox."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client
from urllib3.util import Timeout

from alerts.core.ports import ReceivedSms, SmsSendError
from alerts.core.settings import Settings

TWILIO_API_ORIGIN = "https://api.twilio.com"


class SandboxHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Sends the SDK's requests to the sandbox instead of api.twilio.com.

    Only the origin changes: paths, auth and payloads are exactly what the SDK
    would send to Twilio, so the code under test is the production code.
    """

    def __init__(self, api_base: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api_base = api_base.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if url.startswith(TWILIO_API_ORIGIN):
            url = self.api_base + url[len(TWILIO_API_ORIGIN) :]
        return super().request(method, url, *args, **kwargs)


def build_twilio_client(settings: Settings) -> Client:
    account_sid, auth_token = settings.require_twilio()
    http_client: TwilioHttpClient
    if settings.twilio_api_base:
        http_client = SandboxHttpClient(settings.twilio_api_base)
    else:
        http_client = TwilioHttpClient()
    # One bound for the whole call, not per read: the send lease (`send_lease`) is
    # sized on it. urllib3 counts it from the connect to the answer's first bytes.
    seconds = settings.twilio_timeout_s
    http_client.timeout = Timeout(connect=seconds, read=seconds, total=seconds)
    # The SDK logs request parameters, recipients included, at DEBUG and INFO.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    return Client(account_sid, auth_token, http_client=http_client)


class TwilioSmsSender:
    def __init__(self, client: Client, from_number: str) -> None:
        self._client = client
        self._from = from_number
        # The SDK imports its API modules on first use. Now, in a worker's parent,
        # rather than again in the child forked for every job.
        _ = client.messages

    def send(self, to: str, body: str, status_callback: str | None) -> str:
        kwargs: dict[str, Any] = {"to": to, "from_": self._from, "body": body}
        if status_callback:
            kwargs["status_callback"] = status_callback
        try:
            message = self._client.messages.create(**kwargs)
        except TwilioRestException as error:
            # Twilio's own message may quote the recipient; keep only the codes.
            # A 429 was turned away before anything was created; after a 5xx nobody knows.
            raise SmsSendError(
                f"Twilio refused the message: HTTP {error.status}, code {error.code}",
                retryable=error.status == 429 or error.status >= 500,
                code=error.code,
                ambiguous=error.status >= 500,
            ) from None
        except OSError as error:
            # A timeout may come after Twilio created the message.
            raise SmsSendError(
                f"Twilio unreachable: {type(error).__name__}", retryable=True, ambiguous=True
            ) from None
        return str(message.sid)

    def find_sent(self, to: str, body: str, since: datetime) -> list[str]:
        """Asks Twilio for our recent messages to `to`, newest first, and matches the body."""
        try:
            recent = self._client.messages.list(to=to, from_=self._from, limit=50)
        except TwilioRestException as error:
            raise SmsSendError(
                f"Twilio could not list messages: HTTP {error.status}, code {error.code}",
                retryable=True,
                code=error.code,
                ambiguous=True,
            ) from None
        except OSError as error:
            raise SmsSendError(
                f"Twilio unreachable: {type(error).__name__}", retryable=True, ambiguous=True
            ) from None
        return [
            str(message.sid)
            for message in recent
            if message.body == body
            and (message.date_created is None or message.date_created >= since)
        ]


class TwilioInbox:
    """The SMS Twilio received for our numbers, from its Messages API."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def received(self, to: str, since: datetime) -> list[ReceivedSms]:
        try:
            listed = self._client.messages.list(to=to, date_sent_after=since, page_size=1000)
        except TwilioRestException as error:
            raise SmsSendError(
                f"Twilio could not list messages: HTTP {error.status}, code {error.code}",
                retryable=True,
                code=error.code,
            ) from None
        except OSError as error:
            raise SmsSendError(
                f"Twilio unreachable: {type(error).__name__}", retryable=True
            ) from None
        found = [
            ReceivedSms(
                provider_sid=str(message.sid),
                from_number=str(message.from_),
                body=message.body or "",
                sent_at=message.date_sent or message.date_created,
                num_segments=int(message.num_segments) if message.num_segments else None,
            )
            for message in listed
            if message.direction == "inbound" and (message.date_sent or message.date_created)
        ]
        return sorted(found, key=lambda sms: sms.sent_at)
