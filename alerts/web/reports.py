"""The evaluators' reports on the web: the same documents as `alerts report`.

Routes (blueprint `reports`, mounted at /reports):

- `GET /reports/`                the form: period, mission, format
- `GET /reports/latency`         response times
- `GET /reports/noncompliance`   refusals and failures; `?half=2026H1` for the six-monthly report
- `POST` to the same two paths   a full export: it is recorded, so it is never a GET

Parameters (the query string, or the form of a POST): `from`, `to`
(YYYY-MM-DD, inclusive) or `half`; `format` (html, csv, json; html by
default); `table` (CSV only); `sector`; `detail=full` with `reason` (POST only).

Who may see what. The blueprint trusts nothing it is not told: the console
registers a viewer loader with `init_viewer(app, loader)`; `loader()` returns
the logged-in user (anything with `role`, `mission`, `sector` and `actor`,
such as `alerts.services.users.CurrentUser`) or None. Without a loader every
route answers 403, so registering the blueprint alone exposes nothing.

- Reports need a role in `REPORT_ROLES` (evaluator, admin): 403 otherwise.
- A user sees their own mission (and sector, if scoped to one); MONUC and
  MONUSCO are one mission.
- `detail=full` needs a role in `FULL_DETAIL_ROLES` (admin) and a reason, and
  is recorded as a `report.full_export` event naming the user.

To wire it, in `alerts.web.create_app`: `app.register_blueprint(reports.bp)`,
and in the console's set-up: `reports.init_viewer(app, current_user_or_none)`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Protocol

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request

from alerts.audit.domain.access import may_read_reports, may_see_full_detail
from alerts.audit.domain.history.missions import canonical_mission
from alerts.audit.domain.periods import Period, half_containing, half_year
from alerts.audit.reports.model import FORMATS, Format, ReportKind, ReportRequest
from alerts.audit.reports.produce import ReportRefused, produce
from alerts.web.context import web_context

# Its own template folder, so the blueprint works in any app (alerts/web/templates/reports/).
bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")
VIEWER_KEY = "alerts.reports.viewer"


class Viewer(Protocol):
    @property
    def role(self) -> str: ...
    @property
    def mission(self) -> str: ...
    @property
    def sector(self) -> str | None: ...
    @property
    def actor(self) -> str: ...


def init_viewer(app: Flask, loader: Callable[[], Viewer | None]) -> None:
    """Tell the blueprint who is behind a request (the console's login)."""
    app.extensions[VIEWER_KEY] = loader


def _viewer() -> Viewer:
    loader: Callable[[], Viewer | None] | None = current_app.extensions.get(VIEWER_KEY)
    viewer = loader() if loader is not None else None
    if viewer is None or not may_read_reports(viewer.role):
        abort(403)
    return viewer


def _param(name: str, default: str = "") -> str:
    """A parameter of the query string, or of a POST's form."""
    source = request.form if request.method == "POST" else request.args
    return source.get(name, default)


def _day(name: str) -> date | None:
    value = _param(name).strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400, f"{name}: {value!r} is not a date; write YYYY-MM-DD")


def _period(today: date) -> Period:
    half, first, last = _param("half").strip(), _day("from"), _day("to")
    try:
        if half:
            return half_year(half)
        if first is None and last is None:
            return half_containing(today)
        return Period(first or last or today, last or first or today)
    except ValueError as error:
        abort(400, str(error))


def _serve(kind: ReportKind) -> Response:
    viewer = _viewer()
    context = web_context()
    now = context.clock.now()
    fmt = _param("format", "html")
    if fmt not in FORMATS:
        abort(400, f"format: one of {', '.join(FORMATS)}")
    full = _param("detail") == "full"
    if full and request.method != "POST":
        # A full export writes an event: no state change through GET.
        abort(405, "a full export is a POST, with a reason: use the form on /reports/")
    if full and not may_see_full_detail(viewer.role):
        abort(403)
    report_request = ReportRequest(
        period=_period(now.date()),
        mission=canonical_mission(viewer.mission),
        sector=viewer.sector or (_param("sector") or None),
        detail="full" if full else "anonymised",
    )
    chosen: Format = fmt
    try:
        document = produce(
            context.factory,
            kind,
            report_request,
            chosen,
            now,
            actor=viewer.actor,
            table=_param("table") or None,
            reason=_param("reason") or None,
        )
    except ReportRefused as error:
        abort(400, str(error))
    response = Response(document.content, mimetype=document.media_type.split(";")[0])
    response.headers["Cache-Control"] = "no-store"
    if fmt != "html":
        response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


@bp.route("/latency", methods=["GET", "POST"])
def latency() -> Response:
    return _serve("latency")


@bp.route("/noncompliance", methods=["GET", "POST"])
def noncompliance() -> Response:
    return _serve("noncompliance")


@bp.get("/")
def index() -> str:
    viewer = _viewer()
    today = web_context().clock.now().date()
    current = half_containing(today)
    previous = half_containing(current.first - timedelta(days=1))
    return render_template(
        "reports/index.html",
        mission=canonical_mission(viewer.mission),
        sector=viewer.sector,
        first=current.first.isoformat(),
        last=today.isoformat(),
        formats=FORMATS,
        halves=[previous.half, current.half],
        full_detail=may_see_full_detail(viewer.role),
    )
