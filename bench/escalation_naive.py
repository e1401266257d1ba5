"""The baseline bench.escalation compares against: deadlines as RQ delayed jobs.

The approach the dispatch issue warns against: at tasking time,
`queue.enqueue_at(due, job)`, and RQ's scheduler (inside a worker started
`--with-scheduler`) moves the job to the queue when it falls due. The job notes
when it ran, then sends the escalation SMS through the same Twilio client the
app uses, to the same sandbox. Its times go into this run's private Redis.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from redis import Redis
from rq import Queue, get_current_job
from twilio.rest import Client

from workers import context
from workers.queue import QUEUE_NAME

JOB_NAME = "naive_deadline"


def recipient(run: int, index: int) -> str:
    """A fictional number per job; computed here so that no number is a job argument."""
    return f"+2438109{run:02d}{index:03d}"


def naive_deadline(run: int, index: int) -> dict[str, int]:
    """Runs in an `alerts worker`: what a delayed escalation job would do, in miniature."""
    job = get_current_job()
    assert job is not None
    key = f"bench:naive:{run}"
    job.connection.hset(key, f"{index}:ran", repr(time.time()))
    services = context.current().services()
    services.sms.send(recipient(run, index), f"ESCALATION {run}-{index}: no ACK in time", None)
    job.connection.hset(key, f"{index}:sent", repr(time.time()))
    return {"index": index}


def schedule(redis: Redis, run: int, count: int, per_s: int, lead_s: int) -> list[datetime]:
    """`count` delayed jobs, `per_s` due each second from `lead_s` from now.

    Whole seconds: RQ scores a delayed job by its due time truncated to the
    second, so a fractional due time would run up to a second early.
    """
    queue = Queue(QUEUE_NAME, connection=redis)
    first = datetime.fromtimestamp(int(time.time()) + lead_s, UTC)
    dues = [first + timedelta(seconds=index // per_s) for index in range(count)]
    for index, due in enumerate(dues):
        queue.enqueue_at(due, naive_deadline, run, index, job_timeout=300, result_ttl=600)
    return dues


@dataclass(frozen=True)
class NaiveFiring:
    due_at: datetime
    ran_at: datetime | None  # the job started; None: not within the wait
    sent_at: datetime | None  # the job saw the provider accept its SMS
    accepted_at: datetime | None  # the sandbox's date_created for that SMS (1 s resolution)


def all_sent(redis: Redis, run: int, count: int) -> bool:
    return sum(field.endswith(b":sent") for field in redis.hkeys(f"bench:naive:{run}")) >= count


def collect(redis: Redis, twilio: Client, run: int, dues: list[datetime]) -> list[NaiveFiring]:
    times = {k.decode(): float(v) for k, v in redis.hgetall(f"bench:naive:{run}").items()}

    def at(field: str) -> datetime | None:
        value = times.get(field)
        return None if value is None else datetime.fromtimestamp(value, UTC)

    firings = []
    for index, due in enumerate(dues):
        sms = twilio.messages.list(to=recipient(run, index), limit=5)
        created = min((m.date_created for m in sms if m.date_created), default=None)
        firings.append(NaiveFiring(due, at(f"{index}:ran"), at(f"{index}:sent"), created))
    return firings
