"""`alerts sandbox`: run the local Twilio stand-in, and text it as a villager would."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

import click
import requests

from alerts.cli.common import load_settings
from alerts.core.log import configure_logging
from alerts.sandbox.store import FailureRule

DEFAULT_SANDBOX_URL = "http://127.0.0.1:5025"


def _parse_fail_numbers(values: tuple[str, ...]) -> dict[str, FailureRule]:
    rules: dict[str, FailureRule] = {}
    for value in values:
        number, _, status = value.partition(":")
        status = status or "undelivered"
        if status == "failed":
            rules[number] = FailureRule.of("failed")
        elif status == "undelivered":
            rules[number] = FailureRule.of("undelivered")
        else:
            raise click.BadParameter(
                "use NUMBER or NUMBER:failed or NUMBER:undelivered", param_hint="--fail-number"
            )
    return rules


@click.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=5025, show_default=True, type=int, help="0 picks a free port.")
@click.option(
    "--fail-number",
    "fail_numbers",
    multiple=True,
    metavar="NUMBER[:failed|undelivered]",
    help="Messages to this number end undelivered (30003) or failed (30008). Repeatable.",
)
@click.option(
    "--callback-delay",
    default=0.2,
    show_default=True,
    type=float,
    help="Seconds between status callbacks.",
)
@click.option(
    "--webhook-url",
    default=None,
    help="Inbound webhook URL. Default: ALERTS_PUBLIC_URL + /sms/twilio.",
)
@click.pass_context
def sandbox(
    ctx: click.Context,
    host: str,
    port: int,
    fail_numbers: tuple[str, ...],
    callback_delay: float,
    webhook_url: str | None,
) -> None:
    """Run the local Twilio-compatible sandbox (Messages API, callbacks, inbound SMS)."""
    if ctx.invoked_subcommand is not None:
        return
    # Imported here so `alerts sandbox send` stays light.
    from alerts.sandbox.app import (
        create_sandbox_app,
        make_sandbox_server,
        sandbox_config_from_settings,
    )

    settings = load_settings()
    overrides: dict[str, Any] = {
        "fail_numbers": _parse_fail_numbers(fail_numbers),
        "callback_delay_s": callback_delay,
    }
    if webhook_url:
        overrides["webhook_url"] = webhook_url
    # The sandbox logs sids only; this adds the project's number mask as a backstop.
    configure_logging(settings.log_level)
    config = sandbox_config_from_settings(settings, **overrides)
    app = create_sandbox_app(config)
    try:
        server = make_sandbox_server(app, host, port)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None

    url = f"http://{host}:{server.server_port}"
    click.echo(f"Twilio sandbox listening on {url}")
    click.echo(f"  account sid  {config.account_sid}")
    click.echo(f"  webhook      {config.webhook_url}")
    click.echo(f"Point the app at it with TWILIO_API_BASE={url}. Ctrl-C stops it.")

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    serving = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="sandbox-http", daemon=True
    )
    serving.start()
    try:
        # The main thread only waits, so signals are handled at once.
        while not stop.wait(0.5) and serving.is_alive():
            pass
    finally:
        server.shutdown()
        serving.join(timeout=5)
        app.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Twilio sandbox stopped.")


def _control(sandbox_url: str, path: str, payload: dict[str, str]) -> dict[str, Any]:
    """POST to one of the running sandbox's controls; errors say what to do."""
    try:
        response = requests.post(sandbox_url.rstrip("/") + path, json=payload, timeout=30)
    except requests.RequestException:
        raise click.ClickException(
            f"cannot reach the sandbox at {sandbox_url}. Start it first with `alerts sandbox`."
        ) from None
    try:
        result: dict[str, Any] = response.json()
    except ValueError:
        raise click.ClickException(
            f"{sandbox_url} answered HTTP {response.status_code} without JSON: is it the sandbox?"
        ) from None
    if response.status_code == 400:
        raise click.ClickException(str(result.get("error", "refused by the sandbox")))
    return result


@sandbox.command("send")
@click.option("--from", "from_", required=True, help="Sender number, e.g. +243810000001.")
@click.option("--to", default=None, help="Receiving number. Default: the alert number.")
@click.option(
    "--sandbox-url",
    envvar="TWILIO_API_BASE",
    default=DEFAULT_SANDBOX_URL,
    show_default=True,
    help="The running sandbox. Default from TWILIO_API_BASE.",
)
@click.option(
    "--sid", default=None, help="Re-post this earlier inbound MessageSid, as a Twilio retry does."
)
@click.argument("text")
def send(from_: str, to: str | None, sandbox_url: str, sid: str | None, text: str) -> None:
    """Text TEXT to the alert number as if from a phone, through the running sandbox."""
    payload = {"from": from_, "body": text}
    if to:
        payload["to"] = to
    if sid:
        payload["sid"] = sid
    result = _control(sandbox_url, "/_sandbox/inbound", payload)
    click.echo(f"MessageSid: {result.get('sid')}")
    status = result.get("webhook_status")
    click.echo(f"Webhook: HTTP {status}" if status is not None else "Webhook: not reached")
    for reply in result.get("replies", []):
        click.echo(f"Reply: {reply}")
    if status is None:
        raise click.ClickException(
            f"{result.get('error', 'webhook unreachable')}. Is the web app running?"
        )
    if result.get("error"):
        click.echo(f"Webhook problem: {result['error']}", err=True)


@sandbox.command("call")
@click.option("--from", "from_", required=True, help="Caller number, e.g. +243970000001.")
@click.option(
    "--sandbox-url",
    envvar="TWILIO_API_BASE",
    default=DEFAULT_SANDBOX_URL,
    show_default=True,
    help="The running sandbox. Default from TWILIO_API_BASE.",
)
def call(from_: str, sandbox_url: str) -> None:
    """Beep the alert number (a missed call) as if from a phone, through the running sandbox."""
    result = _control(sandbox_url, "/_sandbox/call", {"from": from_})
    click.echo(f"CallSid: {result.get('sid')}")
    click.echo(f"Call ended: {result.get('outcome')}")
    if result.get("webhook_status") is None:
        raise click.ClickException(
            f"{result.get('error', 'webhook unreachable')}. Is the web app running?"
        )
