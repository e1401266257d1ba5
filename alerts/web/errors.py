"""Clear answers for bad requests, and never a number in an error page."""

from __future__ import annotations

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

HINTS = {
    400: "The request is missing a required field or is malformed.",
    403: "Forbidden. Webhooks must carry a valid X-Twilio-Signature for ALERTS_PUBLIC_URL.",
    404: "No such page.",
    405: "Method not allowed here.",
    413: "The request is too large: SMS webhooks are a few kilobytes. "
    "See ALERTS_MAX_REQUEST_BYTES.",
}


def _error(error: HTTPException) -> tuple[Response, int]:
    code = error.code or 500
    message = error.description if code == 400 and error.description else HINTS.get(code)
    return jsonify(error=error.name, message=message or error.name), code


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _error)
