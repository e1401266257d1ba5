"""The incident page: map, reports, taskings, timeline, and the actions allowed."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, g, jsonify, render_template
from sqlalchemy import select, true
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from alerts.console import operator
from alerts.console.incident_view import incident_page, map_data
from alerts.correlation.domain.status import TriageReason
from alerts.correlation.merge_split import OperationRefused
from alerts.correlation.models import Incident
from alerts.dispatch.domain.outcomes import OUTCOME_LABELS
from alerts.registry.models import OperatingBase, Unit
from alerts.web.console.errors import html_error
from alerts.web.console.security import (
    current_user,
    login_required,
    login_required_passive,
    require,
    visible_incident_or_404,
)
from alerts.web.context import web_context

bp = Blueprint("console_incident", __name__, url_prefix="/console/incidents")
bp.register_error_handler(HTTPException, html_error)

ACTING = frozenset({"verify", "locate", "merge", "task", "close"})


@dataclass(frozen=True)
class TaskOption:
    id: int
    label: str
    recommended: bool


def task_options(db: Session, incident: Incident) -> list[TaskOption]:
    """Every unit of the mission: the routing's choice first and marked, then the
    other candidates with the routing's notes, then units it did not consider."""
    try:
        decision = operator.route_options(db, web_context().services, incident.id)
    except OperationRefused:
        decision = None
    options: list[TaskOption] = []
    considered: set[int] = set()
    if decision is not None:
        for c in decision.candidates:
            if c.kind != "unit":
                continue
            considered.add(c.id)
            eta = f", ETA {round(c.eta_s / 60)} min" if c.eta_s is not None else ""
            mark = "★ recommended — " if c.id == decision.unit_id else ""
            state = "" if c.eligible else " (not eligible)"
            label = f"{mark}{c.name}{eta}{state}: {c.note}"
            options.append(TaskOption(c.id, label, c.id == decision.unit_id))
        # The routing's choice first, then units it found eligible, then the rest.
        eligible = {c.id for c in decision.candidates if c.kind == "unit" and c.eligible}
        options.sort(key=lambda o: (not o.recommended, o.id not in eligible))
    rows = db.execute(
        select(Unit.id, Unit.callsign, Unit.role, Unit.status, OperatingBase.name)
        .join(OperatingBase, OperatingBase.id == Unit.base_id)
        .where(OperatingBase.mission == incident.mission if incident.mission else true())
        .order_by(Unit.callsign)
    ).all()
    options += [
        TaskOption(r.id, f"{r.callsign} — {r.role} at {r.name}, {r.status}", False)
        for r in rows
        if r.id not in considered
    ]
    return options


def _page_context(incident_id: int, *, with_forms: bool) -> dict[str, object]:
    ctx = web_context()
    user = current_user()
    with ctx.factory() as db:
        incident = visible_incident_or_404(db, incident_id)
        page = incident_page(db, user.scope, incident)
        allowed = g.user_permissions
        options = task_options(db, incident) if with_forms and "task" in allowed else []
    return {
        "page": page,
        "incident": page.incident,
        "allowed": allowed,
        "can_act": bool(allowed & ACTING),
        "outcomes": OUTCOME_LABELS,
        "task_options": options,
        "now": ctx.clock.now(),
    }


@bp.get("/<int:incident_id>")
@login_required
def show(incident_id: int) -> str:
    require("view")
    ctx = web_context()
    return render_template(
        "console/incident.html",
        **_page_context(incident_id, with_forms=True),
        tile_url=ctx.settings.tile_url or "",
        tile_attribution=ctx.settings.tile_attribution,
    )


@bp.get("/<int:incident_id>/live")
@login_required_passive
def live(incident_id: int) -> str:
    """The parts of the page that change on their own: status, taskings, reports, timeline."""
    require("view")
    return render_template(
        "console/_incident_live.html", **_page_context(incident_id, with_forms=False)
    )


@bp.get("/<int:incident_id>/map.json")
@login_required_passive
def map_json(incident_id: int) -> Response:
    require("view")
    ctx = web_context()
    user = current_user()
    with ctx.factory() as db:
        incident = visible_incident_or_404(db, incident_id)
        page = incident_page(db, user.scope, incident)
        waiting = incident.triage_reason == TriageReason.AMBIGUOUS
        data = map_data(db, incident, page.reports, page.candidates if waiting else None)
    return jsonify(data)
