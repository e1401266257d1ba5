"""POST /voice/twilio: a beep, signed exactly as Twilio signs a voice webhook."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sqlalchemy import func, select

from alerts.intake.models import InboundMessage
from tests.live import FOCAL_POINT_MAVIVI, LiveSystem
from tests.web.test_sms_webhook import signed_post


def ringing(sid: str, caller: str = FOCAL_POINT_MAVIVI) -> dict[str, str]:
    return {
        "CallSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": caller,
        "To": "+243810009999",
        "CallStatus": "ringing",
        "Direction": "inbound",
    }


def beeps(system: LiveSystem) -> int:
    with system.factory() as session:
        query = select(func.count()).select_from(InboundMessage)
        return int(session.scalar(query.where(InboundMessage.channel == "beep")) or 0)


def test_a_beep_is_rejected_busy_and_stored_once_even_when_retried(system: LiveSystem) -> None:
    sid = "CA" + "b" * 32
    for _ in range(2):  # Twilio retries a webhook that seemed to fail
        response = signed_post(system, "/voice/twilio", ringing(sid))
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("application/xml")
        verbs = list(ET.fromstring(response.content))
        assert [(v.tag, v.get("reason")) for v in verbs] == [("Reject", "busy")]
    assert beeps(system) == 1
    with system.factory() as session:
        beep = session.scalars(select(InboundMessage)).one()
    assert (beep.body, beep.provider_sid) == ("", sid)
    assert FOCAL_POINT_MAVIVI not in response.text


def test_a_forged_or_incomplete_beep_is_refused_and_stores_nothing(system: LiveSystem) -> None:
    forged = signed_post(system, "/voice/twilio", ringing("CA" + "c" * 32), signature="forged")
    assert forged.status_code == 403
    incomplete = ringing("CA" + "d" * 32)
    del incomplete["From"]
    missing = signed_post(system, "/voice/twilio", incomplete)
    assert missing.status_code == 400 and "From" in missing.json()["message"]
    assert beeps(system) == 0
