"""Logging in and out."""

from __future__ import annotations

import hashlib
import hmac
import logging

from flask import (
    Blueprint,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from alerts.console import users
from alerts.console.login_throttle import LoginThrottle
from alerts.core.db.session import write_transaction
from alerts.web.console.errors import html_error
from alerts.web.console.security import SESSION_KEY, login_required
from alerts.web.context import web_context

log = logging.getLogger(__name__)

bp = Blueprint("console_auth", __name__, url_prefix="/console")
bp.register_error_handler(HTTPException, html_error)


def _throttle() -> LoginThrottle:
    throttle: LoginThrottle = current_app.extensions["alerts_login_throttle"]
    return throttle


def typed_name(username: str) -> str:
    """How a failed login's username is logged: a keyed hash, never the text.

    People type their password into the username box. A log line with the typed
    text would keep it; an unkeyed hash could be checked against a dictionary. With
    the app's secret key, the same name logs the same tag, so a flood on one
    account still reads as one in the logs.
    """
    key = str(current_app.secret_key or "").encode()
    digest = hmac.new(key, username.strip().lower().encode(), hashlib.sha256).hexdigest()
    return f"user#{digest[:12]}"


def _safe_next(target: str | None) -> str:
    # Only our own console paths: never an open redirect.
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return url_for("console_queue.index")


@bp.get("/login")
def login() -> str:
    return render_template("console/login.html", next=request.args.get("next", ""))


@bp.post("/login")
def login_post() -> Response | tuple[str, int]:
    ctx = web_context()
    username = request.form.get("username", "").strip()[:64]
    password = request.form.get("password", "")[:1024]
    address = request.remote_addr or "unknown"
    throttle = _throttle()
    # Counted before the password is checked, so parallel guesses cannot overtake the count.
    attempt = throttle.begin(address, username)
    if attempt is None:
        log.warning("security: login throttled for %s from %s", typed_name(username), address)
        page = render_template(
            "console/login.html",
            next="",
            error="Too many failed logins from here. Wait a few minutes, or ask an administrator.",
        )
        return page, 429
    try:
        with write_transaction(ctx.factory) as db:
            user = users.authenticate(db, username, password)
            token = users.start_session(db, user, ctx.clock.now()) if user is not None else None
    except Exception:
        throttle.release(attempt)  # an error is not a wrong password
        raise
    if token is None:
        # The attempt keeps its places in the counters: they count this failure.
        log.warning("security: failed login for %s from %s", typed_name(username), address)
        page = render_template("console/login.html", next="", error="Wrong username or password.")
        return page, 401
    throttle.release(attempt)
    # A fresh cookie: no session fixation, and a fresh CSRF token.
    session.clear()
    session[SESSION_KEY] = token
    log.info("login: %s from %s", username.lower(), address)
    return redirect(_safe_next(request.form.get("next")), code=303)


@bp.post("/logout")
@login_required
def logout() -> Response:
    ctx = web_context()
    token = session.get(SESSION_KEY)
    if isinstance(token, str):
        with write_transaction(ctx.factory) as db:
            users.end_session(db, token, ctx.clock.now())
    session.clear()
    return redirect(url_for("console_auth.login"), code=303)
