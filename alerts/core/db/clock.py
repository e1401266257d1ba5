"""The database's clock, read through this host's: one clock for every host.

Leases and deadlines are written by one host and compared by another (a worker
takes a send lease, the scheduler decides it ran out). Hosts' clocks drift apart;
the database is the one thing they all share. So each process measures how far
the database's clock is from its own, and tells the time as its own clock plus
that offset: no query per reading, and every host agrees to within a round trip.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

# Clocks drift by seconds a day at worst: a minute between measurements is plenty.
MEASURE_EVERY = timedelta(minutes=1)
# An offset this large means a host's clock is badly wrong: worth a warning.
WARN_BEYOND = timedelta(seconds=2)
# Smaller offsets are left to NTP: a measurement is only good to half a round trip, and
# two processes of one host that measured differently would put events out of order.
IGNORE_BELOW = timedelta(milliseconds=100)
# Readings per measurement; the one with the shortest round trip is the most exact.
SAMPLES = 3


class DatabaseClock:
    """UTC as the database tells it; this host's clock while it cannot be asked.

    On SQLite the database is a file on this host, so its clock is this host's.
    """

    def __init__(self, engine: Engine, measure_every: timedelta = MEASURE_EVERY) -> None:
        self._engine = engine
        self._every_s = measure_every.total_seconds()
        self._offset = timedelta(0)
        self._next_measure = 0.0  # monotonic seconds
        self._lock = threading.Lock()

    @property
    def offset(self) -> timedelta:
        """The database's clock minus this host's, as last measured."""
        return self._offset

    def now(self) -> datetime:
        if time.monotonic() >= self._next_measure:
            self._measure()
        return datetime.now(UTC) + self._offset

    def _measure(self) -> None:
        with self._lock:
            if time.monotonic() < self._next_measure:
                return  # another thread just did
            self._next_measure = time.monotonic() + self._every_s
            if self._engine.dialect.name != "postgresql":
                return
            try:
                with self._engine.connect() as connection:
                    readings = [_reading(connection) for _ in range(SAMPLES)]
            except SQLAlchemyError as error:
                # Keep the last offset: the next reading tries again.
                log.warning("clock: the database could not be asked the time (%s); "
                            "using this host's clock plus the last offset",
                            type(error).__name__)  # fmt: skip
                return
            offset = min(readings)[1]
            if abs(offset) < IGNORE_BELOW:
                offset = timedelta(0)
            if abs(offset - self._offset) > WARN_BEYOND:
                log.warning("clock: this host's clock is %.1f s from the database's",
                            -offset.total_seconds())  # fmt: skip
            self._offset = offset


def _reading(connection: Connection) -> tuple[timedelta, timedelta]:
    """(round trip, the database's clock minus this host's at the trip's middle)."""
    before = datetime.now(UTC)
    database = connection.scalar(text("SELECT clock_timestamp()"))
    after = datetime.now(UTC)
    return after - before, database - (before + (after - before) / 2)
