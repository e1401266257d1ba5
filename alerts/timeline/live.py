"""Telling open consoles that something changed, once it is committed.

`ledger.record` remembers each new event on its session; after the commit a
listener hands `{event_id, kind, incident_id}` to the process's publisher (Redis
pub/sub in production), so every web worker's open streams hear of it. Never a
number, pseudonym or text: a console that hears of a change asks for the rows
it may see. A publisher that fails is logged and skipped, never raised: the
change is committed, and consoles resync when their stream reconnects.
"""

from __future__ import annotations

import logging
import weakref
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

_PENDING = "alerts_live_pending"
# Factories already publishing: attaching twice would publish twice.
_attached: weakref.WeakSet[sessionmaker[Session]] = weakref.WeakSet()

Notice = dict[str, Any]


class Publisher(Protocol):
    def publish(self, notices: list[Notice]) -> None: ...


def remember(session: Session, event_id: int, kind: str, incident_id: int | None) -> None:
    """Called by the ledger for each event appended in this transaction."""
    session.info.setdefault(_PENDING, []).append(
        {"event_id": event_id, "kind": kind, "incident_id": incident_id}
    )


def publish_after_commit(factory: sessionmaker[Session], publisher: Publisher) -> None:
    """Publish the events of every transaction of `factory`'s sessions after commit.

    Called once per process start-up (web app, worker, scheduler) for each
    session factory that writes events.
    """
    if factory in _attached:
        return
    _attached.add(factory)

    @event.listens_for(factory, "after_commit")
    def _after_commit(session: Session) -> None:
        notices = session.info.pop(_PENDING, None)
        if not notices:
            return
        try:
            publisher.publish(notices)
        except Exception:
            # The transaction is committed; a console will resync on reconnect.
            log.warning("live publish failed for %d event(s); consoles will resync", len(notices))

    @event.listens_for(factory, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(_PENDING, None)
