"""The baseline for `bench/intake.py`: the same webhook route doing nothing.

Served by the same gunicorn, with the same settings, it measures what
HTTP, gunicorn and Flask cost on this machine, so the real app's numbers can
be read as a ratio to that floor rather than as absolute figures.
"""

from __future__ import annotations

from flask import Flask, Response

# The shape of the real app's answer to a stranger: one <Message> with a reference.
# Constant bytes, so the baseline does no work the real app would not also do.
TWIML = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b"<Response><Message>Alerte recue. REF CDFGH. Merci.</Message></Response>"
)


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/sms/twilio")
    def inbound() -> Response:
        # No signature check, no form parsing, no database, no Redis: the floor.
        return Response(TWIML, mimetype="application/xml")

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
