"""`alerts up`: the whole system on embedded defaults, for `make run`."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from types import FrameType

import click

from alerts.cli.local_keys import make_local_keys
from alerts.cli.network import read_network_file
from alerts.console.scoping import known_missions
from alerts.console.users import ensure_first_admin
from alerts.core.clock import SystemClock
from alerts.core.db.session import make_engine, session_factory, write_transaction
from alerts.core.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, Settings
from alerts.core.vault import PhoneVault
from alerts.db import migrate
from alerts.locating.gazetteer.starter import import_starter
from alerts.network.load import load_network
from alerts.supervisor import (
    Stack,
    StartError,
    alerts_command,
    gunicorn_command,
    http_answers,
    with_defaults,
)
from workers.runner import live_workers
from workers.scheduler import scheduler_running


def dev_defaults(instance: Path, web_bind: str, sandbox_port: int) -> dict[str, str]:
    """Embedded defaults: a SQLite file, the local sandbox instead of Twilio."""
    return {
        "ALERTS_DATABASE_URL": f"sqlite:///{instance / 'alerts.db'}",
        "ALERTS_REDIS_URL": "redis://127.0.0.1:6379/0",
        "ALERTS_PUBLIC_URL": f"http://{web_bind}",
        "TWILIO_API_BASE": f"http://127.0.0.1:{sandbox_port}",
        "TWILIO_ACCOUNT_SID": SANDBOX_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": SANDBOX_AUTH_TOKEN,
        "ALERTS_SMS_FROM": "+243810009999",
        # The console is served over plain HTTP on the loopback here.
        "ALERTS_COOKIE_SECURE": "0",
    }


@click.command()
@click.option(
    "--network",
    "network_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("config/network.example.yaml"),
    show_default=True,
)
@click.option("--web", "web_bind", default="127.0.0.1:5000", show_default=True)
@click.option("--sandbox-port", default=5025, show_default=True)
@click.option(
    "--instance",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("instance"),
    show_default=True,
    help="Folder for the SQLite file, local keys and a private Redis.",
)
def up(network_file: Path, web_bind: str, sandbox_port: int, instance: Path) -> None:
    """Start Redis (if none answers), the sandbox, web, worker and scheduler. Ctrl-C stops them."""
    root = Path.cwd()
    instance = instance.resolve()
    defaults = dev_defaults(instance, web_bind, sandbox_port) | make_local_keys(instance)
    env = with_defaults(os.environ, defaults)
    stack = Stack(env=env, workdir=root, instance=instance)

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        redis_url, started = stack.ensure_redis(env["ALERTS_REDIS_URL"])
        env["ALERTS_REDIS_URL"] = redis_url
        click.echo(f"redis      {redis_url}{' (private, started)' if started else ' (existing)'}")
        _prepare_data(env, network_file)
        _start_services(stack, root, redis_url, web_bind, sandbox_port)
        click.echo(
            "\nReady. Try:  alerts sandbox send --from +243970000001 'Attaque -1.2167, 29.45'\n"
            "Ctrl-C stops what was started here, and nothing else."
        )
        _watch(stack)
    except KeyboardInterrupt:
        click.echo("\nstopping...")
    except StartError as error:
        click.echo(f"error: {error}", err=True)
        stack.stop()
        raise SystemExit(1) from None
    finally:
        stack.stop()
    click.echo("stopped")


def _prepare_data(env: dict[str, str], network_file: Path) -> None:
    """Migrate the database, load the network and starter gazetteer, make the first admin."""
    settings = Settings.from_env(env)
    migrate.upgrade(settings.database_url)
    click.echo(f"database   {settings.database_url} (migrated)")
    factory = session_factory(make_engine(settings.database_url, settings.db_timeouts))
    summary = load_network(
        factory,
        PhoneVault(settings.require_data_key(), settings.data_key_previous),
        read_network_file(network_file),
        SystemClock().now(),
    )
    click.echo(f"network    {network_file} ({'loaded' if summary.changed else 'unchanged'})")
    places = import_starter(factory)
    click.echo(f"gazetteer  starter, {places.kept} places (GeoNames, CC BY 4.0)")
    with write_transaction(factory) as session:
        missions = known_missions(session) or ["local"]
        first_password = ensure_first_admin(session, SystemClock().now(), missions[0])
    if first_password is not None:
        click.echo(
            f"console    first account: admin / {first_password}  "
            "(shown once; change it with `alerts users reset admin`)"
        )


def _start_services(
    stack: Stack, root: Path, redis_url: str, web_bind: str, sandbox_port: int
) -> None:
    """Start the sandbox, web, worker and scheduler, each unless one already answers."""
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    if http_answers(f"{sandbox_url}/_sandbox/health"):
        click.echo(f"sandbox    {sandbox_url} (already running)")
    else:
        stack.start(
            "sandbox",
            alerts_command("sandbox", "--port", str(sandbox_port)),
            ready=lambda: http_answers(f"{sandbox_url}/_sandbox/health"),
        )
        click.echo(f"sandbox    {sandbox_url}")
    web_url = f"http://{web_bind}"
    if http_answers(f"{web_url}/healthz"):
        click.echo(f"web        {web_url} (already running)")
    else:
        stack.start(
            "web",
            gunicorn_command(web_bind, root / "config" / "gunicorn.conf.py"),
            ready=lambda: http_answers(f"{web_url}/healthz"),
        )
        click.echo(f"web        {web_url}  (JOC console: {web_url}/console/)")
    if live_workers(redis_url):
        click.echo("worker     (already running)")
    else:
        stack.start("worker", alerts_command("worker", "--with-scheduler"))
        click.echo("worker     started, with RQ scheduler")
    if scheduler_running(redis_url):
        click.echo("scheduler  (already running)")
    else:
        stack.start("scheduler", alerts_command("scheduler"))
        click.echo("scheduler  started")


def _watch(stack: Stack) -> None:
    """Wait until interrupted; a child that stops on its own stops everything."""
    while True:
        for child in stack.children:
            if child.process.poll() is not None:
                raise StartError(f"{child.name} stopped (exit {child.process.returncode})")
        time.sleep(0.5)
