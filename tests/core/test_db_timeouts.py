"""Every PostgreSQL connection carries the limits that stop one stalled peer freezing the rest."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from alerts.core.db.session import make_engine
from alerts.core.db.timeouts import DatabaseTimeouts
from alerts.core.settings import Settings, SettingsError


def test_connections_carry_the_timeouts_and_keep_the_urls_own_options(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("statement, lock and idle timeouts are PostgreSQL settings")
    limits = DatabaseTimeouts(statement_ms=1234, lock_ms=567, idle_in_transaction_ms=8901)
    engine = make_engine(database_url, limits)
    with engine.connect() as connection:
        shown = {
            name: connection.execute(text(f"SHOW {name}")).scalar()
            for name in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")
        }
        # The test URL's own option (its private schema) still applies.
        schema = connection.execute(text("SHOW search_path")).scalar()
    engine.dispose()
    assert shown == {
        "statement_timeout": "1234ms",
        "lock_timeout": "567ms",
        "idle_in_transaction_session_timeout": "8901ms",
    }
    assert schema is not None and schema.startswith("alerts_test_")


def test_timeouts_are_settings_with_sane_defaults() -> None:
    assert Settings.from_env({}).db_timeouts == DatabaseTimeouts()
    assert DatabaseTimeouts().lock_ms > 0 and DatabaseTimeouts().statement_ms > 0
    env = {"ALERTS_DB_LOCK_TIMEOUT_MS": "250", "ALERTS_DB_STATEMENT_TIMEOUT_MS": "0"}
    chosen = Settings.from_env(env).db_timeouts
    assert (chosen.lock_ms, chosen.statement_ms) == (250, 0)
    with pytest.raises(SettingsError, match="ALERTS_DB_LOCK_TIMEOUT_MS must be a whole number"):
        Settings.from_env({"ALERTS_DB_LOCK_TIMEOUT_MS": "soon"})
    with pytest.raises(SettingsError, match="ALERTS_DB_IDLE_TX_TIMEOUT_MS must be 0 or more"):
        Settings.from_env({"ALERTS_DB_IDLE_TX_TIMEOUT_MS": "-1"})
