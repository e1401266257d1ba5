"""Playing the part of a villager's phone: inbound SMS posted to the app's webhook.

The webhook is built, signed and sent exactly as Twilio would, and whatever
TwiML the app answers with is "sent" back to the villager, so a test can
see the reply with `client.messages.list(to=sender)`.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import phonenumbers
import requests

from alerts.messaging.domain.segments import count_segments
from alerts.sandbox.callbacks import LifecycleWorker, signed_post
from alerts.sandbox.store import API_VERSION, MessageStore, is_message_sid

log = logging.getLogger(__name__)


class InboundError(ValueError):
    """The inbound request itself is unusable (bad sid, missing sender)."""


@dataclass(frozen=True)
class TwimlReply:
    body: str
    to: str | None = None
    from_: str | None = None
    action: str | None = None


@dataclass(frozen=True)
class InboundResult:
    sid: str
    webhook_status: int | None
    replies: list[str] = field(default_factory=list)
    reply_sids: list[str] = field(default_factory=list)
    error: str | None = None


def _country(number: str) -> str:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(number)) or ""
    except phonenumbers.NumberParseException:
        return ""


def inbound_params(account_sid: str, sid: str, from_: str, to: str, body: str) -> dict[str, str]:
    """The form Twilio posts for an incoming SMS. Unknown geography is sent empty, as by Twilio."""
    return {
        "ToCountry": _country(to),
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": _country(from_),
        "To": to,
        "ToZip": "",
        "NumSegments": str(count_segments(body)),
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": from_,
        "ApiVersion": API_VERSION,
    }


def parse_twiml(content_type: str, content: bytes) -> list[TwimlReply]:
    """The messages a webhook answer asks Twilio to send. Raises ValueError on bad TwiML.

    Works on bytes: an XML declaration, not the HTTP default of Latin-1,
    decides the encoding, and French accents must survive. Like Twilio, a
    text/plain answer is sent as one message as it stands.
    """
    if not content.strip():
        return []
    mimetype, _, options = content_type.partition(";")
    if mimetype.strip().lower() == "text/plain":
        charset = options.partition("charset=")[2].strip().strip('"') or "utf-8"
        try:
            return [TwimlReply(body=content.decode(charset).strip())]
        except (LookupError, UnicodeDecodeError):
            raise ValueError("12100 Document parse failure: undecodable text") from None
    try:
        root = ET.fromstring(content)
    except ET.ParseError as error:
        raise ValueError(f"12100 Document parse failure: {error}") from None
    if root.tag != "Response":
        raise ValueError("12100 Document parse failure: root element is not <Response>")
    replies: list[TwimlReply] = []
    for verb in root:
        if verb.tag not in {"Message", "Sms"}:
            continue
        body_el = verb.find("Body")
        text = (body_el.text or "") if body_el is not None else (verb.text or "")
        replies.append(
            TwimlReply(
                body=text.strip(),
                to=verb.get("to"),
                from_=verb.get("from"),
                action=verb.get("action"),
            )
        )
    return replies


class InboundGateway:
    def __init__(
        self,
        store: MessageStore,
        worker: LifecycleWorker,
        *,
        account_sid: str,
        auth_token: str,
        webhook_url: str,
        alert_number: str,
        timeout_s: float = 10.0,
    ) -> None:
        self._store = store
        self._worker = worker
        self._account_sid = account_sid
        self._auth_token = auth_token
        self.webhook_url = webhook_url
        self.alert_number = alert_number
        self._timeout_s = timeout_s

    def receive(
        self,
        from_: str | None,
        body: str | None,
        to: str | None = None,
        sid: str | None = None,
    ) -> InboundResult:
        """Record an SMS from `from_`, post it to the webhook and send any TwiML replies.

        With the `sid` of an earlier inbound message the stored message is
        posted again unchanged: that is how Twilio retries, and what the app's
        idempotency has to survive.
        """
        if sid and not is_message_sid(sid):
            raise InboundError("sid must be 'SM' followed by 32 lowercase hex digits")
        existing = self._store.get(sid) if sid else None
        if existing is not None:
            if existing.direction != "inbound":
                raise InboundError("sid belongs to an outbound message")
            from_, to, body = existing.from_, existing.to, existing.body
        else:
            if not from_:
                raise InboundError("'from' is required")
            to = to or self.alert_number
            body = body or ""
            existing = self._store.create(
                sid=sid,
                account_sid=self._account_sid,
                to=to,
                from_=from_,
                body=body,
                direction="inbound",
                status="received",
            )
        assert from_ is not None and to is not None and body is not None
        message_sid = existing.sid
        params = inbound_params(self._account_sid, message_sid, from_, to, body)
        try:
            response = signed_post(self.webhook_url, params, self._auth_token, self._timeout_s)
        except requests.RequestException as error:
            log.warning("inbound %s: webhook unreachable (%s)", message_sid, type(error).__name__)
            return InboundResult(
                message_sid, None, error=f"webhook unreachable: {type(error).__name__}"
            )
        log.info("inbound %s: webhook answered HTTP %s", message_sid, response.status_code)
        if not 200 <= response.status_code < 300:
            # Twilio sends nothing back when the webhook errors (error 11200).
            return InboundResult(
                message_sid, response.status_code, error="11200 HTTP retrieval failure"
            )
        try:
            twiml = parse_twiml(response.headers.get("Content-Type", ""), response.content)
        except ValueError as error:
            log.warning("inbound %s: unusable TwiML in webhook answer", message_sid)
            return InboundResult(message_sid, response.status_code, error=str(error))
        reply_sids = [self._send_reply(reply, sender=from_, alert_number=to) for reply in twiml]
        return InboundResult(
            message_sid,
            response.status_code,
            replies=[reply.body for reply in twiml],
            reply_sids=reply_sids,
        )

    def _send_reply(self, reply: TwimlReply, *, sender: str, alert_number: str) -> str:
        message = self._store.create(
            account_sid=self._account_sid,
            to=reply.to or sender,
            from_=reply.from_ or alert_number,
            body=reply.body,
            direction="outbound-reply",
            status="queued",
            status_callback=reply.action,
        )
        self._worker.deliver(message.sid)
        log.info("reply %s queued", message.sid)
        return message.sid
