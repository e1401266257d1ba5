"""Every host tells the database's time, whatever its own clock says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, create_engine

from alerts.core.db.clock import DatabaseClock

# This test's round trips, on a shared machine: far below the hour the clock is off by.
CLOSE = timedelta(seconds=5)

READ_THE_TIME = """
import sys
from alerts.core.db.clock import DatabaseClock
from alerts.core.db.session import make_engine
clock = DatabaseClock(make_engine(sys.argv[1]))
print(clock.now().isoformat(), clock.offset.total_seconds())
"""


def test_a_host_whose_clock_is_an_hour_ahead_tells_the_databases_time(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite's clock is this host's own: there is no other clock to agree with")
    if shutil.which("faketime") is None:
        pytest.fail("faketime is missing: scripts/install-test-deps.sh installs it")
    ahead = subprocess.run(
        ["faketime", "-f", "+1h", sys.executable, "-c", READ_THE_TIME, database_url],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    told, offset_s = ahead.stdout.split()
    assert abs(datetime.fromisoformat(told) - datetime.now(UTC)) < CLOSE
    assert abs(timedelta(seconds=float(offset_s)) + timedelta(hours=1)) < CLOSE


def test_without_the_database_the_host_clock_stands_in(unreachable: Engine) -> None:
    clock = DatabaseClock(unreachable)
    assert abs(clock.now() - datetime.now(UTC)) < CLOSE
    assert clock.offset == timedelta(0)


@pytest.fixture
def unreachable() -> Engine:
    # Port 1 on loopback: refused at once, nothing listens there.
    return create_engine(
        "postgresql+psycopg://postgres@127.0.0.1:1/none", connect_args={"connect_timeout": 2}
    )
