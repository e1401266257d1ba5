"""What a run left behind, read back per alert: the database, RQ's job records, the sandbox.

Each alert's path, as wall-clock seconds (all on one host, one clock):
posted by the client -> its process_message job enqueued (the webhook stored the
message and handed the job over) -> the job started in a worker -> the tasking
created inside it -> the job ended (committed, and the tasking SMS's send_sms
job relayed) -> the send_sms job started -> the sandbox accepted the SMS.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import requests
from redis import Redis
from rq.job import Job as RqJob
from rq.registry import FailedJobRegistry
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.domain.jobs import Job
from alerts.correlation.models import Incident, Report
from alerts.dispatch.models import Tasking
from alerts.intake.models import InboundMessage
from alerts.messaging.models import OutboundMessage, Outbox
from bench.e2e.drive import TASKING_REF
from workers.queue import QUEUE_NAMES

JobTimes = tuple[float | None, float | None, float | None]  # enqueued, started, ended


@dataclass
class Path:
    """One alert that was stored; times are wall-clock seconds, None if it never happened."""

    sid: str
    kind: str
    handled_as: str | None
    process: JobTimes
    tasking_created: float | None = None
    send: JobTimes = (None, None, None)
    app_sent: float | None = None  # the worker recorded the provider's acceptance
    accepted: float | None = None  # the sandbox accepted the tasking SMS


def _ts(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def _our_messages(session: Session, sids: list[str]) -> list[InboundMessage]:
    found: list[InboundMessage] = []
    for start in range(0, len(sids), 1000):
        chunk = sids[start : start + 1000]
        query = select(InboundMessage).where(InboundMessage.provider_sid.in_(chunk))
        found += session.scalars(query)
    return found


def wait_for_drain(
    factory: sessionmaker[Session], sids: list[str], limit_s: float
) -> tuple[float, int, int]:
    """Wait until every stored alert is handled and every tasking SMS has gone to the
    sandbox (or failed), at most `limit_s`. Seconds waited, and what was still left:
    unhandled alerts, unsent tasking SMS."""
    began = time.monotonic()
    while True:
        with factory() as session:
            unhandled = sum(
                session.scalar(
                    select(func.count()).where(
                        InboundMessage.provider_sid.in_(sids[i : i + 1000]),
                        InboundMessage.handled_at.is_(None),
                    )
                )
                or 0
                for i in range(0, len(sids), 1000)
            )
            unsent = session.scalar(
                select(func.count()).where(
                    OutboundMessage.purpose == "tasking",
                    OutboundMessage.provider_sid.is_(None),
                    OutboundMessage.status.in_(["pending", "sending", "unsure"]),
                )
            )
        waited = time.monotonic() - began
        if (unhandled == 0 and not unsent) or waited > limit_s:
            return waited, unhandled, int(unsent or 0)
        if int(waited) % 10 < 2:
            print(f"  draining: {unhandled} alerts unhandled, {unsent} tasking SMS unsent",
                  file=sys.stderr)  # fmt: skip
        time.sleep(2)


def _jobs(redis: Redis, ids: list[str]) -> dict[str, tuple[JobTimes, Any]]:
    """RQ's own record of each job: when enqueued, started and ended, and what it returned."""
    found: dict[str, tuple[JobTimes, Any]] = {}
    for start in range(0, len(ids), 500):
        for job in RqJob.fetch_many(ids[start : start + 500], connection=redis):
            if job is None:
                continue
            times = (_ts(job.enqueued_at), _ts(job.started_at), _ts(job.ended_at))
            found[job.id] = (times, job.return_value())
    return found


def sandbox_outbound(sandbox_url: str) -> list[dict[str, Any]]:
    """Every outbound SMS the sandbox accepted: sid, to, body, accepted (epoch seconds)."""
    answer = requests.get(f"{sandbox_url}/_bench/outbound", params={"after": 0}, timeout=60)
    answer.raise_for_status()
    return list(answer.json()["messages"])


