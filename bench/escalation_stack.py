"""The system bench.escalation measures, private to one run, and the ways it is hurt.

The web app under gunicorn, the Twilio sandbox, RQ workers (`alerts worker`)
and the database-driven scheduler (`alerts scheduler`), each in its own session
so that one SIGKILL to its process group takes its RQ work-horse and RQ
scheduler too, exactly as a crash or the OOM killer would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import requests
import yaml
from redis import Redis
from rq import Queue, Worker
from rq.scheduler import RQScheduler
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from twilio.rest import Client

from alerts.console import operator
from alerts.core.context import ServiceContext
from alerts.core.db.session import write_transaction
from alerts.core.settings import Settings
from alerts.dispatch.models import Deadline
from alerts.messaging.models import OutboundMessage
from alerts.messaging.twilio_sms import build_twilio_client
from alerts.network.domain.network_file import NetworkFile, parse_network
from alerts.supervisor import free_port, http_answers
from bench.harness import servers
from workers.queue import QUEUE_NAME

NETWORK_FILE = servers.ROOT / "config" / "network.example.yaml"
# Every QRF of a run's incidents may be tasked at once, and each incident keeps
# its last one: the example network's six ready QRFs are too few for a run.
EXTRA_QRFS_PER_BASE = 2
HANG_S = 60.0  # the sandbox's "slow" fault: longer than anything waits for it
WEB_FLAGS = servers.gunicorn_flags(2, 4)  # intake is not what is measured here


def bench_network(ack_timeout_s: float) -> NetworkFile:
    """The example network with two more QRFs per open base, its ACK timeout set to ours."""
    document = yaml.safe_load(NETWORK_FILE.read_text(encoding="utf-8"))
    document["dispatch"] = {"ack_timeout_s": ack_timeout_s}
    phone = 500  # +243810000500 on: free in the example's fictional staff range
    for base in document["bases"]:
        if base.get("closed") is not None:
            continue
        for number in range(2, 2 + EXTRA_QRFS_PER_BASE):
            phones = [f"+243810000{phone}", f"+243810000{phone + 1}"]
            phone += 2
            document["units"].append(
                {
                    "callsign": f"QRF-{base['id'].upper()}-{number}",
                    "base": base["id"],
                    "role": "qrf",
                    "notice_to_move_min": 20,
                    "phones": phones,
                    "status": "ready",
                    "country": "Country B",
                }
            )
    return parse_network(document)


@dataclass
class Stack:
    processes: servers.Processes
    env: dict[str, str]  # the app's settings, for every process of the system
    redis_url: str
    sandbox_url: str
    twilio: Client

    def start_worker(self, name: str, redis_url: str | None = None) -> None:
        """`alerts worker --with-scheduler`, as deployed; ready once RQ lists its pid."""
        env = dict(self.env)
        if redis_url is not None:
            env["ALERTS_REDIS_URL"] = redis_url
        url = redis_url or self.redis_url
        argv = [sys.executable, "-m", "alerts", "worker", "--with-scheduler"]
        self.processes.start(name, argv, env, ready=lambda: self._registered(name, url))

    def _registered(self, name: str, redis_url: str) -> bool:
        pid = self.processes.started[name].pid
        return any(worker.pid == pid for worker in rq_workers(redis_url))

    def start_scheduler(self, name: str) -> None:
        """`alerts scheduler` at its default 1 s interval, as deployed."""
        log = self.processes.log_dir / f"{name}.log"

        def ticking() -> bool:
            return log.exists() and "scheduler started" in log.read_text(errors="replace")

        argv = [sys.executable, "-m", "alerts", "scheduler"]
        self.processes.start(name, argv, self.env, ready=ticking)

    def kill(self, name: str) -> None:
        """SIGKILL to every process of its session, as a crash or a cgroup kill would.

        Not a killpg: RQ's work-horse leaves its worker's process group
        (os.setpgrp() after the fork), so a killpg of the worker spares the job.
        """
        process = self.processes.started.pop(name)
        kill_session(process)
        print(f"  SIGKILLed {name} (session {process.pid})", file=sys.stderr)

    def stop(self, name: str) -> None:
        process = self.processes.started.pop(name)
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(25)
            except subprocess.TimeoutExpired:
                kill_session(process)

    def hang_next_send(self) -> None:
        """The next Messages.create hangs: whichever worker sends it sits mid-job."""
        requests.post(
            f"{self.sandbox_url}/_sandbox/api_faults",
            json={"kind": "slow", "delay_s": HANG_S},
            timeout=5,
        ).raise_for_status()

    def text(self, sender: str, body: str) -> None:
        """An SMS from `sender`, posted to the app by the sandbox exactly as Twilio would."""
        response = requests.post(
            f"{self.sandbox_url}/_sandbox/inbound", json={"from": sender, "body": body}, timeout=30
        )
        response.raise_for_status()

    def busy_worker(self, job_suffix: str, redis_url: str, min_s: float) -> str | None:
        """The name of our worker that has run a `job_suffix` job for `min_s` or more: hung."""
        pids = {process.pid: name for name, process in self.processes.started.items()}
        for worker in rq_workers(redis_url):
            job = worker.get_current_job()
            if job is None or not job.func_name.endswith(job_suffix) or job.started_at is None:
                continue
            started = job.started_at.replace(tzinfo=job.started_at.tzinfo or UTC)
            if time.time() - started.timestamp() >= min_s and worker.pid in pids:
                return pids[worker.pid]
        return None

    def rq_scheduler_holder(self, redis_url: str) -> str | None:
        """The name of our worker whose RQ scheduler holds the queue's scheduler lock."""
        redis = Redis.from_url(redis_url)
        holder = redis.get(RQScheduler.get_locking_key(QUEUE_NAME))
        pid = redis.hget(f"rq:scheduler:{holder.decode()}", "pid") if holder else None
        if pid is None:
            return None
        session = process_session(int(pid))  # the scheduler is forked inside its worker
        return next((n for n, p in self.processes.started.items() if p.pid == session), None)


