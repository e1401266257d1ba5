"""What a running sandbox holds: its settings, and the state tests inspect."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from flask import Flask, current_app

from alerts.core.clock import Clock, SystemClock
from alerts.core.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, Settings
from alerts.sandbox.callbacks import LifecycleWorker
from alerts.sandbox.faults import FaultQueue
from alerts.sandbox.inbound import InboundGateway
from alerts.sandbox.store import FailureRule, MessageStore
from alerts.sandbox.voice import CallGateway


@dataclass(frozen=True)
class SandboxConfig:
    account_sid: str
    auth_token: str
    webhook_url: str
    alert_number: str
    callback_delay_s: float = 0.2
    callback_retries: int = 3
    callback_retry_delay_s: float = 0.2
    callback_timeout_s: float = 5.0
    webhook_timeout_s: float = 10.0
    fail_numbers: Mapping[str, FailureRule] = field(default_factory=dict)
    clock: Clock = field(default_factory=SystemClock)
    # The app's voice webhook, for beeps; by default next to the SMS one.
    voice_url: str | None = None

    @property
    def voice_webhook_url(self) -> str:
        return self.voice_url or self.webhook_url.replace("/sms/twilio", "/voice/twilio")


def sandbox_config_from_settings(settings: Settings, **overrides: Any) -> SandboxConfig:
    """The sandbox as the app will see it: same credentials, same webhook URL, same number."""
    values: dict[str, Any] = {
        "account_sid": settings.twilio_account_sid or SANDBOX_ACCOUNT_SID,
        "auth_token": settings.twilio_auth_token or SANDBOX_AUTH_TOKEN,
        "webhook_url": settings.url_for("/sms/twilio"),
        "alert_number": settings.sms_from,
    }
    values.update(overrides)
    return SandboxConfig(**values)


class SandboxApp(Flask):
    """A Flask app that also carries the sandbox's state, so tests can inspect it."""

    store: MessageStore
    worker: LifecycleWorker
    inbound: InboundGateway
    calls: CallGateway
    faults: FaultQueue
    sandbox_config: SandboxConfig

    def close(self) -> None:
        """Stop the callback threads. Pending callbacks are dropped."""
        self.worker.stop()


def current_sandbox() -> SandboxApp:
    """The sandbox serving the current request, with its state."""
    return cast(SandboxApp, current_app)
