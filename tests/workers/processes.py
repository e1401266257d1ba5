"""The system's own processes for fault tests: started for real, killed for real."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator

from redis import Redis
from rq import Queue, Worker

from tests.live import LiveSystem, process_env
from workers.queue import QUEUE_NAME

# Two workers (one runs RQ's scheduler, for retries) and the scheduler at 0.5 s ticks.
WORKERS_AND_SCHEDULER = (
    ("worker", "--with-scheduler"),
    ("worker", "--without-scheduler"),
    ("scheduler", "--interval", "0.5"),
)


@contextlib.contextmanager
def running(
    system: LiveSystem, argvs: tuple[tuple[str, ...], ...] = WORKERS_AND_SCHEDULER, **env: str
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`python -m alerts <argv>` for each of `argvs`, on `system`'s settings plus `env`;
    stopped with SIGTERM at the end, or killed if they will not stop."""
    environment = process_env(system.settings, **env)
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "alerts", *argv],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own session: it and its horse can be found and killed
        )
        for argv in argvs
    ]
    try:
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                kill_session(process.pid)
                process.wait(5)


def kill_session(leader: int) -> list[int]:
    """SIGKILL every process of the session `leader` started: the worker and its work
    horse, which RQ moves into a process group of its own, so killpg misses it."""
    killed = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[3]) == leader:  # field 6 of stat: the session id
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(entry), signal.SIGKILL)
                killed.append(int(entry))
    return killed


def busy_sending(redis: Redis) -> Worker | None:
    for worker in Worker.all(queue=Queue(QUEUE_NAME, connection=redis)):
        job = worker.get_current_job()
        if job is not None and job.func_name.endswith("send_sms"):
            return worker
    return None
