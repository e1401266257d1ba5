"""Failed console logins: slow the attacker, never the officer.

Three counters, each a fixed window of ALERTS_LOGIN_LIMIT (say 5 per 15 minutes),
counted in Redis so every web worker shares them, and in this process while Redis
is down (an outage never switches the limit off):

- **pair**: one account's failures from one client address. At the limit, that
  address waits before trying that account again.
- **address**: one address's failures over every account, ten times the limit.
  Guessing many accounts from one address is stopped, while the officers behind
  one JOC's NAT can each mistype a few times without locking the room out.
- **account**: one account's failures from every address, the limit. This one
  never refuses anybody by itself. Once it is spent the account is *under
  attack*: an address may then try it only if it has no failure of its own on it
  (the try takes the pair's whole limit, so one wrong password there is its last).

So a correct password from an address that has not been failing always gets in at
once, whatever a flood from elsewhere has done: `admin` cannot be locked out by
strangers. An attacker with one address gets the limit per window; a botnet gets
one guess per address per window once the account is under attack. The address is
the client's, not the reverse proxy's: ALERTS_PROXY_HOPS tells the app how many
proxies' X-Forwarded-For to trust (werkzeug's ProxyFix, in the app factory).

The check and the count are one step. An attempt takes its place in each counter
before the password is checked, by an increment whose result is the check (one
Lua call per counter in Redis, a lock in memory), so parallel guesses cannot all
pass a check before any of them is counted. A wrong password keeps its places:
they are the count of failures. A right password, an attempt refused, or an error
before the password was judged gives them back.

Keys name the address and a hash of the typed username: a username, or a password
typed into the username box, is never a Redis key.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string

log = logging.getLogger(__name__)

ADDRESS_FACTOR = 10


@dataclass(frozen=True)
class Place:
    """One increment an attempt made, so that it can be given back."""

    key: str
    expiry: int
    cost: int


@dataclass
class Attempt:
    """A login attempt's places in the counters, held until its password is judged."""

    storage: Storage
    under_attack: bool = False
    places: list[Place] = field(default_factory=list)


class LoginThrottle:
    def __init__(self, redis_url: str, limit: str) -> None:
        self._pair: RateLimitItem = parse(limit)
        self._account: RateLimitItem = parse(limit)
        self._address: RateLimitItem = type(self._pair)(
            self._pair.amount * ADDRESS_FACTOR, self._pair.multiples
        )
        redis = storage_from_string(redis_url, socket_connect_timeout=0.5, socket_timeout=0.5)
        assert isinstance(redis, Storage)
        self._redis = redis
        self._memory = MemoryStorage()

    @staticmethod
    def _keys(address: str, username: str) -> tuple[str, str, str]:
        account = hashlib.sha256(username.strip().lower().encode("utf-8")).hexdigest()[:24]
        return (
            f"login:user:{account}",
            f"login:pair:{address}:{account}",
            f"login:addr:{address}",
        )

    @staticmethod
    def _take(attempt: Attempt, item: RateLimitItem, key: str, cost: int) -> bool:
        """Count `cost` against `item` and say whether it still fits: one atomic step."""
        place = Place(item.key_for(key), item.get_expiry(), cost)
        count = attempt.storage.incr(place.key, place.expiry, amount=cost)
        attempt.places.append(place)
        return count <= item.amount

    def _begin(self, storage: Storage, address: str, username: str) -> Attempt | None:
        by_account, by_pair, by_address = self._keys(address, username)
        attempt = Attempt(storage)
        attempt.under_attack = not self._take(attempt, self._account, by_account, 1)
        # Under attack, only an address with no failure on this account may try, once.
        pair_cost = self._pair.amount if attempt.under_attack else 1
        if self._take(attempt, self._pair, by_pair, pair_cost) and self._take(
            attempt, self._address, by_address, 1
        ):
            return attempt
        self._give_back(attempt)
        return None

    def begin(self, address: str, username: str) -> Attempt | None:
        """Take this attempt's places, before the password is checked.

        Returns:
            The attempt, to pass to `release` unless its password turns out wrong;
            None when this address must wait before trying this account (HTTP 429).
        """
        try:
            return self._begin(self._redis, address, username)
        except Exception:
            log.warning("login throttle: redis unavailable, counting in this process")
            return self._begin(self._memory, address, username)

    def release(self, attempt: Attempt) -> None:
        """The password was right (or never judged): this attempt was no failure."""
        self._give_back(attempt)

    @staticmethod
    def _give_back(attempt: Attempt) -> None:
        try:
            for place in attempt.places:
                left = attempt.storage.incr(place.key, place.expiry, amount=-place.cost)
                if left < 0:
                    # The window ended meanwhile and the decrement opened a new one below
                    # zero, which would be a credit of free failures: drop it instead.
                    attempt.storage.clear(place.key)
        except Exception:
            log.warning("login throttle: could not give back an attempt's places")
        attempt.places.clear()
