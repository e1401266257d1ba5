"""Console errors as pages (the webhooks keep their JSON errors)."""

from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: "The request was not complete or not valid.",
    401: "Your session has ended. Log in again.",
    403: "Your role does not allow this.",
    404: "No such page, or nothing you may see here.",
    405: "Not allowed here.",
    429: "Too many attempts. Wait a few minutes.",
}


def html_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    # Only our own 400 descriptions say what to fix; nothing else is echoed.
    detail = error.description if code == 400 else None
    page = render_template(
        "console/error.html", code=code, message=MESSAGES.get(code, error.name), detail=detail
    )
    return page, code
