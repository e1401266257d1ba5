"""How long a PostgreSQL connection may wait, so one stalled peer cannot freeze the rest.

Without them, a transaction left open by a paused host holds its row locks for
ever: intake, escalations and the console then queue behind it, and webhooks
time out. Each limit ends the stalled party, never the ones waiting politely.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DatabaseTimeouts:
    """Limits every connection sets at start-up; 0 turns one off.

    Args:
        statement_ms: a single statement is cancelled after this.
        lock_ms: waiting for a row or table lock fails after this, so a writer
            behind a stalled transaction gets an error it can retry, not a hang.
        idle_in_transaction_ms: a session that sits in an open transaction doing
            nothing this long is ended by the server, releasing its locks.
        connect_s: opening a connection gives up after this.
        keepalive_idle_s: TCP keepalives find a peer that vanished (a partition,
            a dead host) after this much silence, plus 3 probes 10 s apart.
    """

    statement_ms: int = 30_000
    lock_ms: int = 5_000
    idle_in_transaction_ms: int = 15_000
    connect_s: int = 5
    keepalive_idle_s: int = 30

    @classmethod
    def for_maintenance(cls) -> DatabaseTimeouts:
        """Migrations rewrite whole tables: no statement limit, but still no endless lock wait
        and no connection kept open by a vanished host."""
        return cls(statement_ms=0, lock_ms=60_000, idle_in_transaction_ms=0)

    def psycopg_connect_args(self) -> dict[str, Any]:
        options = (
            f"-c statement_timeout={self.statement_ms} -c lock_timeout={self.lock_ms} "
            f"-c idle_in_transaction_session_timeout={self.idle_in_transaction_ms}"
        )
        return {
            "connect_timeout": self.connect_s,
            "keepalives": 1,
            "keepalives_idle": self.keepalive_idle_s,
            "keepalives_interval": 10,
            "keepalives_count": 3,
            "options": options,
        }
