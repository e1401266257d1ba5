"""Shared fixtures: a real database (PostgreSQL or SQLite), a private Redis, keys.

PostgreSQL is used when ALERTS_TEST_DATABASE_URL is set: each test session
gets its own schema there, dropped at the end. Redis is always a private
redis-server on a free port, so no test ever touches a database it did not
create.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import Clock, FakeClock, SystemClock
from alerts.core.db.session import make_engine, session_factory
from alerts.core.settings import SANDBOX_ACCOUNT_SID, SANDBOX_AUTH_TOKEN, Settings
from alerts.core.vault import PhoneVault, generate_key
from alerts.db import migrate
from alerts.db.schema import Model
from alerts.sandbox.app import SandboxConfig, create_sandbox_app
from alerts.supervisor import free_port, redis_answers, redis_server_command
from alerts.timeline.log_key import generate_log_key
from alerts.web import create_app
from tests.fakes import FakeNominatim
from tests.live import ALERT_NUMBER, LiveSystem, load_test_network, serve
from workers.queue import RqJobQueue

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DATA_KEY = generate_key()
LOG_KEY = generate_log_key()


def postgres_schema_url(base_url: str, schema: str) -> str:
    url = make_url(base_url)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    base = os.environ.get("ALERTS_TEST_DATABASE_URL")
    if not base:
        path = tmp_path_factory.mktemp("db") / "alerts.db"
        url = f"sqlite:///{path}"
        migrate.upgrade(url)
        yield url
        return
    schema = f"alerts_test_{secrets.token_hex(4)}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = postgres_schema_url(base, schema)
    migrate.upgrade(url)
    yield url
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    yield session_factory(engine)
    # Each test starts from empty tables; the schema stays.
    with engine.begin() as connection:
        for table in reversed(Model.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: apt-get install redis-server")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        redis_server_command(binary, port, workdir),
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not redis_answers(url):
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("private redis-server did not start")
        time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture
def redis(redis_url: str) -> Iterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    client.flushdb()  # our private server: nobody else's data is here
    client.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def vault() -> PhoneVault:
    return PhoneVault(DATA_KEY)


@pytest.fixture
def settings(database_url: str, redis_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        redis_url=redis_url,
        public_url="http://127.0.0.1:5999",
        twilio_account_sid=SANDBOX_ACCOUNT_SID,
        twilio_auth_token=SANDBOX_AUTH_TOKEN,
        twilio_api_base="http://127.0.0.1:5998",
        sms_from="+243810009999",
        secret_key="test-secret-key",
        data_key=DATA_KEY,
        log_key=LOG_KEY,
        keywords_dir=ROOT / "config" / "keywords",
        correlation_file=ROOT / "config" / "correlation.yaml",
        dispatch_file=ROOT / "config" / "dispatch.yaml",
        # A FakeClock never reaches a paced slot: pacing has tests of its own.
        sms_segments_per_s=0,
        # Never the working tree's instance/spool.
        spool_dir=Path(tempfile.mkdtemp(prefix="alerts-spool-")),
    )


@contextmanager
def live_system(
    factory: sessionmaker[Session],
    redis: Redis,
    redis_url: str,
    database_url: str,
    clock: Clock,
    vault: PhoneVault,
) -> Iterator[LiveSystem]:
    """The web app and the Twilio sandbox on loopback ports, the test network loaded."""
    web_port, sandbox_port = free_port(), free_port()
    settings = Settings(
        database_url=database_url,
        redis_url=redis_url,
        public_url=f"http://127.0.0.1:{web_port}",
        twilio_account_sid=SANDBOX_ACCOUNT_SID,
        twilio_auth_token=SANDBOX_AUTH_TOKEN,
        twilio_api_base=f"http://127.0.0.1:{sandbox_port}",
        sms_from=ALERT_NUMBER,
        secret_key="test-secret-key",
        data_key=DATA_KEY,
        log_key=LOG_KEY,
        keywords_dir=ROOT / "config" / "keywords",
        correlation_file=ROOT / "config" / "correlation.yaml",
        dispatch_file=ROOT / "config" / "dispatch.yaml",
        # A FakeClock never reaches a paced slot: pacing has tests of its own.
        sms_segments_per_s=0,
        # Never the working tree's instance/spool.
        spool_dir=Path(tempfile.mkdtemp(prefix="alerts-spool-")),
    )
    sandbox = create_sandbox_app(
        SandboxConfig(
            account_sid=SANDBOX_ACCOUNT_SID,
            auth_token=SANDBOX_AUTH_TOKEN,
            webhook_url=settings.url_for("/sms/twilio"),
            alert_number=ALERT_NUMBER,
            callback_delay_s=0.05,
        )
    )
    sandbox_server = serve(sandbox, sandbox_port)
    web_app = create_app(settings, clock=clock, queue=RqJobQueue.from_url(redis_url))
    web_server = serve(web_app, web_port)
    load_test_network(factory, vault, clock, DATA / "network.yaml")
    try:
        yield LiveSystem(
            settings,
            factory,
            sandbox,
            settings.twilio_api_base or "",
            settings.public_url,
            redis,
            clock,
            web_app,
        )
    finally:
        web_server.shutdown()
        # Outbox rows marked relayed in the background are marked before the tables empty.
        web_app.extensions["alerts"].relayed.flush()
        sandbox_server.shutdown()
        sandbox.close()


@pytest.fixture
def system(
    factory: sessionmaker[Session],
    redis: Redis,
    redis_url: str,
    database_url: str,
    clock: FakeClock,
    vault: PhoneVault,
) -> Iterator[LiveSystem]:
    with live_system(factory, redis, redis_url, database_url, clock, vault) as running:
        yield running


@pytest.fixture
def realtime_system(
    factory: sessionmaker[Session],
    redis: Redis,
    redis_url: str,
    database_url: str,
    vault: PhoneVault,
) -> Iterator[LiveSystem]:
    """The same, on the system clock: for tests with real worker and scheduler processes."""
    with live_system(factory, redis, redis_url, database_url, SystemClock(), vault) as running:
        yield running


@pytest.fixture
def nominatim() -> Iterator[FakeNominatim]:
    fake = FakeNominatim()
    port = free_port()
    server = serve(fake.app(), port)
    fake.url = f"http://127.0.0.1:{port}"
    yield fake
    server.shutdown()
