"""The sandbox's HTTP face: Twilio's Messages API, plus a few `/_sandbox/` controls.

Only what the twilio SDK actually sends and parses is implemented, but that
part is shaped exactly like Twilio's (status codes, error codes, JSON keys,
paging envelope), so the code under test is the production code.
"""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from alerts.core.clock import Clock, SystemClock
from alerts.core.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, Settings
from alerts.sandbox.callbacks import CallbackPolicy, LifecycleWorker
from alerts.sandbox.faults import FAULT_KINDS, Fault, FaultQueue
from alerts.sandbox.inbound import InboundError, InboundGateway
from alerts.sandbox.store import (
    API_VERSION,
    FailureRule,
    FailureStatus,
    Message,
    MessageFilter,
    MessageStore,
    is_e164,
)
from alerts.sandbox.voice import CallGateway

_API = f"/{API_VERSION}/Accounts/<account_sid>"
_MAX_BODY = 1600
_DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class SandboxConfig:
    account_sid: str
    auth_token: str
    webhook_url: str
    alert_number: str
    callback_delay_s: float = 0.2
    callback_retries: int = 3
    callback_retry_delay_s: float = 0.2
    callback_timeout_s: float = 5.0
    webhook_timeout_s: float = 10.0
    fail_numbers: Mapping[str, FailureRule] = field(default_factory=dict)
    clock: Clock = field(default_factory=SystemClock)
    # The app's voice webhook, for beeps; by default next to the SMS one.
    voice_url: str | None = None

    @property
    def voice_webhook_url(self) -> str:
        return self.voice_url or self.webhook_url.replace("/sms/twilio", "/voice/twilio")


def sandbox_config_from_settings(settings: Settings, **overrides: Any) -> SandboxConfig:
    """The sandbox as the app will see it: same credentials, same webhook URL, same number."""
    values: dict[str, Any] = {
        "account_sid": settings.twilio_account_sid or SANDBOX_ACCOUNT_SID,
        "auth_token": settings.twilio_auth_token or SANDBOX_AUTH_TOKEN,
        "webhook_url": settings.url_for("/sms/twilio"),
        "alert_number": settings.sms_from,
    }
    values.update(overrides)
    return SandboxConfig(**values)


class SandboxApp(Flask):
    """A Flask app that also carries the sandbox's state, so tests can inspect it."""

    store: MessageStore
    worker: LifecycleWorker
    inbound: InboundGateway
    calls: CallGateway
    faults: FaultQueue
    sandbox_config: SandboxConfig

    def close(self) -> None:
        """Stop the callback threads. Pending callbacks are dropped."""
        self.worker.stop()


def _rfc2822(moment: datetime | None) -> str | None:
    return format_datetime(moment.astimezone(UTC)) if moment else None


def message_resource(message: Message) -> dict[str, Any]:
    uri = f"/{API_VERSION}/Accounts/{message.account_sid}/Messages/{message.sid}.json"
    return {
        "account_sid": message.account_sid,
        "api_version": API_VERSION,
        "body": message.body,
        "date_created": _rfc2822(message.date_created),
        "date_sent": _rfc2822(message.date_sent),
        "date_updated": _rfc2822(message.date_updated),
        "direction": message.direction,
        "error_code": message.error_code,
        "error_message": message.error_message,
        "from": message.from_,
        "messaging_service_sid": message.messaging_service_sid,
        "num_media": "0",
        "num_segments": str(message.num_segments),
        "price": None,
        "price_unit": "USD",
        "sid": message.sid,
        "status": message.status,
        "subresource_uris": {"media": uri[: -len(".json")] + "/Media.json"},
        "to": message.to,
        "uri": uri,
    }


def twilio_error(status: int, code: int, message: str) -> tuple[Response, int]:
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return jsonify(body), status


