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

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session, sessionmaker

from alerts.bootstrap import service_context
from alerts.core.clock import Clock, SystemClock
from alerts.core.log import configure_logging
from alerts.core.settings import Settings
from alerts.dispatch import sweeper
from alerts.messaging import outbox
from alerts.timeline import live
from alerts.timeline.live_redis import RedisPublisher
from alerts.timeline.log_key import load_log_key
from alerts.timeline.sequencer import seal_all
from workers.queue import RqJobQueue

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "alerts:scheduler:heartbeat"
HEARTBEAT_TTL_S = 5
SEALING_INTERVAL_S = 0.2


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
    """Tick until stopped. Returns the number of outbox rows relayed.

    Raises:
        LogKeyError: ALERTS_LOG_KEY is missing or malformed: nothing could be sealed.
    """
    key = load_log_key(settings.log_key)
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
    sealing = threading.Thread(
        target=seal_continually,
        args=(factory, key, clock, stop),
        name="sequencer",
        daemon=True,
    )
    sealing.start()
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
        if once:
            seal_all(factory, key, clock.now())
        if once or stop.wait(interval_s):
            stop.set()
            sealing.join(timeout=5)
            return relayed


def seal_continually(
    factory: sessionmaker[Session],
    key: Ed25519PrivateKey,
    clock: Clock,
    stop: threading.Event,
    interval_s: float = SEALING_INTERVAL_S,
) -> None:
    """Seal committed events into the log until stopped: its own thread, on a shorter
    beat than the deadlines, so an event is in a signed head well within a second."""
    while not stop.is_set():
        try:
            seal_all(factory, key, clock.now())
        except Exception:
            log.exception("sealing failed; retrying")
        stop.wait(interval_s)
