"""The run's own PostgreSQL database, and what its sessions and RQ's queue look like
while the load runs."""

from __future__ import annotations

import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from redis import Redis
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from alerts.db import migrate
from bench.harness.checks import LockSampler
from workers.queue import QUEUE_NAMES


@contextmanager
def private_database(base_url: str) -> Iterator[str]:
    """A fresh, migrated database on the server of `base_url`, dropped afterwards
    whatever happened (the sessions still in it are ended first: they are ours)."""
    name = f"bench_e2e_{secrets.token_hex(4)}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        print(f"dropped database {name}", file=sys.stderr)


class WaitSampler(LockSampler):
    """Every 250 ms: how many of the system's database sessions wait on a lock (any
    kind: row locks hold units and incidents, advisory locks correlation cells), how
    many run a statement, and how many jobs wait in RQ's queues."""

    EVERY_S = 0.25
    QUERY = text(
        "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),"
        " count(*) FILTER (WHERE state = 'active')"
        " FROM pg_stat_activity WHERE application_name = :ours"
    )

    def __init__(self, engine: Engine, application_name: str, redis_url: str) -> None:
        super().__init__(engine, application_name)
        self.redis = Redis.from_url(redis_url)
        self.backlog: list[tuple[float, int]] = []  # (wall clock, jobs queued)

    def sampled(self) -> None:
        queued = sum(int(self.redis.llen(f"rq:queue:{name}")) for name in QUEUE_NAMES)
        self.backlog.append((time.time(), queued))
