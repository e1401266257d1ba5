"""The CLA form: an alert heard by call, radio or in person, relayed verbatim."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from alerts.core.db.session import write_transaction
from alerts.intake.relay import CHANNELS, RelayRefused, RelayRequest, relay_alert
from alerts.web.console.errors import html_error
from alerts.web.console.security import current_user, login_required, require
from alerts.web.context import web_context
from alerts.web.sms import hand_over_after_commit

log = logging.getLogger(__name__)

bp = Blueprint("console_relay", __name__, url_prefix="/console/relay")
bp.register_error_handler(HTTPException, html_error)

CHANNEL_LABELS = {"call": "Phone call", "radio": "Radio", "in_person": "In person"}


def reported_at(local: str, offset_min: str) -> datetime:
    """The time the source reported, from the form's local time and the browser's
    UTC offset (minutes, as JavaScript's getTimezoneOffset gives it). Without the
    offset (no script), the time is taken as UTC, as the form says."""
    moment = datetime.fromisoformat(local)
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    try:
        offset = int(offset_min) if offset_min else 0
    except ValueError:
        offset = 0
    if not -24 * 60 < offset < 24 * 60:
        offset = 0
    return (moment + timedelta(minutes=offset)).replace(tzinfo=UTC)


def _form(error: str | None = None, status: int = 200) -> tuple[str, int]:
    return (
        render_template(
            "console/relay.html",
            channels=[(c, CHANNEL_LABELS[c]) for c in CHANNELS],
            error=error,
            form=request.form,
            linked=current_user().sender_id is not None,
        ),
        status,
    )


@bp.get("")
@login_required
def form() -> tuple[str, int]:
    require("relay")
    return _form()


@bp.post("")
@login_required
def submit() -> Response | tuple[str, int]:
    require("relay")
    ctx, user = web_context(), current_user()
    try:
        when = reported_at(
            request.form.get("reported_at", ""), request.form.get("tz_offset_min", "")
        )
    except ValueError:
        return _form("Give the time the source reported, as date and time.", 400)
    relay = RelayRequest(
        channel=request.form.get("channel", ""),
        source_reported_at=when,
        text=request.form.get("text", ""),
        place=request.form.get("place") or None,
    )
    try:
        with write_transaction(ctx.factory) as db:
            relayed = relay_alert(
                db, ctx.clock.now(), relay, sender_id=user.sender_id, actor=user.actor
            )
    except RelayRefused as refusal:
        return _form(str(refusal), 400)
    hand_over_after_commit(ctx, relayed.outbox)
    log.info("relay %s stored as message %s by %s", relayed.ref, relayed.message_id, user.username)
    flash(f"Alert relayed: reference {relayed.ref}. It appears in the queue once located.", "ok")
    return redirect(url_for("console_queue.index"), code=303)
