"""Playing a phone in the field: an informant's SMS to the app, or a beep call to it."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from alerts.sandbox.controls import control_data
from alerts.sandbox.inbound import InboundError
from alerts.sandbox.state import current_sandbox

bp = Blueprint("phones", __name__)


@bp.post("/_sandbox/inbound")
def inbound() -> tuple[Response, int]:
    sandbox = current_sandbox()
    data = control_data()
    try:
        result = sandbox.inbound.receive(
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


@bp.post("/_sandbox/call")
def call() -> tuple[Response, int]:
    sandbox = current_sandbox()
    data = control_data()
    try:
        result = sandbox.calls.ring(
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
