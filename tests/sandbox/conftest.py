"""A live sandbox and a live receiver on free loopback ports, driven by the real SDK."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from flask import Flask, Response, request
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from werkzeug.serving import BaseWSGIServer

from alerts.core.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, Settings
from alerts.messaging.twilio_sms import build_twilio_client
from alerts.sandbox.app import SandboxApp, SandboxConfig, create_sandbox_app, make_sandbox_server

ALERT_NUMBER = "+15005550006"
POLL_TIMEOUT_S = 5.0


def serve_in_background(app: Flask) -> tuple[BaseWSGIServer, str]:
    server = make_sandbox_server(app, "127.0.0.1", 0)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def wait_until(condition: Callable[[], bool], timeout_s: float = POLL_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


@dataclass(frozen=True)
class Received:
    path: str
    form: dict[str, str]
    signature_valid: bool


@dataclass
class Receiver:
    """Stands in for the alerts web app: records what Twilio (the sandbox) posts."""

    url: str = ""
    reply_body: str = ""
    reply_type: str = "text/xml"
    # How many of the next posts to answer with HTTP 500, to exercise retries.
    fail_next: int = 0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def posts(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]

    def wait_for(self, path: str, count: int) -> list[Received]:
        wait_until(lambda: len(self.posts(path)) >= count)
        return self.posts(path)

    def reply_with_twiml(self, *messages: str) -> None:
        inner = "".join(f"<Message>{m}</Message>" for m in messages)
        self.reply_body = f'<?xml version="1.0" encoding="UTF-8"?><Response>{inner}</Response>'
        self.reply_type = "text/xml"


def make_receiver_app(receiver: Receiver) -> Flask:
    app = Flask("receiver")
    validator = RequestValidator(SANDBOX_AUTH_TOKEN)

    @app.post("/<path:path>")
    def record(path: str) -> Response:
        form = request.form.to_dict()
        valid = validator.validate(request.url, form, request.headers.get("X-Twilio-Signature", ""))
        with receiver.lock:
            receiver.received.append(Received("/" + path, form, valid))
            if receiver.fail_next > 0:
                receiver.fail_next -= 1
                return Response("boom", status=500)
        if path == "sms/twilio":
            return Response(receiver.reply_body, content_type=receiver.reply_type)
        return Response("", status=204)

    return app


@dataclass(frozen=True)
class Sandbox:
    app: SandboxApp
    url: str
    config: SandboxConfig


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    server, receiver.url = serve_in_background(make_receiver_app(receiver))
    yield receiver
    server.shutdown()


@pytest.fixture
def sandbox_config(receiver: Receiver) -> SandboxConfig:
    return SandboxConfig(
        account_sid=SANDBOX_ACCOUNT_SID,
        auth_token=SANDBOX_AUTH_TOKEN,
        webhook_url=receiver.url + "/sms/twilio",
        alert_number=ALERT_NUMBER,
        callback_delay_s=0.01,
        callback_retry_delay_s=0.01,
        callback_timeout_s=2.0,
        webhook_timeout_s=2.0,
    )


@pytest.fixture
def start_sandbox(sandbox_config: SandboxConfig) -> Iterator[Callable[..., Sandbox]]:
    started: list[tuple[BaseWSGIServer, SandboxApp]] = []

    def start(**changes: Any) -> Sandbox:
        config = replace(sandbox_config, **changes)
        app = create_sandbox_app(config)
        server, url = serve_in_background(app)
        started.append((server, app))
        return Sandbox(app, url, config)

    yield start
    for server, app in started:
        server.shutdown()
        app.close()


@pytest.fixture
def sandbox(start_sandbox: Callable[..., Sandbox]) -> Sandbox:
    return start_sandbox()


def client_for(url: str, auth_token: str = SANDBOX_AUTH_TOKEN) -> Client:
    settings = Settings(
        twilio_account_sid=SANDBOX_ACCOUNT_SID,
        twilio_auth_token=auth_token,
        twilio_api_base=url,
    )
    return build_twilio_client(settings)


@pytest.fixture
def client(sandbox: Sandbox) -> Client:
    return client_for(sandbox.url)
