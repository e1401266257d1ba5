"""The live queue: open incidents in the user's scope, most urgent first."""

from __future__ import annotations

from flask import Blueprint, render_template
from werkzeug.exceptions import HTTPException

from alerts.console.alarms import stuck_messages, system_alarms
from alerts.console.domain.queue import FLAG_LABELS
from alerts.console.domain.roles import may
from alerts.console.queue_view import queue_rows, sms_queue_alarm
from alerts.web.console.errors import html_error
from alerts.web.console.security import (
    current_user,
    login_required,
    login_required_passive,
    require,
)
from alerts.web.context import web_context

bp = Blueprint("console_queue", __name__, url_prefix="/console")
bp.register_error_handler(HTTPException, html_error)


def _rows_context() -> dict[str, object]:
    ctx = web_context()
    now = ctx.clock.now()
    with ctx.factory() as db:
        rows = queue_rows(db, current_user().scope, now)
        sms_alarm = sms_queue_alarm(db, now)
        alarms = system_alarms(db, now, ctx.settings.health)
        stuck = stuck_messages(db)
    return {
        "rows": rows,
        "now": now,
        "flag_labels": FLAG_LABELS,
        "sms_alarm": sms_alarm,
        "alarms": alarms,
        "stuck": stuck,
        # Whoever acts on alerts reads a stuck one, since no incident will show it.
        "stuck_text": may(current_user().role, "verify"),
    }


@bp.get("/")
@login_required
def index() -> str:
    require("view")
    user = current_user()
    return render_template(
        "console/queue.html",
        **_rows_context(),
        can_relay=may(user.role, "relay") and user.sender_id is not None,
    )


@bp.get("/queue/rows")
@login_required_passive
def rows() -> str:
    """The queue's rows alone: what the page fetches when the stream says something changed."""
    require("view")
    return render_template("console/_queue_rows.html", **_rows_context())
