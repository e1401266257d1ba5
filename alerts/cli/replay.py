"""`alerts replay FILE.jsonl`: recorded messages through the real pipeline."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import datetime
from pathlib import Path

import click

from alerts.cli.common import database_errors_explained, load_settings
from alerts.core.clock import FakeClock
from alerts.messaging import outbox
from alerts.pipeline.replay import read_lines, replay
from workers.context import WorkerSetup
from workers.queue import RqJobQueue


class NoSms:
    """The SMS port of a replay that is not live: nothing leaves the building."""

    def send(self, to: str, body: str, status_callback: str | None) -> str:
        raise AssertionError("a replay that is not --live never sends SMS")

    def find_sent(self, to: str, body: str, since: datetime) -> list[str]:
        raise AssertionError("a replay that is not --live never sends SMS")


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option(
    "--live",
    is_flag=True,
    help="Queue the SMS the pipeline decides to send (needs Redis and a worker).",
)
def replay_command(file: Path, live: bool) -> None:
    """Feed FILE's messages (JSON lines: from, body, received_at[, sid]) through the
    pipeline in time order, with the clock at each message's time. Prints one JSON
    result per message on stdout; progress and bad lines go to stderr."""
    settings = load_settings()
    try:
        text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise click.ClickException(f"cannot read {file}: {error}") from None
    messages, errors = read_lines(text.splitlines())
    for problem in errors:
        click.echo(f"{file}:{problem['line']}: {problem['error']}", err=True)
        click.echo(json.dumps(problem))
    if not messages:
        raise click.ClickException(f"no message to replay in {file}")
    clock = FakeClock(messages[0].received_at)
    services = WorkerSetup(settings, clock=clock, sms=None if live else NoSms()).services()
    services = dataclasses.replace(services, sends_sms=live, bulk=True)
    queue = RqJobQueue.from_url(settings.redis_url) if live else None
    with (
        database_errors_explained(),
        click.progressbar(length=len(messages), label="replaying", file=sys.stderr) as bar,
    ):
        for result in replay(services, clock, messages):
            click.echo(json.dumps(result))
            if queue is not None:
                outbox.relay(services.factory, queue, clock.now())
            bar.update(1)
    click.echo(f"replayed {len(messages)} message(s), {len(errors)} bad line(s)", err=True)