def paths(
    factory: sessionmaker[Session], redis_url: str, kinds: dict[str, str], sandbox_url: str
) -> list[Path]:
    """Every stored alert of ours, with its path through the system."""
    redis = Redis.from_url(redis_url)
    with factory() as session:
        messages = _our_messages(session, list(kinds))
        outbox = {
            (row.job, row.ref_id): f"outbox-{row.id}" for row in session.scalars(select(Outbox))
        }
        process = _jobs(redis, [outbox[(Job.PROCESS_MESSAGE, m.id)] for m in messages
                                if (Job.PROCESS_MESSAGE, m.id) in outbox])  # fmt: skip
        tasked = {}
        for message in messages:
            _, result = process.get(outbox.get((Job.PROCESS_MESSAGE, message.id), ""), (None, None))
            if isinstance(result, dict) and result.get("tasking_id") is not None:
                tasked[message.id] = int(result["tasking_id"])
        taskings = {
            t.id: t for t in session.scalars(select(Tasking).where(Tasking.id.in_(tasked.values())))
        }
        orders = {
            o.tasking_id: o
            for o in session.scalars(
                select(OutboundMessage).where(
                    OutboundMessage.tasking_id.in_(tasked.values()),
                    OutboundMessage.purpose == "tasking",
                )
            )
        }
    sends = _jobs(redis, [outbox[(Job.SEND_SMS, o.id)] for o in orders.values()
                          if (Job.SEND_SMS, o.id) in outbox])  # fmt: skip
    accepted = {m["sid"]: float(m["accepted"]) for m in sandbox_outbound(sandbox_url)}
    found = []
    for message in messages:
        job = process.get(outbox.get((Job.PROCESS_MESSAGE, message.id), ""))
        path = Path(message.provider_sid, kinds[message.provider_sid], message.handled_as,
                    job[0] if job else (None, None, None))  # fmt: skip
        tasking = taskings.get(tasked.get(message.id, -1))
        order = orders.get(tasking.id) if tasking else None
        if tasking is not None:
            path.tasking_created = _ts(tasking.created_at)
        if order is not None:
            send = sends.get(outbox.get((Job.SEND_SMS, order.id), ""))
            path.send = send[0] if send else (None, None, None)
            path.app_sent = _ts(order.sent_at)
            path.accepted = accepted.get(order.provider_sid or "")
        found.append(path)
    return found


@dataclass(frozen=True)
class Integrity:
    """Nothing lost, nothing done twice."""

    stored: int  # of the alerts answered 2xx, stored as messages
    answered: int
    handled: Counter[str]  # handled_as of our messages
    reports_per_message_max: int
    incidents: int  # opened during the run
    taskings: int  # created during the run
    sms_twice: int  # tasking SMS the sandbox accepted more than once (same number and words)
    failed_jobs: int  # in RQ's failed registry

    @property
    def ok(self) -> bool:
        return (
            self.stored == self.answered
            and sum(self.handled.values()) == self.stored
            and None not in self.handled
            and self.reports_per_message_max <= 1
            and self.sms_twice == 0
            and self.failed_jobs == 0
        )


def integrity(
    factory: sessionmaker[Session],
    redis_url: str,
    sandbox_url: str,
    found: list[Path],
    answered: int,
    since: datetime,
) -> Integrity:
    with factory() as session:
        most = session.scalar(
            select(func.count()).select_from(Report).group_by(Report.message_id)
            .order_by(func.count().desc()).limit(1)
        )  # fmt: skip
        incidents = session.scalar(select(func.count()).where(Incident.opened_at >= since))
        taskings = session.scalar(select(func.count()).where(Tasking.created_at >= since))
    orders = Counter(
        (m["to"], m["body"]) for m in sandbox_outbound(sandbox_url)
        if TASKING_REF.match(m["body"])
    )  # fmt: skip
    redis = Redis.from_url(redis_url)
    failed = sum(FailedJobRegistry(name, connection=redis).count for name in QUEUE_NAMES)
    return Integrity(
        stored=len(found),
        answered=answered,
        handled=Counter(p.handled_as or "unhandled" for p in found),
        reports_per_message_max=int(most or 0),
        incidents=int(incidents or 0),
        taskings=int(taskings or 0),
        sms_twice=sum(n - 1 for n in orders.values() if n > 1),
        failed_jobs=int(failed),
    )
