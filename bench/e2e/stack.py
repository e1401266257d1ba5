"""The whole system of one run, private to it, and what each part costs in CPU.

A private redis-server, the Twilio sandbox (bench.e2e.sandbox: the real one
plus a read-only endpoint), the web app under gunicorn with
config/gunicorn.conf.py, RQ workers (`alerts worker --with-scheduler`) and the
database-driven scheduler (`alerts scheduler`), each in a session of its own.
"""

from __future__ import annotations

import os
import secrets
import sys
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from alerts.core.settings import Settings
from alerts.messaging.twilio_sms import build_twilio_client
from alerts.supervisor import free_port, http_answers
from alerts.timeline.log_key import generate_log_key
from bench.escalation_stack import Stack
from bench.harness import load, servers


@dataclass(frozen=True)
class Started:
    stack: Stack
    web_port: int
    webhook_url: str
    gunicorn: dict[str, str]  # the settings gunicorn resolved
    flags: list[str]


def app_settings(
    database_url: str, data_key: str, application_name: str, sms_per_s: float
) -> dict[str, str]:
    """What every process of the system runs with, besides its URLs."""
    return {
        # Our own application_name tells our sessions from others' in pg_stat_activity.
        "ALERTS_DATABASE_URL": servers.with_query(database_url, application_name=application_name),
        "ALERTS_SECRET_KEY": secrets.token_urlsafe(32),
        "ALERTS_DATA_KEY": data_key,
        "ALERTS_LOG_KEY": generate_log_key(),  # the scheduler's sequencer signs tree heads
        "ALERTS_SMS_SEGMENTS_PER_S": str(sms_per_s),
        "ALERTS_LOG_LEVEL": "INFO",
    }


def start(
    processes: servers.Processes,
    settings: dict[str, str],
    workers: int,
    web: tuple[int | None, int | None],
) -> Started:
    """Redis, sandbox, web app, `workers` RQ workers and the scheduler, in that order."""
    redis_url = servers.start_redis(processes, processes.log_dir)
    web_port, sandbox_port = free_port(), free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    env = servers.sandboxed_env(settings, redis_url, web_port, sandbox_url)
    print(f"starting the sandbox on port {sandbox_port}", file=sys.stderr)
    argv = [sys.executable, "-m", "bench.e2e.sandbox", "--port", str(sandbox_port)]
    processes.start(
        "sandbox", argv, env, ready=lambda: http_answers(f"{sandbox_url}/_sandbox/health")
    )
    flags = servers.gunicorn_flags(*web)
    gunicorn_argv = servers.gunicorn_argv("alerts.web:create_app()", web_port, flags)
    resolved = servers.gunicorn_settings(gunicorn_argv, env)
    print(f"starting gunicorn on port {web_port}", file=sys.stderr)
    servers.start_gunicorn(processes, "web", gunicorn_argv, env)
    twilio = build_twilio_client(Settings.from_env(env))
    stack = Stack(processes, env, redis_url, sandbox_url, twilio)
    for number in range(1, workers + 1):
        print(f"starting worker-{number}", file=sys.stderr)
        stack.start_worker(f"worker-{number}")
    print("starting the scheduler", file=sys.stderr)
    stack.start_scheduler("scheduler")
    webhook_url = f"http://127.0.0.1:{web_port}{load.WEBHOOK_PATH}"
    return Started(stack, web_port, webhook_url, resolved, flags)


def _ticks(stat: Path) -> tuple[int, int] | None:
    """(session id, CPU ticks) of one process: its own time and its reaped children's."""
    with suppress(OSError, ValueError, IndexError):
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return int(fields[3]), sum(int(f) for f in fields[11:15])
    return None


def cpu_by_part(processes: servers.Processes) -> dict[str, float]:
    """CPU seconds used so far by each part we started, work-horses and gunicorn workers
    included: a process's reaped children count in its own (cutime, cstime), the live
    ones as members of its session."""
    sessions = {process.pid: name for name, process in processes.started.items()}
    totals = dict.fromkeys(processes.started, 0)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        found = _ticks(stat)
        if found is not None and found[0] in sessions:
            totals[sessions[found[0]]] += found[1]
    tick = os.sysconf("SC_CLK_TCK")
    return {name: ticks / tick for name, ticks in totals.items()}


@dataclass(frozen=True)
class CpuWindow:
    """CPU cores busy on average over the load, by part; `rest` is PostgreSQL and
    everything else on the host (other people's work included)."""

    seconds: float
    host: float | None
    parts: dict[str, float]
    generator: float

    @property
    def rest(self) -> float | None:
        if self.host is None:
            return None
        return max(0.0, self.host - sum(self.parts.values()) - self.generator)


class CpuMeter:
    def __init__(self, processes: servers.Processes) -> None:
        self.processes = processes
        self.began = (0.0, load.host_ticks(), cpu_by_part(processes), load.own_cpu_s())

    def start(self, at: float) -> None:
        self.began = (at, load.host_ticks(), cpu_by_part(self.processes), load.own_cpu_s())

    def stop(self, at: float) -> CpuWindow:
        began, ticks, parts, own = self.began
        seconds = max(at - began, 1e-9)
        after, now_parts = load.host_ticks(), cpu_by_part(self.processes)
        host = None
        if ticks and after and after[1] > ticks[1]:
            host = (after[0] - ticks[0]) / (after[1] - ticks[1]) * (os.cpu_count() or 1)
        return CpuWindow(
            seconds=seconds,
            host=host,
            parts={n: (now_parts.get(n, 0.0) - parts.get(n, 0.0)) / seconds for n in parts},
            generator=(load.own_cpu_s() - own) / seconds,
        )
