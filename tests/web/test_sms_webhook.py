"""POST /sms/twilio and /sms/twilio/status, signed exactly as Twilio signs them."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from rq import Queue
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from alerts.core.settings import SANDBOX_AUTH_TOKEN
from alerts.intake.models import InboundMessage
from alerts.messaging.models import DeliveryReceipt, OutboundMessage, Outbox
from alerts.registry.models import Sender
from alerts.timeline.models import Event
from alerts.web import create_app
from tests.live import FOCAL_POINT_KIWANJA, FOCAL_POINT_MAVIVI, LiveSystem
from workers.queue import QUEUE_NAME


def signed_post(
    system: LiveSystem, path: str, params: dict[str, str], signature: str | None = None
) -> requests.Response:
    url = system.settings.url_for(path)
    if signature is None:
        signature = RequestValidator(SANDBOX_AUTH_TOKEN).compute_signature(url, params)
    return requests.post(url, data=params, headers={"X-Twilio-Signature": signature}, timeout=10)


def inbound(sid: str, sender: str = FOCAL_POINT_MAVIVI, body: str = "attaque") -> dict[str, str]:
    return {
        "MessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+243810009999",
        "Body": body,
        "NumSegments": "1",
    }


def count(system: LiveSystem, model: type) -> int:
    with system.factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_reply_gives_a_reference_in_the_senders_language(system: LiveSystem) -> None:
    result = system.text(FOCAL_POINT_KIWANJA, "Attaque a Kiwanja")  # registered as French
    assert result["webhook_status"] == 200
    with system.factory() as session:
        ref = session.scalars(select(InboundMessage.ref)).one()
    assert result["replies"] == [f"Alerte recue. REF {ref}. Merci."]
    swahili = system.text(FOCAL_POINT_MAVIVI, "shambulio")
    assert "Tahadhari imepokelewa" in str(swahili["replies"])


def test_auto_reply_can_be_switched_off(system: LiveSystem) -> None:
    app_settings = system.settings.replace(sms_auto_reply=False)
    client = create_app(app_settings, clock=system.clock).test_client()
    params = inbound("SM" + "a" * 32)
    url = system.settings.url_for("/sms/twilio")
    signature = RequestValidator(SANDBOX_AUTH_TOKEN).compute_signature(url, params)
    response = client.post("/sms/twilio", data=params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 200
    assert b"<Message>" not in response.data
    assert count(system, InboundMessage) == 1


@pytest.mark.parametrize("signature", ["", "forged-signature"])
def test_forged_or_missing_signature_is_refused_and_stores_nothing(
    system: LiveSystem, signature: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="alerts.security"):
        response = signed_post(system, "/sms/twilio", inbound("SM" + "b" * 32), signature)
    assert response.status_code == 403
    assert count(system, InboundMessage) == 0
    with system.factory() as session:
        assert session.scalars(select(Event.kind)).all() == ["network.loaded"]
    assert any("security: rejected POST /sms/twilio" in r.getMessage() for r in caplog.records)


def test_signature_is_checked_against_the_public_url(system: LiveSystem) -> None:
    """Behind a TLS proxy the app is reached on another URL than Twilio signed."""
    params = inbound("SM" + "c" * 32)
    signed_for_wrong_url = RequestValidator(SANDBOX_AUTH_TOKEN).compute_signature(
        "https://elsewhere.example.org/sms/twilio", params
    )
    assert signed_post(system, "/sms/twilio", params, signed_for_wrong_url).status_code == 403


def test_five_concurrent_identical_posts_give_one_message_and_one_job(system: LiveSystem) -> None:
    params = inbound("SM" + "d" * 32)
    with ThreadPoolExecutor(5) as pool:
        responses = list(pool.map(lambda _: signed_post(system, "/sms/twilio", params), range(5)))
    assert all(r.status_code == 200 for r in responses)
    refs = {r.text for r in responses}
    assert len(refs) == 1  # every caller got the same reference back
    assert count(system, InboundMessage) == 1
    assert count(system, Outbox) == 1
    assert len(Queue(QUEUE_NAME, connection=system.redis)) == 1


@pytest.mark.parametrize(
    ("sender", "body"),
    [
        ("+243970000001", ""),  # an empty SMS is still somebody reaching out
        ("+243970000001", "🔥🔥 ils arrivent 😱"),  # emoji: UCS-2 on the air
        ("+243970000001", "Шабаш ǂ 中文 مرحبا"),
        ("MTN-INFO", "promo"),  # alphanumeric sender id, not E.164
        ("0970000001", "attaque"),  # national format
        ("+243970000001", "x" * 1600),
        ("+243970000001", "nul\x00byte"),  # PostgreSQL text refuses NUL
        ("+" + "9" * 40, "a very long sender id"),
    ],
)
def test_odd_but_valid_messages_are_stored_verbatim(
    system: LiveSystem, sender: str, body: str
) -> None:
    response = signed_post(system, "/sms/twilio", inbound("SM" + "e" * 32, sender, body))
    assert response.status_code == 200
    with system.factory() as session:
        stored = session.scalars(select(InboundMessage)).one()
        verbatim = stored.body_raw.decode() if stored.body_raw else stored.body
        assert verbatim == body
    system.run_workers()
    with system.factory() as session:
        assert session.scalars(select(InboundMessage.handled_as)).one() == "alert"


def test_national_format_matches_the_registered_sender(system: LiveSystem) -> None:
    signed_post(system, "/sms/twilio", inbound("SM" + "f" * 32, "0970000001"))
    with system.factory() as session:
        sender = session.scalars(
            select(Sender).join(InboundMessage, InboundMessage.sender_id == Sender.id)
        ).one()
        assert sender.role == "focal_point"


@pytest.mark.parametrize("missing", ["MessageSid", "From", "Body"])
def test_missing_fields_get_400(system: LiveSystem, missing: str) -> None:
    params = inbound("SM" + "1" * 32)
    del params[missing]
    response = signed_post(system, "/sms/twilio", params)
    assert response.status_code == 400
    assert missing in response.json()["message"]
    assert count(system, InboundMessage) == 0


def test_a_sid_no_twilio_would_send_gets_400(system: LiveSystem) -> None:
    response = signed_post(system, "/sms/twilio", inbound("SM" + "4" * 100))
    assert response.status_code == 400
    assert "MessageSid is longer than" in response.json()["message"]
    assert count(system, InboundMessage) == 0


def test_oversized_posts_get_413(system: LiveSystem) -> None:
    params = inbound("SM" + "2" * 32, body="x" * (system.settings.max_request_bytes + 10))
    response = signed_post(system, "/sms/twilio", params)
    assert response.status_code == 413
    assert "too large" in response.json()["message"]
    assert count(system, InboundMessage) == 0


def test_status_callbacks_tolerate_duplicates_and_disorder(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_MAVIVI, "attaque 0.5447, 29.4639")
    system.run_workers()
    with system.factory() as session:
        tasking_sms = session.scalars(
            select(OutboundMessage).where(OutboundMessage.purpose == "tasking")
        ).one()
    sid = tasking_sms.provider_sid
    assert sid
    # The sandbox sends sent then delivered; replay them late, twice, and reversed.
    for status in ["delivered", "sent", "delivered", "queued"]:
        response = signed_post(
            system, "/sms/twilio/status", {"MessageSid": sid, "MessageStatus": status}
        )
        assert response.status_code == 204
    with system.factory() as session:
        assert session.get(OutboundMessage, tasking_sms.id).status == "delivered"  # type: ignore[union-attr]
        delivered = session.scalars(
            select(Event).where(Event.kind == "sms.delivered", Event.subject_id == tasking_sms.id)
        ).all()
        assert len(delivered) == 1


def test_status_before_the_sid_is_known_is_kept(system: LiveSystem) -> None:
    early_sid = "SM" + "3" * 32
    assert (
        signed_post(
            system, "/sms/twilio/status", {"MessageSid": early_sid, "MessageStatus": "sent"}
        ).status_code
        == 204
    )
    with system.factory() as session:
        assert session.scalars(select(DeliveryReceipt.status)).all() == ["sent"]


def test_status_callback_needs_a_known_status_and_a_signature(system: LiveSystem) -> None:
    bad = signed_post(system, "/sms/twilio/status", {"MessageSid": "SMx", "MessageStatus": "ok?"})
    assert bad.status_code == 400
    forged = signed_post(
        system, "/sms/twilio/status", {"MessageSid": "SMx", "MessageStatus": "sent"}, "forged"
    )
    assert forged.status_code == 403
