"""What a run starts, each piece private to it and removed at the end, whatever happens.

A fresh PostgreSQL schema, a redis-server on a free port, and gunicorn servers
with `config/gunicorn.conf.py`. Deliberately not alerts.supervisor.Stack: a
benchmark should not break when the developer stack's start-up changes.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from alerts.core.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN
from alerts.db import migrate
from alerts.supervisor import free_port, http_answers, redis_answers

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_CONFIG = ROOT / "config" / "gunicorn.conf.py"
# The shell's settings must not reach the servers: they would change what is measured.
FOREIGN_ENV_PREFIXES = ("ALERTS_", "TWILIO_", "GUNICORN_")
# Lines in a server's log that say something went wrong, whatever the client saw.
TROUBLE = re.compile(r"\b(WARNING|ERROR|CRITICAL|Traceback|WORKER TIMEOUT|deadlock|not relayed)\b")


def with_query(url: str, **query: str) -> str:
    """`url` with extra connection parameters, which psycopg takes from the query string."""
    return make_url(url).update_query_dict(query).render_as_string(hide_password=False)


@contextmanager
def private_schema(base_url: str) -> Iterator[str]:
    """A fresh, migrated schema, dropped afterwards whatever happened."""
    schema = f"bench_intake_{secrets.token_hex(4)}"
    admin = create_engine(base_url)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = with_query(base_url, options=f"-csearch_path={schema}")
        migrate.upgrade(url)
        yield url
    finally:
        with admin.begin() as connection:
            # Never hang the clean-up on a lock some straggler still holds.
            connection.execute(text("SET LOCAL lock_timeout = '15s'"))
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
        print(f"dropped schema {schema}", file=sys.stderr)


class Processes:
    """The processes this run started, stopped in reverse order, each by its own id."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.started: dict[str, subprocess.Popen[bytes]] = {}

    def start(
        self, name: str, argv: list[str], env: dict[str, str], ready: Callable[[], bool]
    ) -> None:
        with (self.log_dir / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                # Its own session: Ctrl-C reaches only us, and we stop it in order.
                start_new_session=True,
            )
        self.started[name] = process
        deadline = time.monotonic() + 60
        while not ready():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode} at start-up")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not become ready within 60s")
            time.sleep(0.1)

    def cpu_s(self, name: str) -> float:
        """CPU seconds used so far by `name` and the live processes it started."""
        session = self.started[name].pid  # its session id: workers stay in their master's
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with suppress(OSError, ValueError, IndexError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[3]) == session:
                    total += int(fields[11]) + int(fields[12])  # utime and stime, in ticks
        return total / os.sysconf("SC_CLK_TCK")

    def check(self) -> None:
        """A server that died mid-run makes every number after it meaningless: stop."""
        for name, process in self.started.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode}; see {name}.log")

    def stop(self) -> None:
        for name, process in reversed(self.started.items()):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(25)  # gunicorn's graceful_timeout is 20s
                except subprocess.TimeoutExpired:
                    # The workers share their master's process group: kill it all.
                    with suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            print(f"stopped {name}", file=sys.stderr)
        self.started.clear()

    def trouble(self, name: str, limit: int = 12) -> tuple[int, list[str]]:
        """How many lines of `name`'s log report trouble, and the first few."""
        path = self.log_dir / f"{name}.log"
        content = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        lines = [line for line in content.splitlines() if TROUBLE.search(line)]
        return len(lines), lines[:limit]


def start_redis(processes: Processes, data_dir: Path) -> str:
    """A private redis-server: the shared one on 6379 is never written to."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed: apt-get install redis-server")
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    argv += ["--dir", str(data_dir)]
    processes.start("redis", argv, dict(os.environ), ready=lambda: redis_answers(url))
    return url


def server_env(settings: dict[str, str]) -> dict[str, str]:
    """This process's environment without the shell's app settings, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(FOREIGN_ENV_PREFIXES)}
    return {**env, "PYTHONUNBUFFERED": "1", **settings}


def sandboxed_env(
    settings: dict[str, str], redis_url: str, web_port: int, sandbox_url: str
) -> dict[str, str]:
    """`server_env` for a stack whose Twilio is the sandbox at `sandbox_url`."""
    return server_env(
        {
            **settings,
            "ALERTS_REDIS_URL": redis_url,
            "TWILIO_API_BASE": sandbox_url,
            "TWILIO_ACCOUNT_SID": SANDBOX_ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": SANDBOX_AUTH_TOKEN,
            "ALERTS_PUBLIC_URL": f"http://127.0.0.1:{web_port}",
        }
    )


def gunicorn_flags(workers: int | None, threads: int | None) -> list[str]:
    """--workers/--threads only when asked for; on the command line they win over the config."""
    given = (("--workers", workers), ("--threads", threads))
    return [part for flag, value in given if value is not None for part in (flag, str(value))]


def gunicorn_argv(app: str, port: int, flags: list[str]) -> list[str]:
    config = ["-c", str(GUNICORN_CONFIG), "-b", f"127.0.0.1:{port}"]
    return [sys.executable, "-m", "gunicorn", *config, *flags, app]


def gunicorn_settings(argv: list[str], env: dict[str, str]) -> dict[str, str]:
    """The settings gunicorn resolves from that command line and environment (--print-config)."""
    printed = subprocess.run(
        [*argv[:-1], "--print-config", argv[-1]],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    pairs = (line.partition("=") for line in printed.splitlines())
    return {name.strip(): value.strip() for name, sep, value in pairs if sep}


def start_gunicorn(processes: Processes, name: str, argv: list[str], env: dict[str, str]) -> None:
    bind = argv[argv.index("-b") + 1]
    processes.start(name, argv, env, ready=lambda: http_answers(f"http://{bind}/healthz"))
