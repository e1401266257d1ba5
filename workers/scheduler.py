"""The database-driven scheduler: it keeps promises even when Redis forgets.

Each tick it fires the deadlines that fell due (an ACK not received, a unit
that did not depart), acts on SMS that failed, re-queues sends whose worker
died, and relays outbox rows that no request managed to enqueue (Redis was
down, a web worker died after commit). It reads the database, not Redis, so
a killed worker or a lost queue delays none of it; several schedulers may run.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from types import FrameType

from redis import Redis
from redis.exceptions import RedisError

from alerts.bootstrap import service_context
from alerts.core.clock import Clock, SystemClock
from alerts.core.log import configure_logging
from alerts.core.settings import Settings
from alerts.dispatch import sweeper
from alerts.messaging import outbox
from alerts.timeline import live
from alerts.timeline.live_redis import RedisPublisher
from workers.queue import RqJobQueue

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "alerts:scheduler:heartbeat"
HEARTBEAT_TTL_S = 5


def scheduler_running(redis_url: str) -> bool:
    try:
        return bool(Redis.from_url(redis_url, socket_connect_timeout=1).exists(HEARTBEAT_KEY))
    except (RedisError, OSError):
        return False


def run_scheduler(
    settings: Settings,
    *,
    interval_s: float = 1.0,
    once: bool = False,
    clock: Clock | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Tick until stopped. Returns the number of outbox rows relayed."""
    configure_logging(settings.log_level)
    clock = clock or SystemClock()
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():

        def _stop(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    services = service_context(settings, clock=clock)
    factory = services.factory
    # Open consoles hear of the scheduler's events (deadlines fired) after each commit.
    live.publish_after_commit(factory, RedisPublisher(settings.redis_url))
    queue = RqJobQueue.from_url(settings.redis_url)
    heartbeat = Redis.from_url(settings.redis_url, socket_connect_timeout=1, socket_timeout=2)
    relayed = 0
    log.info("scheduler started: deadlines and the outbox every %.1fs", interval_s)
    while True:
        # Redis down: no heartbeat, and relaying below waits for it too.
        with contextlib.suppress(RedisError, OSError):
            heartbeat.set(HEARTBEAT_KEY, "1", ex=HEARTBEAT_TTL_S)
        try:
            sweeper.tick(services)
            relayed += outbox.relay(factory, queue, clock.now())
        except Exception:
            # A database blip must not kill the one process that retries everything.
            log.exception("scheduler tick failed; retrying")
        if once or stop.wait(interval_s):
            return relayed
