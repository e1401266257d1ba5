"""Only Twilio may call the webhooks: check X-Twilio-Signature."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort, request
from twilio.request_validator import RequestValidator

from alerts.web.context import web_context

log = logging.getLogger("alerts.security")

F = TypeVar("F", bound=Callable[..., Any])


def signed_url() -> str:
    """The URL Twilio signed: the public one, not the one the proxy forwarded to us.

    Behind a TLS-terminating proxy the app sees http://10.0.0.5:5000/..., but
    Twilio signed https://alerts.example.org/...; only ALERTS_PUBLIC_URL knows.
    """
    settings = web_context().settings
    path = request.full_path.rstrip("?")
    return settings.url_for(path)


def require_twilio_signature(view: F) -> F:
    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        settings = web_context().settings
        signature = request.headers.get("X-Twilio-Signature", "")
        validator = RequestValidator(settings.twilio_auth_token)
        if not signature or not validator.validate(signed_url(), request.form, signature):
            log.warning(
                "security: rejected %s %s: %s Twilio signature (client %s)",
                request.method,
                request.path,
                "invalid" if signature else "missing",
                request.remote_addr,
            )
            abort(403)
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
