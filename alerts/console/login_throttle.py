"""Failed console logins counted in Redis (shared by every web worker), with an
in-process fallback so an outage never switches the limit off.

Two counters: per account (the limit as configured) and per address (ten times
that). A JOC's officers often share one address (a NAT, or a proxy in front of
the app), so one person's typos must not lock out the whole room; guessing many
accounts from one address is still stopped."""

from __future__ import annotations

import hashlib
import logging

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)

ADDRESS_FACTOR = 10


class LoginThrottle:
    def __init__(self, redis_url: str, limit: str) -> None:
        self._item: RateLimitItem = parse(limit)
        self._address_item: RateLimitItem = type(self._item)(
            self._item.amount * ADDRESS_FACTOR, self._item.multiples
        )
        storage = storage_from_string(redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)
        assert isinstance(storage, Storage)
        self._redis = storage
        self._memory = FixedWindowRateLimiter(MemoryStorage())
        self._limiter = FixedWindowRateLimiter(self._redis)

    @staticmethod
    def _keys(address: str, username: str) -> tuple[str, str]:
        # Hashed: a typed username (or a password typed in the wrong box) is no Redis key.
        account = hashlib.sha256(username.strip().lower().encode("utf-8")).hexdigest()[:24]
        return f"login:addr:{address}", f"login:user:{account}"

    def _run(self, method: str, address: str, username: str) -> bool:
        by_address, by_account = self._keys(address, username)
        pairs = ((self._address_item, by_address), (self._item, by_account))
        try:
            return all([getattr(self._limiter, method)(item, key) for item, key in pairs])
        except Exception:
            log.warning("login throttle: redis unavailable, counting in this process")
            return all([getattr(self._memory, method)(item, key) for item, key in pairs])

    def allowed(self, address: str, username: str) -> bool:
        """False once either the address or the account has used up its failures."""
        return self._run("test", address, username)

    def failed(self, address: str, username: str) -> None:
        self._run("hit", address, username)