def redis_db(redis_url: str, db: int) -> str:
    """The same private server, another database: a queue and RQ scheduler lock of its own."""
    return f"{redis_url.rsplit('/', 1)[0]}/{db}"


def rq_workers(redis_url: str) -> list[Worker]:
    return Worker.all(queue=Queue(QUEUE_NAME, connection=Redis.from_url(redis_url)))


def process_session(pid: int) -> int | None:
    with suppress(OSError, ValueError, IndexError):
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[3])
    return None


def kill_session(process: subprocess.Popen[bytes]) -> None:
    for _ in range(2):  # once more, for a child forked meanwhile
        for pid in session_members(process.pid):
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    process.wait()


def session_members(session: int) -> list[int]:
    """The live processes of `session`: one we started, and what it forked."""
    pids = (int(path.name) for path in Path("/proc").iterdir() if path.name.isdigit())
    return [pid for pid in pids if process_session(pid) == session]


def start_stack(
    processes: servers.Processes, settings: dict[str, str], redis_url: str, workers: int
) -> Stack:
    """Sandbox, web app, `workers` RQ workers and the scheduler, in that order."""
    web_port, sandbox_port = free_port(), free_port()
    sandbox_url = f"http://127.0.0.1:{sandbox_port}"
    env = servers.sandboxed_env(settings, redis_url, web_port, sandbox_url)
    print(f"starting the sandbox on port {sandbox_port}", file=sys.stderr)
    argv = [sys.executable, "-m", "alerts", "sandbox", "--port", str(sandbox_port)]
    processes.start(
        "sandbox", argv, env, ready=lambda: http_answers(f"{sandbox_url}/_sandbox/health")
    )
    print(f"starting gunicorn on port {web_port}", file=sys.stderr)
    servers.start_gunicorn(
        processes, "web", servers.gunicorn_argv("alerts.web:create_app()", web_port, WEB_FLAGS), env
    )
    twilio = build_twilio_client(Settings.from_env(env))  # the app's own client, on the sandbox
    stack = Stack(processes, env, redis_url, sandbox_url, twilio)
    for number in range(1, workers + 1):
        print(f"starting worker-{number}", file=sys.stderr)
        stack.start_worker(f"worker-{number}")
    print("starting the scheduler", file=sys.stderr)
    stack.start_scheduler("scheduler")
    return stack


def clear_faults(stack: Stack) -> None:
    """A fault no send consumed must not hang the next run's first SMS."""
    requests.delete(f"{stack.sandbox_url}/_sandbox/api_faults", timeout=5).raise_for_status()


def close_incidents(ctx: ServiceContext, since: datetime) -> int:
    """Close the incidents of a run as a JOC officer would, so that its QRFs stand down.

    A chain ends with its last QRF still tasked (the JOC must act); setting the
    unit ready would not do, since a unit with an open tasking is not released
    when its next one lapses.
    """
    with ctx.factory() as session:
        ids = set(session.scalars(select(Deadline.incident_id).where(Deadline.created_at >= since)))
    for incident_id in sorted(ids):
        with write_transaction(ctx.factory) as session:
            operator.close(session, ctx, incident_id, actor="bench", outcomes=["none"],
                           note="benchmark run over")  # fmt: skip
    return len(ids)


def sending_purpose(factory: sessionmaker[Session]) -> str:
    """What the SMS being sent right now is for (a tasking, an escalation)."""
    with factory() as session:
        purposes = session.scalars(
            select(OutboundMessage.purpose).where(
                OutboundMessage.status == "sending", OutboundMessage.provider_sid.is_(None)
            )
        ).all()
    return ", ".join(sorted(set(purposes))) or "unknown"