def _authorized(account_sid: str, config: SandboxConfig) -> bool:
    auth = request.authorization
    if auth is None or auth.type != "basic":
        return False
    # Compare both in full, always, so a wrong sid and a wrong token take as long.
    user_ok = hmac.compare_digest((auth.username or "").encode(), config.account_sid.encode())
    token_ok = hmac.compare_digest((auth.password or "").encode(), config.auth_token.encode())
    return user_ok and token_ok and account_sid == config.account_sid


def _parse_date(value: str) -> tuple[datetime, bool] | None:
    for fmt, date_only in (("%Y-%m-%d", True), ("%Y-%m-%dT%H:%M:%SZ", False)):
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC), date_only
        except ValueError:
            continue
    return None


def _control_data() -> dict[str, str]:
    if request.is_json:
        data = request.get_json(silent=True)
        if isinstance(data, dict):
            return {str(k): str(v) for k, v in data.items() if v is not None}
        return {}
    return {k: v for k, v in request.values.items()}


def create_sandbox_app(config: SandboxConfig) -> SandboxApp:
    app = SandboxApp(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    app.sandbox_config = config
    app.store = MessageStore(config.clock)
    for number, rule in config.fail_numbers.items():
        app.store.fail_number(number, rule)
    policy = CallbackPolicy(
        delay_s=config.callback_delay_s,
        retries=config.callback_retries,
        retry_delay_s=config.callback_retry_delay_s,
        timeout_s=config.callback_timeout_s,
    )
    app.worker = LifecycleWorker(app.store, config.auth_token, policy)
    app.inbound = InboundGateway(
        app.store,
        app.worker,
        account_sid=config.account_sid,
        auth_token=config.auth_token,
        webhook_url=config.webhook_url,
        alert_number=config.alert_number,
        timeout_s=config.webhook_timeout_s,
    )
    app.calls = CallGateway(
        account_sid=config.account_sid,
        auth_token=config.auth_token,
        voice_url=config.voice_webhook_url,
        alert_number=config.alert_number,
        timeout_s=config.webhook_timeout_s,
    )
    app.faults = FaultQueue()
    store = app.store

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        status = error.code or 500
        if status == 404:
            return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
        if status == 405:
            return twilio_error(405, 20004, "Method not allowed")
        return twilio_error(status, status, error.description or error.name)

    @app.post(f"{_API}/Messages.json")
    def create_message(account_sid: str) -> tuple[Response, int]:
        if not _authorized(account_sid, config):
            return twilio_error(401, 20003, "Authenticate")
        form = request.form
        to = form.get("To", "").strip()
        from_ = form.get("From", "").strip()
        service_sid = form.get("MessagingServiceSid", "").strip() or None
        body = form.get("Body")
        callback = form.get("StatusCallback", "").strip() or None
        if not to:
            return twilio_error(400, 21604, "A 'To' phone number is required.")
        if not from_ and not service_sid:
            return twilio_error(400, 21603, "A 'From' phone number is required.")
        if not body:
            return twilio_error(400, 21602, "Message body is required.")
        if not is_e164(to):
            # Twilio quotes the number here; the sandbox does not, to keep it out of logs.
            return twilio_error(400, 21211, "Invalid 'To' Phone Number")
        if len(body) > _MAX_BODY:
            return twilio_error(
                400, 21617, "The concatenated message body exceeds the 1600 character limit."
            )
        if callback and not callback.startswith(("http://", "https://")):
            return twilio_error(400, 21609, "Invalid StatusCallback url")
        fault = app.faults.next()
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay_s)
        elif fault is not None and fault.kind == "429":
            return twilio_error(429, 20429, "Too Many Requests")
        elif fault is not None and fault.kind == "500":
            return twilio_error(500, 20500, "Internal Server Error")
        message = store.create(
            account_sid=account_sid,
            to=to,
            from_=from_ or config.alert_number,
            body=body,
            direction="outbound-api",
            status="queued",
            messaging_service_sid=service_sid,
            status_callback=callback,
        )
        app.logger.info("message %s queued", message.sid)
        app.worker.deliver(message.sid)
        if fault is not None and fault.kind == "500_after_create":
            return twilio_error(500, 20500, "Internal Server Error")
        if fault is not None and fault.kind == "timeout":
            time.sleep(fault.delay_s)  # created, but the answer comes after the client gave up
        return jsonify(message_resource(message)), 201

    @app.get(f"{_API}/Messages.json")
    def list_messages(account_sid: str) -> tuple[Response, int]:
        if not _authorized(account_sid, config):
            return twilio_error(401, 20003, "Authenticate")
        args = request.args
        bounds: dict[str, tuple[datetime, bool] | None] = {}
        for key in ("DateSent", "DateSent<", "DateSent>"):
            if args.get(key):
                bounds[key] = _parse_date(args[key])
                if bounds[key] is None:
                    return twilio_error(400, 20001, f"Invalid {key}")
        try:
            page_size = min(max(int(args.get("PageSize", _DEFAULT_PAGE_SIZE)), 1), 1000)
            page = max(int(args.get("Page", 0)), 0)
        except ValueError:
            return twilio_error(400, 20001, "Invalid paging parameters")
        filters = [(key, args[key]) for key in ("To", "From", *bounds) if args.get(key)]
        where = MessageFilter(
            to=args.get("To") or None,
            from_=args.get("From") or None,
            sent_on=bounds.get("DateSent"),
            sent_before=bounds.get("DateSent<"),
            sent_after=bounds.get("DateSent>"),
        )
        found = store.select(where.matches)
        start = _page_start(found, page, page_size, args.get("PageToken", ""))
        items = found[start : start + page_size]
        base = f"/{API_VERSION}/Accounts/{account_sid}/Messages.json"

        def uri(page_number: int, token: str | None) -> str:
            query = [*filters, ("PageSize", str(page_size)), ("Page", str(page_number))]
            if token:
                query.append(("PageToken", token))
            return f"{base}?{urlencode(query)}"

        has_next = start + page_size < len(found)
        envelope = {
            "messages": [message_resource(m) for m in items],
            "end": page * page_size + max(len(items) - 1, 0),
            "first_page_uri": uri(0, None),
            "next_page_uri": uri(page + 1, "PA" + items[-1].sid) if has_next and items else None,
            "page": page,
            "page_size": page_size,
            "previous_page_uri": uri(page - 1, "PB" + items[0].sid) if page and items else None,
            "start": page * page_size,
            "uri": uri(page, args.get("PageToken") or None),
        }
        return jsonify(envelope), 200

    @app.get(f"{_API}/Messages/<message_sid>.json")
    def fetch_message(account_sid: str, message_sid: str) -> tuple[Response, int]:
        if not _authorized(account_sid, config):
            return twilio_error(401, 20003, "Authenticate")
        message = store.get(message_sid)
        if message is None or message.account_sid != account_sid:
            return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
        return jsonify(message_resource(message)), 200

    @app.get("/_sandbox/health")
    def health() -> tuple[Response, int]:
        return jsonify(
            status="ok",
            account_sid=config.account_sid,
            webhook_url=config.webhook_url,
            messages=len(store),
        ), 200

    @app.get("/_sandbox/failures")
    def list_failures() -> tuple[Response, int]:
        failures = {
            number: {"status": rule.status, "error_code": rule.error_code}
            for number, rule in store.failures().items()
        }
        return jsonify(failures=failures), 200

    @app.post("/_sandbox/failures")
    def add_failure() -> tuple[Response, int]:
        data = _control_data()
        number = data.get("number", "").strip()
        status: FailureStatus
        match data.get("status", "undelivered").strip():
            case "failed":
                status = "failed"
            case "undelivered":
                status = "undelivered"
            case _:
                return jsonify(error="'status' must be 'failed' or 'undelivered'"), 400
        if not number:
            return jsonify(error="'number' is required"), 400
        try:
            code = int(data["error_code"]) if data.get("error_code") else None
        except ValueError:
            return jsonify(error="'error_code' must be a number"), 400
        rule = FailureRule.of(status, code)
        store.fail_number(number, rule)
        return jsonify(status=rule.status, error_code=rule.error_code), 200

    @app.delete("/_sandbox/failures")
    def clear_failures() -> tuple[Response, int]:
        number = _control_data().get("number", "").strip()
        store.clear_failures(number or None)
        return jsonify(cleared=True), 200

    @app.delete("/_sandbox/messages")
    def clear_messages() -> tuple[Response, int]:
        store.clear()
        return jsonify(cleared=True), 200

    @app.post("/_sandbox/api_faults")
    def add_fault() -> tuple[Response, int]:
        data = _control_data()
        kind = data.get("kind", "").strip()
        if kind not in FAULT_KINDS:
            return jsonify(error=f"'kind' must be one of {', '.join(FAULT_KINDS)}"), 400
        try:
            count = int(data.get("count") or 1)
            delay_s = float(data.get("delay_s") or 15.0)
        except ValueError:
            return jsonify(error="'count' and 'delay_s' must be numbers"), 400
        app.faults.add(Fault(kind, delay_s), count)
        return jsonify(pending=app.faults.pending()), 200

    @app.delete("/_sandbox/api_faults")
    def clear_faults() -> tuple[Response, int]:
        app.faults.clear()
        return jsonify(cleared=True), 200

    @app.post("/_sandbox/call")
    def call() -> tuple[Response, int]:
        data = _control_data()
        try:
            result = app.calls.ring(
                from_=data.get("from", "").strip() or None,
                to=data.get("to", "").strip() or None,
                sid=data.get("sid", "").strip() or None,
            )
        except InboundError as error:
            return jsonify(error=str(error)), 400
        payload: dict[str, Any] = {
            "sid": result.sid,
            "webhook_status": result.webhook_status,
            "outcome": result.outcome,
        }
        if result.error:
            payload["error"] = result.error
        return jsonify(payload), 502 if result.webhook_status is None else 200

    @app.post("/_sandbox/inbound")
    def inbound() -> tuple[Response, int]:
        data = _control_data()
        try:
            result = app.inbound.receive(
                from_=data.get("from", "").strip() or None,
                body=data.get("body"),
                to=data.get("to", "").strip() or None,
                sid=data.get("sid", "").strip() or None,
            )
        except InboundError as error:
            return jsonify(error=str(error)), 400
        payload: dict[str, Any] = {
            "sid": result.sid,
            "webhook_status": result.webhook_status,
            "replies": result.replies,
            "reply_sids": result.reply_sids,
        }
        if result.error:
            payload["error"] = result.error
        # 502 only when the app could not be reached at all; its own errors are reported.
        return jsonify(payload), 502 if result.webhook_status is None else 200

    return app


def _page_start(found: list[Message], page: int, page_size: int, token: str) -> int:
    """Where a page begins. Tokens anchor on a sid so new messages don't shift pages."""
    if token[:2] in ("PA", "PB"):
        sids = [m.sid for m in found]
        if token[2:] in sids:
            index = sids.index(token[2:])
            return index + 1 if token.startswith("PA") else max(index - page_size, 0)
    return page * page_size


_QUERY = re.compile(r"\?[^\s\"]*")
_NUMBER = re.compile(r"(\+|%2B)\d{5,}", re.IGNORECASE)


class RedactingRequestHandler(WSGIRequestHandler):
    """Werkzeug's access log, minus query strings: `?To=+243...` would name an informant."""

    def log(self, type: str, message: str, *args: Any) -> None:
        text = message % args if args else message
        super().log(type, "%s", _NUMBER.sub("[number]", _QUERY.sub("?[redacted]", text)))


def make_sandbox_server(app: Flask, host: str = "127.0.0.1", port: int = 5025) -> BaseWSGIServer:
    """A threaded werkzeug server for `app`; port 0 picks a free port (see `.server_port`)."""
    return make_server(host, port, app, threaded=True, request_handler=RedactingRequestHandler)
