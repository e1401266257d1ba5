"""Engines, sessions and write transactions for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.timeouts import DatabaseTimeouts

# Any constant works; it only has to be the same in every process.
DISPATCH_LOCK_KEY = 7_215_001
WRITER_OPTION = "alerts_writer"
_LOCKED_IN = "alerts_dispatch_locked_in"


def make_engine(url: str, timeouts: DatabaseTimeouts | None = None, **kwargs: Any) -> Engine:
    """An engine tuned for this system's writers: web, workers and scheduler at once.

    On PostgreSQL every connection carries `timeouts` (the defaults unless the
    settings say otherwise), so a stalled transaction elsewhere costs a retry, not a hang.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _serialise_sqlite_writers(engine)
        return engine
    connect_args = (timeouts or DatabaseTimeouts()).psycopg_connect_args()
    # Options already in the URL (a search_path, say) come first; ours are added to them.
    url_options = parsed.query.get("options")
    if isinstance(url_options, str):
        connect_args["options"] = f"{url_options} {connect_args['options']}"
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def _serialise_sqlite_writers(engine: Engine) -> None:
    """SQLite allows one writer. Write transactions take the write lock at BEGIN
    (IMMEDIATE), so concurrent writers queue on busy_timeout instead of failing
    mid-transaction with "database is locked" when they upgrade a read lock."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let us issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Readers begin normally: WAL lets them run beside the one writer.
        immediate = connection.get_execution_options().get(WRITER_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def lock_dispatch(session: Session) -> None:
    """Serialise dispatch decisions (routing, tasking, replies, escalations); once per
    transaction.

    Only transactions that decide what a unit is told take it: events, intake and
    correlation never do. Taken first, before any row lock, so the order of locks is
    the same everywhere and they cannot deadlock. On SQLite, BEGIN IMMEDIATE already
    serialises every writer.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_LOCKED_IN) is transaction:
        return
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": DISPATCH_LOCK_KEY})
    session.info[_LOCKED_IN] = transaction


@contextmanager
def write_transaction(
    factory: sessionmaker[Session], *, dispatch: bool = True
) -> Iterator[Session]:
    """One unit of work that writes: commits on success, rolls back on error.

    With `dispatch` (the default) it may change what units are told, so it holds the
    dispatch lock; intake, correlation, the outbox and other work that decides
    nothing for a unit pass False and take no shared lock at all.
    """
    with factory() as session, session.begin():
        session.connection(execution_options={WRITER_OPTION: True})
        if dispatch:
            lock_dispatch(session)
        yield session
