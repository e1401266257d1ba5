"""Server-sent events: each open console hears of committed changes in its scope.

Events come from Redis pub/sub (published after commit by every web worker,
RQ worker and the scheduler; see services/live.py), so this works with any
number of web workers. The stream only says *what changed*; the page then asks
for the rows it may see. A stream lasts at most STREAM_MAX_S and re-checks its
session every heartbeat, so a logout or a disabled account ends it; the browser
reconnects by itself and resyncs the whole queue on every (re)connect, which
also covers anything missed while Redis was down.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

from flask import Blueprint, Response, stream_with_context
from werkzeug.exceptions import HTTPException

from alerts.console.domain.scope import sees
from alerts.console.scoping import single_mission
from alerts.console.users import CurrentUser
from alerts.correlation.models import Incident
from alerts.timeline.live_redis import Subscription
from alerts.web.console.errors import html_error
from alerts.web.console.security import (
    current_user,
    load_user,
    login_required_passive,
    require,
)
from alerts.web.context import WebContext, web_context

log = logging.getLogger(__name__)

bp = Blueprint("console_stream", __name__, url_prefix="/console")
bp.register_error_handler(HTTPException, html_error)

HEARTBEAT_S = 15.0
# Each open stream holds a server thread; recycling them bounds a stuck one's cost.
STREAM_MAX_S = 300.0
RETRY_MS = 2000
# While Redis is down, reconnect attempts come slower; the page polls meanwhile.
OUTAGE_RETRY_MS = 10000


def _frame(event: str, data: dict[str, object]) -> str:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


class ScopeFilter:
    """Whether an incident is in the user's scope, remembered briefly per stream."""

    def __init__(self, ctx: WebContext, user: CurrentUser) -> None:
        self._ctx, self._user = ctx, user
        self._known: dict[int, tuple[float, bool]] = {}

    def visible(self, incident_id: int) -> bool:
        cached = self._known.get(incident_id)
        if cached is not None and time.monotonic() - cached[0] < 10:
            return cached[1]
        with self._ctx.factory() as db:
            row = db.get(Incident, incident_id)
            seen = row is not None and sees(
                self._user.scope, row.mission, row.sector, single_mission=single_mission(db)
            )
        self._known[incident_id] = (time.monotonic(), seen)
        return seen


def _events(ctx: WebContext, user: CurrentUser) -> Iterator[str]:
    yield f"retry: {RETRY_MS}\n\n"
    try:
        subscription = Subscription(ctx.settings.redis_url)
        subscription.next(0.0)  # connects now, so an outage shows at once
    except Exception:
        log.warning("live stream unavailable: redis down; the page falls back to polling")
        yield f"retry: {OUTAGE_RETRY_MS}\n\n" + _frame("unavailable", {})
        return
    scope = ScopeFilter(ctx, user)
    started = last_beat = time.monotonic()
    yield _frame("hello", {})
    try:
        while time.monotonic() - started < STREAM_MAX_S:
            try:
                notice = subscription.next(1.0)
            except Exception:
                yield f"retry: {OUTAGE_RETRY_MS}\n\n" + _frame("unavailable", {})
                return
            if notice is not None:
                incident_id = notice.get("incident_id")
                if isinstance(incident_id, int) and scope.visible(incident_id):
                    yield _frame(
                        "change",
                        {
                            "event_id": notice.get("event_id"),
                            "kind": notice.get("kind"),
                            "incident_id": incident_id,
                        },
                    )
            if time.monotonic() - last_beat >= HEARTBEAT_S:
                last_beat = time.monotonic()
                if load_user(touch=False) is None:
                    yield _frame("logout", {})
                    return
                yield ": heartbeat\n\n"
    finally:
        subscription.close()


@bp.get("/stream")
@login_required_passive
def stream() -> Response:
    require("view")
    ctx, user = web_context(), current_user()
    response = Response(stream_with_context(_events(ctx, user)), mimetype="text/event-stream")
    response.headers["X-Accel-Buffering"] = "no"  # a proxy must pass each event on at once
    return response
