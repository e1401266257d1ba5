"""A redis-server of a test's own, which the test may stop, kill or fill."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alerts.supervisor import free_port, redis_answers, redis_server_command


class PrivateRedis:
    def __init__(self, workdir: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.extra = list(extra)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server") or "redis-server"
        self.process = subprocess.Popen(
            redis_server_command(binary, self.port, self.workdir) + self.extra,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not redis_answers(self.url):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: as a crash, nothing flushed."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@contextmanager
def private_redis(workdir: Path, *extra: str) -> Iterator[PrivateRedis]:
    server = PrivateRedis(workdir, *extra)
    server.start()
    try:
        yield server
    finally:
        server.kill()
