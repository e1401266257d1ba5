"""The database-driven scheduler: it keeps promises even when Redis forgets.

Each tick it fires the deadlines that fell due (an ACK not received, a unit
that did not depart), acts on SMS that failed, re-queues sends whose worker
died, queues again messages the queue lost (`pipeline.unprocessed`), and
relays outbox rows that no request managed to enqueue (Redis was down, a web
worker died after commit). It reads the database, not Redis, so a killed
worker or a lost queue delays none of it; several schedulers may run. Each
tick it also beats, in the database, with what it saw of Redis and the workers.
Beside the ticks, one thread seals the event log and another fetches back from
Twilio any SMS the webhook never received (`pipeline.recovery`).
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from datetime import timedelta
from types import FrameType

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session, sessionmaker

from alerts.bootstrap import service_context
from alerts.core.clock import Clock
from alerts.core.context import ServiceContext
from alerts.core.domain.health import HealthBounds
from alerts.core.log import configure_logging
from alerts.core.ports import JobQueue
from alerts.core.settings import Settings
from alerts.dispatch import sweeper
from alerts.messaging import outbox
from alerts.messaging.twilio_sms import TwilioInbox, build_twilio_client
from alerts.pipeline import health, recovery, retention, unprocessed
from alerts.timeline import live
from alerts.timeline.live_redis import RedisPublisher
from alerts.timeline.log_key import load_log_key
from alerts.timeline.sequencer import seal_all
from workers.health import observe, probe_client
from workers.queue import RqJobQueue

log = logging.getLogger(__name__)

PURGE_EVERY_S = 86_400.0
PURGE_RETRY_S = 3_600.0

HEARTBEAT_KEY = "alerts:scheduler:heartbeat"
HEARTBEAT_TTL_S = 5
SEALING_INTERVAL_S = 0.2


def scheduler_running(redis_url: str) -> bool:
    try:
        return bool(Redis.from_url(redis_url, socket_connect_timeout=1).exists(HEARTBEAT_KEY))
    except (RedisError, OSError):
        return False


def tick(services: ServiceContext, queue: JobQueue, bounds: HealthBounds) -> int:
    """One pass over the database: deadlines, failed and stalled SMS, messages the queue
    lost, then the outbox (which takes what the sweeps queued). Returns rows relayed."""
    sweeper.tick(services)
    try:
        unprocessed.sweep(services, bounds)
    except Exception:
        # Its own guard: a failure here must not hold up the relay below.
        log.exception("sweep of unprocessed messages failed; retrying next tick")
    return outbox.relay(services.factory, queue, services.clock.now())


def beat(services: ServiceContext, redis: Redis, bounds: HealthBounds) -> None:
    """The scheduler's heartbeat, in the database, with what it sees of Redis and workers."""
    try:
        health.beat(services.factory, health.SCHEDULER, services.clock.now(),
                    observe(redis, bounds))  # fmt: skip
    except Exception as error:
        log.warning("scheduler heartbeat not recorded (%s)", type(error).__name__)


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
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():

        def _stop(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    services = service_context(settings, clock=clock)
    clock = services.clock  # the database's, unless a test gave its own
    factory = services.factory
    sealing = threading.Thread(
        target=seal_continually,
        args=(factory, key, clock, stop),
        name="sequencer",
        daemon=True,
    )
    sealing.start()
    if settings.recover_every_s > 0:
        threading.Thread(
            target=recover_continually, args=(settings, services, stop), name="recoverer",
            daemon=True,
        ).start()  # fmt: skip
    threading.Thread(
        target=purge_daily, args=(settings, services, stop), name="retention", daemon=True
    ).start()
    # Open consoles hear of the scheduler's events (deadlines fired) after each commit.
    live.publish_after_commit(factory, RedisPublisher(settings.redis_url))
    queue = RqJobQueue.from_url(settings.redis_url)
    heartbeat = Redis.from_url(settings.redis_url, socket_connect_timeout=1, socket_timeout=2)
    probe = probe_client(settings.redis_url)
    relayed = 0
    log.info("scheduler started: deadlines and the outbox every %.1fs", interval_s)
    while True:
        # Redis down: no heartbeat, and relaying below waits for it too.
        with contextlib.suppress(RedisError, OSError):
            heartbeat.set(HEARTBEAT_KEY, "1", ex=HEARTBEAT_TTL_S)
        beat(services, probe, settings.health)
        try:
            relayed += tick(services, queue, settings.health)
        except Exception:
            # A database blip must not kill the one process that retries everything.
            log.exception("scheduler tick failed; retrying")
        if once:
            seal_all(factory, key, clock.now())
        if once or stop.wait(interval_s):
            stop.set()
            sealing.join(timeout=5)
            return relayed


def recover_continually(
    settings: Settings, services: ServiceContext, stop: threading.Event
) -> None:
    """Fetch back SMS the webhook never received, until stopped: its own thread, as a
    call to Twilio may take its whole timeout and deadlines must not wait for it."""
    inbox = TwilioInbox(build_twilio_client(settings))
    queue = RqJobQueue.from_url(settings.redis_url)
    lookback = timedelta(seconds=settings.recover_lookback_s)
    while not stop.is_set():
        try:
            recovery.recover_missed(
                services, inbox, settings.sms_from, queue, first_lookback=lookback
            )
        except Exception:
            log.exception("fetching back missed SMS failed; retrying")
        stop.wait(settings.recover_every_s)


def purge_daily(settings: Settings, services: ServiceContext, stop: threading.Event) -> None:
    """Erase the numbers kept past ALERTS_NUMBER_RETENTION_DAYS, once a day; a purge
    that finds nothing due writes nothing, so several schedulers may run it."""
    while not stop.is_set():
        try:
            retention.purge_numbers(
                services.factory, services.clock.now(), settings.number_retention
            )
        except Exception:
            log.exception("retention purge failed; retrying in an hour")
            stop.wait(PURGE_RETRY_S)
            continue
        stop.wait(PURGE_EVERY_S)


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
