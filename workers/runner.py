"""Start-up of RQ workers."""

from __future__ import annotations

import logging

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Worker
from sqlalchemy.exc import SQLAlchemyError

from alerts.core.log import configure_logging
from alerts.core.settings import Settings
from workers import context
from workers.health import worker_ttl
from workers.queue import QUEUE_NAME, QUEUE_NAMES


def run_worker(settings: Settings, *, with_scheduler: bool = True, burst: bool = False) -> bool:
    """Run an RQ worker on every queue, highest priority first, until stopped (or, with
    burst, until all are empty)."""
    configure_logging(settings.log_level)
    setup = context.WorkerSetup(settings)
    try:
        setup.warm_up()
    except SQLAlchemyError as error:
        # Not fatal: each job builds what it needs, slower. Most likely not migrated yet.
        logging.getLogger(__name__).warning(
            "worker could not warm up (%s); run `alerts db upgrade` if tables are missing",
            type(error).__name__,
        )
    context.install(setup)
    redis = Redis.from_url(settings.redis_url)
    # A short TTL makes an idle worker beat often enough for the stale check
    # (ALERTS_WORKER_STALE_S) to tell a live worker from a killed one.
    worker = Worker(
        [Queue(name, connection=redis) for name in QUEUE_NAMES],
        connection=redis,
        worker_ttl=worker_ttl(settings.health.worker_stale),
    )
    logging.getLogger(__name__).info(
        "worker %s listening on queues %s", worker.name, ", ".join(QUEUE_NAMES)
    )
    return bool(
        worker.work(with_scheduler=with_scheduler, burst=burst, logging_level=settings.log_level)
    )


def live_workers(redis_url: str) -> int:
    """How many RQ workers serve the queues right now (each serves them all)."""
    try:
        redis = Redis.from_url(redis_url, socket_connect_timeout=1)
        return len(Worker.all(queue=Queue(QUEUE_NAME, connection=redis)))
    except (RedisError, OSError):
        return 0
