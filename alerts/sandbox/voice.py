"""Playing the part of a phone that beeps the alert number: an inbound call.

Twilio asks the app's voice webhook what to do with a ringing call, signed as
for SMS; the app answers TwiML. A `<Reject>` ends the call unanswered (busy
or no answer), which is what a beep needs: the caller pays nothing. The
sandbox records how each call ended so a test can check it.
"""

from __future__ import annotations

import logging
import secrets
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import requests

from alerts.sandbox.callbacks import signed_post
from alerts.sandbox.inbound import InboundError
from alerts.sandbox.store import API_VERSION

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CallResult:
    sid: str
    webhook_status: int | None
    outcome: str  # rejected-busy, rejected-rejected, answered, failed
    error: str | None = None


def call_params(account_sid: str, sid: str, from_: str, to: str) -> dict[str, str]:
    """The form Twilio posts when a call comes in."""
    return {
        "AccountSid": account_sid,
        "ApiVersion": API_VERSION,
        "CallSid": sid,
        "CallStatus": "ringing",
        "Called": to,
        "Caller": from_,
        "Direction": "inbound",
        "From": from_,
        "To": to,
        "CallerCountry": "",
        "CalledCountry": "",
    }


def outcome_of(content: bytes) -> str:
    """How Twilio would end the call after this TwiML. Raises ValueError on bad TwiML."""
    try:
        root = ET.fromstring(content)
    except ET.ParseError as error:
        raise ValueError(f"12100 Document parse failure: {error}") from None
    if root.tag != "Response":
        raise ValueError("12100 Document parse failure: root element is not <Response>")
    for verb in root:
        if verb.tag == "Reject":
            return f"rejected-{verb.get('reason', 'rejected')}"
        if verb.tag in {"Say", "Play", "Dial", "Gather", "Record", "Pause"}:
            return "answered"  # the caller's credit runs from here
        if verb.tag == "Hangup":
            return "answered"  # Twilio answers, then hangs up: still billed
    return "answered"


class CallGateway:
    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        voice_url: str,
        alert_number: str,
        timeout_s: float = 10.0,
    ) -> None:
        self._account_sid = account_sid
        self._auth_token = auth_token
        self.voice_url = voice_url
        self.alert_number = alert_number
        self._timeout_s = timeout_s
        self._lock = threading.Lock()
        self.calls: dict[str, CallResult] = {}

    def ring(self, from_: str | None, to: str | None = None, sid: str | None = None) -> CallResult:
        """A call from `from_`; with an earlier `sid`, Twilio's retry of the same call."""
        if not from_:
            raise InboundError("'from' is required")
        if sid is not None and not sid.startswith("CA"):
            raise InboundError("a call sid starts with 'CA'")
        sid = sid or "CA" + secrets.token_hex(16)
        params = call_params(self._account_sid, sid, from_, to or self.alert_number)
        try:
            response = signed_post(self.voice_url, params, self._auth_token, self._timeout_s)
        except requests.RequestException as error:
            result = CallResult(sid, None, "failed", f"webhook unreachable: {type(error).__name__}")
        else:
            if not 200 <= response.status_code < 300:
                result = CallResult(
                    sid, response.status_code, "failed", "11200 HTTP retrieval failure"
                )
            else:
                try:
                    result = CallResult(sid, response.status_code, outcome_of(response.content))
                except ValueError as error:
                    result = CallResult(sid, response.status_code, "failed", str(error))
        log.info("call %s: %s", sid, result.outcome)
        with self._lock:
            self.calls[sid] = result
        return result
