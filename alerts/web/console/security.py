"""What every console request goes through: its user, its permission, its headers.

- A server-side session (see services/users.py) behind a signed, HttpOnly,
  SameSite=Strict cookie, Secure unless ALERTS_COOKIE_SECURE=0. A secure cookie is
  named `__Host-…`: browsers then refuse it unless it is Secure, for Path=/ and with
  no Domain, so no sibling host or plain-HTTP page can plant or overwrite it.
- Strict-Transport-Security on every response whenever cookies are secure: after the
  first visit, the browser never tries plain HTTP (where a cookie could be stripped).
- Every console page checks a permission, reading ones `view` (see `require`).
- CSRF tokens on every POST (Flask-WTF); nothing changes state on GET.
- A Content-Security-Policy with no inline script or style, and no-store on
  every console page: they hold informants' words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from alerts.console import scoping, users
from alerts.console.domain.roles import PERMISSIONS, Permission, may
from alerts.console.users import CurrentUser
from alerts.core.db.session import write_transaction
from alerts.core.settings import Settings
from alerts.correlation.models import Incident
from alerts.web.context import web_context

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

SESSION_KEY = "sid"
COOKIE_NAME = "alerts_console"
# Two years. No includeSubDomains (nor preload, which needs it): the other hosts of
# the mission's domain are not ours to force onto HTTPS.
HSTS = "max-age=63072000"


def cookie_name(secure: bool) -> str:
    """The session cookie's name: `__Host-` prefixed whenever it is Secure."""
    return f"__Host-{COOKIE_NAME}" if secure else COOKIE_NAME


def configure(app: Flask, settings: Settings) -> CSRFProtect:
    app.config.update(
        SESSION_COOKIE_NAME=cookie_name(settings.cookie_secure),
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        # What the __Host- prefix requires besides Secure: Path=/ and no Domain.
        SESSION_COOKIE_PATH="/",
        SESSION_COOKIE_DOMAIN=None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        # The console is open all shift long; the session's idle timeout bounds the token.
        WTF_CSRF_TIME_LIMIT=None,
    )
    csrf = CSRFProtect(app)
    app.after_request(_headers)
    return csrf


def csp(tile_url: str | None, *, inline_styles: bool = False) -> str:
    """No inline script, ever. `inline_styles` only for the evaluators' report
    documents, which carry their own <style>."""
    img = "'self' data:"
    if tile_url:
        # Only the tile server's origin; Leaflet's {s} subdomains become a host wildcard.
        scheme, _, rest = tile_url.partition("://")
        img += f" {scheme}://{rest.split('/', 1)[0].replace('{s}', '*')}"
    style = "'self' 'unsafe-inline'" if inline_styles else "'self'"
    return (
        f"default-src 'self'; script-src 'self'; style-src {style}; "
        f"img-src {img}; connect-src 'self'; font-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def _headers(response: Response) -> Response:
    ctx = web_context()
    if ctx.settings.cookie_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    reports = request.path.startswith("/reports")
    if request.path.startswith("/console") or request.path == "/" or reports:
        policy = csp(None if reports else ctx.settings.tile_url, inline_styles=reports)
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def load_user(*, touch: bool) -> CurrentUser | None:
    """The user of this request's session, ending it if it went idle."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    ctx = web_context()
    now, idle = ctx.clock.now(), ctx.settings.session_idle
    with ctx.factory() as db:
        user = users.session_user(db, token, now, idle, touch=touch)
        if not db.dirty:
            return user
        db.rollback()
    # Reads stay reads; only a touch or an ending takes the write lock.
    with write_transaction(ctx.factory) as db:
        return users.session_user(db, token, now, idle, touch=touch)


def current_user() -> CurrentUser:
    user: CurrentUser = g.user
    return user


def _guard(view: Callable[P, R], *, touch: bool) -> Callable[P, R | Response]:
    @wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        user = load_user(touch=touch)
        if user is None:
            session.pop(SESSION_KEY, None)
            if touch and request.method == "GET":
                return redirect(url_for("console_auth.login", next=request.path), code=303)
            abort(401)
        g.user = user
        g.user_permissions = PERMISSIONS.get(user.role, frozenset())  # type: ignore[call-overload]
        return view(*args, **kwargs)

    return wrapped


def login_required(view: Callable[P, R]) -> Callable[P, R | Response]:
    """A page or action a person asked for: it counts as activity."""
    return _guard(view, touch=True)


def login_required_passive(view: Callable[P, R]) -> Callable[P, R | Response]:
    """What the page fetches by itself (stream, refreshed rows, map): it does not keep
    an unattended console logged in past the idle timeout. Answers 401, never a redirect."""
    return _guard(view, touch=False)


def require(permission: Permission) -> None:
    """403 unless the current user's role allows `permission` (logged: it may be probing)."""
    user = current_user()
    if not may(user.role, permission):
        log.warning(
            "security: %s (role %s) refused %s on %s",
            user.username,
            user.role,
            permission,
            request.path,
        )
        abort(403)


def visible_incident_or_404(db: Session, incident_id: int) -> Incident:
    """Another scope's incident is as good as absent: 404, never 403."""
    incident = scoping.visible_incident(db, current_user().scope, incident_id)
    if incident is None:
        abort(404)
    return incident
