"""The dispatch engineer's operator service, which the console's actions call.

TEMPORARY: `alerts.services.operator` is being written in parallel; until it
lands, actions that need it answer 503 with a clear message instead of the
whole console failing to import. Remove the guard once it has landed.
"""

from __future__ import annotations

from types import ModuleType

from flask import abort

try:
    from alerts.services import operator as _operator  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - only until operator.py lands
    _operator = None


def operator() -> ModuleType:
    if _operator is None:
        abort(503, description="this action needs alerts.services.operator, not installed yet")
    module: ModuleType = _operator
    return module
