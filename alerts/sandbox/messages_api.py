"""Twilio's Messages API as the sandbox serves it: create, list and fetch messages.

Only what the twilio SDK actually sends and parses is implemented, but that
part is shaped exactly like Twilio's (status codes, error codes, JSON keys,
paging envelope), so the code under test is the production code.
"""

from __future__ import annotations

import hmac
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from alerts.sandbox.state import SandboxConfig, current_sandbox
from alerts.sandbox.store import API_VERSION, Message, MessageFilter, is_e164

bp = Blueprint("messages_api", __name__)

_API = f"/{API_VERSION}/Accounts/<account_sid>"
_MAX_BODY = 1600
_DEFAULT_PAGE_SIZE = 50


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


def http_error(error: HTTPException) -> tuple[Response, int]:
    """Any HTTP error, in Twilio's shape and with its codes."""
    status = error.code or 500
    if status == 404:
        return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
    if status == 405:
        return twilio_error(405, 20004, "Method not allowed")
    return twilio_error(status, status, error.description or error.name)


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


@bp.post(f"{_API}/Messages.json")
def create_message(account_sid: str) -> tuple[Response, int]:
    sandbox = current_sandbox()
    config = sandbox.sandbox_config
    store = sandbox.store
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
    fault = sandbox.faults.next()
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
    sandbox.logger.info("message %s queued", message.sid)
    sandbox.worker.deliver(message.sid)
    if fault is not None and fault.kind == "500_after_create":
        return twilio_error(500, 20500, "Internal Server Error")
    if fault is not None and fault.kind == "timeout":
        time.sleep(fault.delay_s)  # created, but the answer comes after the client gave up
    return jsonify(message_resource(message)), 201


@bp.get(f"{_API}/Messages.json")
def list_messages(account_sid: str) -> tuple[Response, int]:
    sandbox = current_sandbox()
    config = sandbox.sandbox_config
    store = sandbox.store
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


@bp.get(f"{_API}/Messages/<message_sid>.json")
def fetch_message(account_sid: str, message_sid: str) -> tuple[Response, int]:
    sandbox = current_sandbox()
    config = sandbox.sandbox_config
    store = sandbox.store
    if not _authorized(account_sid, config):
        return twilio_error(401, 20003, "Authenticate")
    message = store.get(message_sid)
    if message is None or message.account_sid != account_sid:
        return twilio_error(404, 20404, f"The requested resource {request.path} was not found")
    return jsonify(message_resource(message)), 200


def _page_start(found: list[Message], page: int, page_size: int, token: str) -> int:
    """Where a page begins. Tokens anchor on a sid so new messages don't shift pages."""
    if token[:2] in ("PA", "PB"):
        sids = [m.sid for m in found]
        if token[2:] in sids:
            index = sids.index(token[2:])
            return index + 1 if token.startswith("PA") else max(index - page_size, 0)
    return page * page_size
