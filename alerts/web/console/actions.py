"""What officers do to an incident. Each handler checks scope (404) and role
(403), calls one service in one transaction, and goes back to the page; the
service writes the event, with the officer as its actor."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from alerts.audit import evaluation_records
from alerts.console import operator
from alerts.console.domain.roles import Permission
from alerts.core.db.session import write_transaction
from alerts.correlation.merge_split import OperationRefused
from alerts.correlation.models import Report
from alerts.messaging import outbox
from alerts.registry import senders
from alerts.web.console.errors import html_error
from alerts.web.console.security import (
    current_user,
    login_required,
    require,
    visible_incident_or_404,
)
from alerts.web.context import web_context

log = logging.getLogger(__name__)

bp = Blueprint("console_actions", __name__, url_prefix="/console/incidents")
bp.register_error_handler(HTTPException, html_error)


def _back(incident_id: int) -> Response:
    return redirect(url_for("console_incident.show", incident_id=incident_id), code=303)


def _text(name: str, limit: int = 500) -> str:
    return request.form.get(name, "").strip()[:limit]


def _float(name: str) -> float:
    try:
        return float(request.form.get(name, ""))
    except ValueError:
        abort(400, description=f"{name} must be a number")


def _act(
    incident_id: int, permission: Permission, action: Callable[[Session], Any], done: str
) -> Response:
    """Scope, then role, then the service; a refusal is shown, not raised."""
    ctx = web_context()
    with ctx.factory() as db:
        visible_incident_or_404(db, incident_id)
    require(permission)
    try:
        with write_transaction(ctx.factory) as db:
            action(db)
    except (OperationRefused, ValueError) as refusal:
        flash(str(refusal), "error")
        return _back(incident_id)
    flash(done, "ok")
    # SMS the action queued go out now, not at the scheduler's next tick.
    try:
        outbox.relay(ctx.factory, ctx.queue, ctx.clock.now())
    except Exception:
        log.warning("outbox relay after an action failed; the scheduler will relay")
    return _back(incident_id)


@bp.post("/<int:incident_id>/verify")
@login_required
def verify(incident_id: int) -> Response:
    services, actor = web_context().services, current_user().actor
    return _act(
        incident_id,
        "verify",
        lambda db: operator.verify_incident(db, services, incident_id, actor=actor),
        "Verified.",
    )


@bp.post("/<int:incident_id>/false-alarm")
@login_required
def false_alarm(incident_id: int) -> Response:
    services, actor, reason = web_context().services, current_user().actor, _text("reason")
    return _act(
        incident_id,
        "verify",
        lambda db: operator.mark_false_alarm(db, services, incident_id, actor=actor, reason=reason),
        "Marked as a false alarm.",
    )


@bp.post("/<int:incident_id>/relocate")
@login_required
def relocate(incident_id: int) -> Response:
    services, actor = web_context().services, current_user().actor
    lat, lon = _float("lat"), _float("lon")
    radius = _float("radius_m") if request.form.get("radius_m") else 1000.0
    candidate = _text("candidate_name", 200) or None
    reason = _text("reason") or (f"picked candidate {candidate}" if candidate else "")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 10 <= radius <= 100_000):
        abort(400, description="lat, lon or radius out of range")
    return _act(
        incident_id,
        "locate",
        lambda db: operator.relocate(
            db,
            services,
            incident_id,
            lat=lat,
            lon=lon,
            radius_m=radius,
            actor=actor,
            reason=reason,
            candidate_name=candidate,
        ),
        "Relocated.",
    )


@bp.post("/<int:incident_id>/merge")
@login_required
def merge(incident_id: int) -> Response:
    ctx, actor, reason = web_context(), current_user().actor, _text("reason")
    other = request.form.get("other_id", type=int)
    if other is None:
        abort(400, description="choose the incident to merge")
    with ctx.factory() as db:
        visible_incident_or_404(db, other)

    def action(db: Session) -> None:
        operator.merge(
            db,
            ctx.services,
            survivor_id=incident_id,
            absorbed_id=other,
            actor=actor,
            reason=reason,
        )

    return _act(incident_id, "merge", action, "Merged into this incident.")


@bp.post("/<int:incident_id>/split")
@login_required
def split(incident_id: int) -> Response:
    ctx, actor, reason = web_context(), current_user().actor, _text("reason")
    report_ids = [int(r) for r in request.form.getlist("report_id") if r.isdigit()]

    def action(db: Session) -> None:
        operator.split(
            db,
            ctx.services,
            incident_id=incident_id,
            report_ids=report_ids,
            actor=actor,
            reason=reason,
        )

    return _act(incident_id, "merge", action, "Split into a new incident.")


@bp.post("/<int:incident_id>/task")
@login_required
def task(incident_id: int) -> Response:
    services, actor = web_context().services, current_user().actor
    unit_id = request.form.get("unit_id", type=int)
    if unit_id is None:
        abort(400, description="choose a unit")
    reason = _text("reason") or None
    replace_open = request.form.get("replace_open") == "1"
    return _act(
        incident_id,
        "task",
        lambda db: operator.task_unit(
            db,
            services,
            incident_id,
            unit_id,
            actor=actor,
            reason=reason,
            replace_open=replace_open,
        ),
        "Unit re-tasked." if replace_open else "Tasking sent.",
    )


@bp.post("/<int:incident_id>/close")
@login_required
def close(incident_id: int) -> Response:
    services, actor = web_context().services, current_user().actor
    note = _text("note", 2000) or None
    chosen = request.form.getlist("outcome")

    def action(db: Session) -> None:
        operator.close(db, services, incident_id, actor=actor, outcomes=chosen, note=note)

    return _act(incident_id, "close", action, "Closed.")


def _utc_time(name: str) -> datetime:
    """A time typed in UTC (the form says so): `YYYY-MM-DDTHH:MM` from datetime-local."""
    value = request.form.get(name, "").strip()
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        abort(400, description=f"{name}: give a date and time in UTC, e.g. 2026-03-01T04:30")


@bp.post("/<int:incident_id>/attack-ended")
@login_required
def attack_ended(incident_id: int) -> Response:
    """When the attack ended: what the immediate-response rate is judged against."""
    ctx, actor, ended_at = web_context(), current_user().actor, _utc_time("ended_at")
    return _act(
        incident_id,
        "close",
        lambda db: evaluation_records.record_attack_end(
            db, ctx.clock.now(), incident_id, ended_at, actor
        ),
        "Attack end recorded.",
    )


@bp.post("/<int:incident_id>/response-action")
@login_required
def response_action(incident_id: int) -> Response:
    """Something done about the incident and when: a political step leaves no tasking."""
    ctx, actor, done_at = web_context(), current_user().actor, _utc_time("at")
    action_name = request.form.get("action", "")
    return _act(
        incident_id,
        "close",
        lambda db: evaluation_records.record_response_action(
            db, ctx.clock.now(), incident_id, action_name, done_at, actor
        ),
        "Response action recorded.",
    )


@bp.post("/<int:incident_id>/senders/<int:sender_id>/reveal")
@login_required
def reveal(incident_id: int, sender_id: int) -> Response | str | tuple[str, int]:
    """Decrypt one informant's number for an allowed role, with a typed reason (an event)."""
    ctx, user = web_context(), current_user()
    with ctx.factory() as db:
        visible_incident_or_404(db, incident_id)
        page_sender = incident_sender(db, incident_id, sender_id)
    require("reveal")
    if not page_sender:
        abort(404)
    reason = _text("reason")
    try:
        with write_transaction(ctx.factory) as db:
            outcome = senders.reveal_number(
                db,
                ctx.vault,
                sender_id,
                actor=user.actor,
                actor_role=user.role,
                reason=reason,
                now=ctx.clock.now(),
                limit=ctx.settings.reveal_limit,
                incident_id=incident_id,
                address=request.remote_addr,
            )
    except senders.RevealDenied:
        abort(403)
    except ValueError as refusal:
        flash(str(refusal), "error")
        return _back(incident_id)
    if outcome.number is None:
        # Refused over the limit: committed as an event, shown as a 429 page.
        page = render_template("console/error.html", code=429, message=outcome.refusal, detail=None)
        return page, 429
    return render_template(
        "console/revealed.html", incident_id=incident_id, number=outcome.number, reason=reason
    )


def incident_sender(db: Session, incident_id: int, sender_id: int) -> bool:
    """Only the senders of this incident's reports can be revealed from its page."""
    return sender_id in incident_sender_ids(db, incident_id)


def incident_sender_ids(db: Session, incident_id: int) -> set[int]:
    from_reports = db.scalars(select(Report.sender_id).where(Report.incident_id == incident_id))
    return set(from_reports)
