"""Engines, sessions and write transactions for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect, make_url, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.db.timeouts import DatabaseTimeouts

WRITER_OPTION = "alerts_writer"
_Row = TypeVar("_Row")


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


def hold_rows(session: Session, entity: type[_Row], ids: Iterable[int]) -> list[_Row]:
    """Lock these rows until the transaction ends, in id order, and return them fresh.

    Writers never share one lock: each holds the rows its decision is about. So that
    no two of them can wait on each other in a cycle, every transaction takes its
    locks in this order, and each kind in ascending id:

    1. a job's own inbound message row (only its job locks it);
    2. correlation's advisory keys, the sender's and the cells' (alerts only);
    3. incidents;
    4. units;
    then any other row. A row that belongs to an incident (a tasking, a deadline, an
    order's SMS) changes only while its incident is held, so it may be locked before
    or after a unit: whoever could wait for it already waits for the incident.

    FOR NO KEY UPDATE, so inserting a row that refers to a held one (a report, an
    event) never waits. On SQLite BEGIN IMMEDIATE already serialises every writer,
    and the rows are simply read afresh.
    """
    wanted = sorted(set(ids))
    if not wanted:
        return []
    key = inspect(entity).primary_key[0]
    query = select(entity).where(key.in_(wanted)).order_by(key)
    return list(
        session.scalars(
            query.with_for_update(key_share=True).execution_options(populate_existing=True)
        )
    )


@contextmanager
def write_transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work that writes: commits on success, rolls back on error.

    It takes no lock of its own: what it decides about, it holds (`hold_rows`).
    """
    with factory() as session, session.begin():
        session.connection(execution_options={WRITER_OPTION: True})
        yield session
