"""Redis pub/sub behind the live publisher port, and the subscription the
console's event stream reads."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from redis import Redis
from redis.client import PubSub
from redis.exceptions import RedisError

from alerts.timeline.live import Notice

log = logging.getLogger(__name__)

CHANNEL = "alerts:events"
# After a failure, stay quiet this long: a Redis outage must not slow every commit.
BACKOFF_S = 5.0


class RedisPublisher:
    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        self._redis = Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
        self._channel = channel
        self._quiet_until = 0.0

    def publish(self, notices: list[Notice]) -> None:
        if time.monotonic() < self._quiet_until:
            return
        try:
            pipe = self._redis.pipeline(transaction=False)
            for notice in notices:
                pipe.publish(self._channel, json.dumps(notice, separators=(",", ":")))
            pipe.execute()
        except (RedisError, OSError) as error:
            self._quiet_until = time.monotonic() + BACKOFF_S
            log.warning("live publish skipped: redis unavailable (%s)", type(error).__name__)


class Subscription:
    """One console stream's view of the channel."""

    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        self._redis = Redis.from_url(url, socket_connect_timeout=1, socket_timeout=30)
        pubsub: PubSub = self._redis.pubsub(  # type: ignore[no-untyped-call]
            ignore_subscribe_messages=True
        )
        self._pubsub = pubsub
        self._pubsub.subscribe(channel)

    def next(self, timeout_s: float) -> Notice | None:
        """The next notice, or None after `timeout_s` of silence."""
        message: dict[str, Any] | None = self._pubsub.get_message(timeout=timeout_s)
        if message is None or message.get("type") != "message":
            return None
        try:
            notice: Notice = json.loads(message["data"])
        except (ValueError, TypeError):
            return None
        return notice

    def close(self) -> None:
        try:
            self._pubsub.close()
            self._redis.close()
        except (RedisError, OSError):
            log.debug("closing a live subscription failed", exc_info=True)
