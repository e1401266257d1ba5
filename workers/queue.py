"""The RQ side of the outbox: job names to functions, ids in, nothing else."""

from __future__ import annotations

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry

from alerts.core.domain.jobs import PRIORITIES, Job, Priority
from alerts.core.ports import QueueUnavailable

# The new alerts' queue keeps the name the single queue had, so jobs queued by an
# older release are still served.
QUEUE_NAME = "alerts"
QUEUE_OF: dict[Priority, str] = {
    Priority.ORDERS: "alerts-orders",
    Priority.REPLIES: "alerts-replies",
    Priority.ALERTS: QUEUE_NAME,
    Priority.BULK: "alerts-bulk",
}
# Every worker listens to every queue, highest priority first: RQ takes the next job
# from the first queue that has one.
QUEUE_NAMES: tuple[str, ...] = tuple(QUEUE_OF[priority] for priority in PRIORITIES)

# Jobs take one database id. Never a phone number, never an ORM object.
JOBS: dict[Job, str] = {
    Job.PROCESS_MESSAGE: "workers.jobs.process_message",
    Job.SEND_SMS: "workers.jobs.send_sms",
}
# Carrier and database hiccups are retried; a job that keeps failing stays
# visible in RQ's failed registry and its outbox row keeps its history.
RETRY = Retry(max=5, interval=[1, 2, 5, 15, 60])


class RqJobQueue:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self.queues: dict[str, Queue] = {
            priority.value: Queue(name, connection=redis) for priority, name in QUEUE_OF.items()
        }

    @classmethod
    def from_url(cls, url: str) -> RqJobQueue:
        # Short timeouts: a web request must not hang on a dead Redis.
        return cls(Redis.from_url(url, socket_connect_timeout=1, socket_timeout=2))

    def enqueue(self, job: str, ref_id: int, job_id: str, priority: str = Priority.ALERTS) -> None:
        try:
            function = JOBS[Job(job)]
        except (ValueError, KeyError):
            raise ValueError(f"unknown job {job!r}; known: {', '.join(JOBS)}") from None
        # A priority from a newer release waits with the alerts rather than not at all.
        queue = self.queues.get(priority, self.queues[Priority.ALERTS])
        try:
            # One round trip: RQ sends the queue's registration, the job and its push
            # each on their own unless they share a pipeline (MULTI/EXEC, so all or none).
            with self.redis.pipeline() as pipe:
                queue.enqueue(
                    function,
                    ref_id,
                    job_id=job_id,
                    retry=RETRY,
                    result_ttl=24 * 3600,
                    failure_ttl=30 * 24 * 3600,
                    description=f"{job}({ref_id})",
                    pipeline=pipe,
                )
                pipe.execute()
        except (RedisError, OSError) as error:
            raise QueueUnavailable(type(error).__name__) from error
