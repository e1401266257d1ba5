"""The sandbox's HTTP face: Twilio's Messages API, plus a few `/_sandbox/` controls.

`messages_api` is what the twilio SDK talks to; `controls` and `phones` are the
sandbox's own, for tests and `alerts sandbox` to steer it.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from alerts.sandbox import controls, messages_api, phones
from alerts.sandbox.callbacks import CallbackPolicy, LifecycleWorker
from alerts.sandbox.faults import FaultQueue
from alerts.sandbox.inbound import InboundGateway
from alerts.sandbox.state import SandboxApp, SandboxConfig, sandbox_config_from_settings
from alerts.sandbox.store import MessageStore
from alerts.sandbox.voice import CallGateway

# The sandbox's entry points, wherever they are defined.
__all__ = [
    "SandboxApp",
    "SandboxConfig",
    "create_sandbox_app",
    "make_sandbox_server",
    "sandbox_config_from_settings",
]


def create_sandbox_app(config: SandboxConfig) -> SandboxApp:
    """A sandbox with its own, empty state: the Messages API, its controls and phones."""
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
    app.register_error_handler(HTTPException, messages_api.http_error)
    app.register_blueprint(messages_api.bp)
    app.register_blueprint(controls.bp)
    app.register_blueprint(phones.bp)
    return app


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
