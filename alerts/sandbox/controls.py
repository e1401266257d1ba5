"""The sandbox's own `/_sandbox/` controls: health, failing numbers, API faults, resets.

Tests and `alerts sandbox` use them to make Twilio misbehave on purpose.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from alerts.sandbox.faults import FAULT_KINDS, Fault
from alerts.sandbox.state import current_sandbox
from alerts.sandbox.store import FailureRule, FailureStatus

bp = Blueprint("controls", __name__)


def control_data() -> dict[str, str]:
    """A control request's fields, sent as JSON or as a form."""
    if request.is_json:
        data = request.get_json(silent=True)
        if isinstance(data, dict):
            return {str(k): str(v) for k, v in data.items() if v is not None}
        return {}
    return {k: v for k, v in request.values.items()}


@bp.get("/_sandbox/health")
def health() -> tuple[Response, int]:
    sandbox = current_sandbox()
    config = sandbox.sandbox_config
    store = sandbox.store
    return jsonify(
        status="ok",
        account_sid=config.account_sid,
        webhook_url=config.webhook_url,
        messages=len(store),
    ), 200


@bp.get("/_sandbox/failures")
def list_failures() -> tuple[Response, int]:
    store = current_sandbox().store
    failures = {
        number: {"status": rule.status, "error_code": rule.error_code}
        for number, rule in store.failures().items()
    }
    return jsonify(failures=failures), 200


@bp.post("/_sandbox/failures")
def add_failure() -> tuple[Response, int]:
    store = current_sandbox().store
    data = control_data()
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


@bp.delete("/_sandbox/failures")
def clear_failures() -> tuple[Response, int]:
    store = current_sandbox().store
    number = control_data().get("number", "").strip()
    store.clear_failures(number or None)
    return jsonify(cleared=True), 200


@bp.delete("/_sandbox/messages")
def clear_messages() -> tuple[Response, int]:
    store = current_sandbox().store
    store.clear()
    return jsonify(cleared=True), 200


@bp.post("/_sandbox/api_faults")
def add_fault() -> tuple[Response, int]:
    sandbox = current_sandbox()
    data = control_data()
    kind = data.get("kind", "").strip()
    if kind not in FAULT_KINDS:
        return jsonify(error=f"'kind' must be one of {', '.join(FAULT_KINDS)}"), 400
    try:
        count = int(data.get("count") or 1)
        delay_s = float(data.get("delay_s") or 15.0)
    except ValueError:
        return jsonify(error="'count' and 'delay_s' must be numbers"), 400
    sandbox.faults.add(Fault(kind, delay_s), count)
    return jsonify(pending=sandbox.faults.pending()), 200


@bp.delete("/_sandbox/api_faults")
def clear_faults() -> tuple[Response, int]:
    sandbox = current_sandbox()
    sandbox.faults.clear()
    return jsonify(cleared=True), 200
