"""`alerts sandbox` and `alerts sandbox send`."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest
import requests
from click.testing import CliRunner

from alerts.cli.sandbox import sandbox as sandbox_command
from tests.sandbox.conftest import Receiver, Sandbox

VILLAGER = "+243810000001"


def test_send_prints_sid_status_and_reply(sandbox: Sandbox, receiver: Receiver) -> None:
    receiver.reply_with_twiml("Alerte reçue")

    result = CliRunner().invoke(
        sandbox_command,
        ["send", "--from", VILLAGER, "--sandbox-url", sandbox.url, "tirs à Kalehe"],
    )

    assert result.exit_code == 0, result.output
    [inbound] = sandbox.app.store.select(lambda m: m.direction == "inbound")
    assert f"MessageSid: {inbound.sid}" in result.output
    assert "Webhook: HTTP 200" in result.output
    assert "Reply: Alerte reçue" in result.output
    assert receiver.posts("/sms/twilio")[0].form["Body"] == "tirs à Kalehe"


def test_send_reads_the_sandbox_url_from_twilio_api_base(sandbox: Sandbox) -> None:
    result = CliRunner().invoke(
        sandbox_command,
        ["send", "--from", VILLAGER, "hello"],
        env={"TWILIO_API_BASE": sandbox.url},
    )

    assert result.exit_code == 0, result.output
    assert len(sandbox.app.store) == 1


def test_send_without_a_sandbox_says_to_start_it() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    result = CliRunner().invoke(
        sandbox_command,
        ["send", "--from", VILLAGER, "--sandbox-url", f"http://127.0.0.1:{closed_port}", "x"],
    )

    assert result.exit_code == 1
    assert "Start it first with `alerts sandbox`" in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_serves_until_signalled(stop_signal: signal.Signals) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "ALERTS_PUBLIC_URL": "http://127.0.0.1:9"}
    env.pop("TWILIO_API_BASE", None)
    process = subprocess.Popen(
        [sys.executable, "-c", "from alerts.cli import main; main()", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert first_line.startswith("Twilio sandbox listening on http://127.0.0.1:")
        url = first_line.split()[-1]
        health = requests.get(url + "/_sandbox/health", timeout=5).json()
        assert health["webhook_url"] == "http://127.0.0.1:9/sms/twilio"

        process.send_signal(stop_signal)
        out, _err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    assert process.returncode == 0
    assert "Twilio sandbox stopped." in out
