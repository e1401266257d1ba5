"""Twilio's SMS webhooks: inbound messages and delivery status callbacks."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request
from sqlalchemy.exc import SQLAlchemyError
from twilio.twiml.messaging_response import MessagingResponse

from alerts.core.db.session import write_transaction
from alerts.intake import store as intake
from alerts.messaging import outbox
from alerts.messaging import outgoing as messaging
from alerts.messaging.domain import texts
from alerts.messaging.domain.delivery import KNOWN_STATUSES
from alerts.web import spooling
from alerts.web.context import WebContext, web_context
from alerts.web.twilio_signature import require_twilio_signature

log = logging.getLogger(__name__)

bp = Blueprint("sms", __name__, url_prefix="/sms/twilio")


# Twilio's sids are 34 characters; anything much longer is not from Twilio.
MAX_SID_LENGTH = 64


def _required(name: str) -> str:
    value = request.form.get(name)
    if value is None or (name != "Body" and not value.strip()):
        abort(400, description=f"missing field {name}")
    return value


def _sid() -> str:
    sid = _required("MessageSid").strip()
    if len(sid) > MAX_SID_LENGTH:
        abort(400, description=f"MessageSid is longer than {MAX_SID_LENGTH} characters")
    return sid


def _twiml(response: MessagingResponse) -> Response:
    return Response(str(response), mimetype="application/xml")


@bp.post("")
@require_twilio_signature
def inbound() -> Response:
    ctx = web_context()
    sms = intake.InboundSms(
        provider_sid=_sid(),
        from_number=_required("From"),
        body=_required("Body"),
        num_segments=request.form.get("NumSegments", type=int),
    )
    try:
        result = intake.receive(ctx.factory, ctx.vault, sms, ctx.clock.now())
    except SQLAlchemyError:
        # Twilio would not retry a 5xx: keep it on disk, answer as if stored.
        return _answer(ctx, spooling.keep(ctx, sms), language=None, role=None)
    if result.outbox is not None:
        hand_over_after_commit(ctx, result.outbox)
    log.info(
        "inbound %s stored as message %s%s",
        sms.provider_sid,
        result.message_id,
        " (duplicate)" if result.duplicate else "",
    )
    return _answer(ctx, result.ref, language=result.language, role=result.sender_role)


def _answer(ctx: WebContext, ref: str, *, language: str | None, role: str | None) -> Response:
    """The auto-reply with the reference. Units get their answer from the worker, once
    their reply is understood; a spooled SMS's sender is not known yet (`role` None)."""
    response = MessagingResponse()
    if ctx.settings.sms_auto_reply and role != "unit":
        language = texts.language_or_default(language, ctx.settings.default_language)
        response.message(texts.received_reply(language, ref))
    return _twiml(response)


@bp.post("/status")
@require_twilio_signature
def status() -> tuple[str, int]:
    ctx = web_context()
    sid = _sid()
    state = _required("MessageStatus").strip().lower()
    if state not in KNOWN_STATUSES:
        abort(400, description=f"unknown MessageStatus {state!r}")
    error_code = (request.form.get("ErrorCode") or "")[:16] or None
    with write_transaction(ctx.factory) as session:
        known = messaging.record_delivery_status(session, ctx.clock.now(), sid, state, error_code)
    if not known:
        log.info("status %s for %s kept until the sid is known", state, sid)
    return "", 204


def hand_over_after_commit(ctx: WebContext, item: outbox.OutboxItem) -> None:
    """Hand this request's job to the queue now; if Redis is down the scheduler will.

    Its row is marked relayed with others, off the request path (`RelayedMarks`).
    """
    try:
        outbox.hand_over(ctx.factory, ctx.queue, item, ctx.clock.now(), ctx.relayed)
    except Exception:
        # Even the database hiccupped: the claim's lease runs out and the scheduler relays.
        log.exception("outbox hand-over failed; the scheduler will retry")
