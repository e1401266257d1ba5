"""The JOC console: blueprints split by meaning, sharing one security layer."""

from __future__ import annotations

from flask import Flask, redirect, url_for
from werkzeug.wrappers import Response

from alerts.console.login_throttle import LoginThrottle
from alerts.core.settings import Settings
from alerts.web import reports, sms, voice
from alerts.web.console import actions, auth, incident, queue, relay, security, stream
from alerts.web.console.filters import register_filters

BLUEPRINTS = (auth.bp, queue.bp, incident.bp, actions.bp, relay.bp, stream.bp)


def register(app: Flask, settings: Settings) -> None:
    csrf = security.configure(app, settings)
    # Twilio's webhooks carry Twilio's signature instead of a CSRF token.
    csrf.exempt(sms.bp)
    csrf.exempt(voice.bp)
    app.extensions["alerts_login_throttle"] = LoginThrottle(
        settings.redis_url, settings.login_limit
    )
    register_filters(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    # The evaluators' reports: that blueprint checks the role (evaluator, admin) and
    # the mission itself, given who is logged in; without this loader it answers 403.
    app.register_blueprint(reports.bp)
    reports.init_viewer(app, lambda: security.load_user(touch=True))

    @app.get("/")
    def home() -> Response:
        return redirect(url_for("console_queue.index"), code=303)
