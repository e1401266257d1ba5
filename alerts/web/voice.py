"""Twilio's voice webhook: a beep (missed call) on the alert number.

Focal points without credit ring and hang up. The call is rejected with a
busy tone, so it is never answered and the caller pays nothing; the call
itself is the alert, stored like an SMS with an empty body (channel "beep")
and processed by a worker: located at the caller's village, with a
call-back task for the CLA.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request
from twilio.twiml.voice_response import VoiceResponse

from alerts.dispatch import callbacks
from alerts.intake import store as intake
from alerts.web.context import web_context
from alerts.web.sms import MAX_SID_LENGTH, hand_over_after_commit
from alerts.web.twilio_signature import require_twilio_signature

log = logging.getLogger(__name__)

bp = Blueprint("voice", __name__, url_prefix="/voice/twilio")


def _field(name: str) -> str:
    value = (request.form.get(name) or "").strip()
    if not value:
        abort(400, description=f"missing field {name}")
    if name == "CallSid" and len(value) > MAX_SID_LENGTH:
        abort(400, description=f"CallSid is longer than {MAX_SID_LENGTH} characters")
    return value


@bp.post("")
@require_twilio_signature
def inbound_call() -> Response:
    ctx = web_context()
    beep = intake.InboundSms(
        provider_sid=_field("CallSid"),
        from_number=_field("From"),
        body="",
        channel=callbacks.BEEP,
    )
    result = intake.receive(ctx.factory, ctx.vault, beep, ctx.clock.now())
    if result.outbox is not None:
        hand_over_after_commit(ctx, result.outbox)
    log.info(
        "beep %s stored as message %s%s",
        beep.provider_sid,
        result.message_id,
        " (retry)" if result.duplicate else "",
    )
    response = VoiceResponse()
    # Busy, never answered: a rejected call costs the caller nothing.
    response.reject(reason="busy")
    return Response(str(response), mimetype="application/xml")
