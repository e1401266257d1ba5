"""Start the whole system as child processes, and stop exactly what was started.

Used by `alerts up` (behind `make run`) and by the end-to-end tests, so the
tests exercise the same start-up a developer uses.
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import requests
from redis import Redis
from redis.exceptions import RedisError


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def redis_answers(url: str) -> bool:
    try:
        return bool(Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5).ping())
    except (RedisError, OSError, ValueError):
        return False


def http_answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=0.5).status_code < 500
    except requests.RequestException:
        return False


def redis_server_command(binary: str, port: int, data_dir: Path) -> list[str]:
    """A throwaway Redis on loopback that keeps nothing on disk."""
    return [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
            "--appendonly", "no", "--dir", str(data_dir)]  # fmt: skip


class StartError(RuntimeError):
    pass


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]


@dataclass
class Stack:
    env: dict[str, str]
    workdir: Path
    instance: Path
    log_dir: Path | None = None
    children: list[Child] = field(default_factory=list)

    def start(
        self,
        name: str,
        argv: list[str],
        ready: Callable[[], bool] | None = None,
        timeout_s: float = 30.0,
    ) -> Child:
        output = None
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            argv,
            cwd=self.workdir,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT if output else None,
            # Our own process group: Ctrl-C reaches us, and we stop children in order.
            start_new_session=True,
        )
        child = Child(name, process)
        self.children.append(child)
        if ready is not None:
            deadline = time.monotonic() + timeout_s
            while not ready():
                if process.poll() is not None:
                    raise StartError(f"{name} exited with code {process.returncode} at start-up")
                if time.monotonic() > deadline:
                    raise StartError(f"{name} did not become ready within {timeout_s:.0f}s")
                time.sleep(0.1)
        return child

    def ensure_redis(self, url: str) -> tuple[str, bool]:
        """The Redis to use, starting a private one when none answers at `url`."""
        if redis_answers(url):
            return url, False
        binary = shutil.which("redis-server")
        if binary is None:
            raise StartError(
                f"no Redis answers at {url} and redis-server is not installed: "
                "install it (apt-get install redis-server) or set ALERTS_REDIS_URL"
            )
        port = free_port()
        private = f"redis://127.0.0.1:{port}/0"
        data_dir = self.instance
        data_dir.mkdir(parents=True, exist_ok=True)
        self.start(
            "redis",
            redis_server_command(binary, port, data_dir),
            ready=lambda: redis_answers(private),
        )
        return private, True

    def alive(self) -> list[Child]:
        return [c for c in self.children if c.process.poll() is None]

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop children in reverse start order: web first, Redis last."""
        for child in reversed(self.children):
            if child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
                try:
                    child.process.wait(timeout_s)
                except subprocess.TimeoutExpired:
                    child.process.kill()
                    child.process.wait()
        self.children.clear()


def alerts_command(*args: str) -> list[str]:
    """The `alerts` CLI of this very interpreter, whatever PATH says."""
    return [sys.executable, "-m", "alerts", *args]


def gunicorn_command(bind: str, config: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(config),
        "-b",
        bind,
        "alerts.web:create_app()",
    ]


def with_defaults(env: Mapping[str, str], defaults: Mapping[str, str]) -> dict[str, str]:
    merged = dict(env)
    for key, value in defaults.items():
        merged.setdefault(key, value)
    return merged
