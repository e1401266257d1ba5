"""Orders go first in the sending lane too (issue 13): an escalation takes the next
slot ahead of the receipts already waiting, which move back by its length, so the
number still sends one segment a second."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from sqlalchemy import select

from alerts.core.db.session import write_transaction
from alerts.messaging import outgoing as messaging
from alerts.messaging.domain.pacing import ahead_slot
from alerts.messaging.models import OutboundMessage, Outbox
from alerts.registry.models import Sender
from tests.live import LiveSystem
from workers.context import WorkerSetup

T0 = datetime(2026, 1, 1, 12, 0)


def test_an_order_goes_before_the_others_and_pushes_them_back() -> None:
    ahead = ahead_slot(T0, None, T0 + timedelta(seconds=20), 2, 1.0)
    assert (ahead.slot.send_at, ahead.slot.wait) == (T0, timedelta(0))
    assert ahead.lane_free_at == T0 + timedelta(seconds=22)
    assert ahead.push == timedelta(seconds=2)
    second = ahead_slot(T0, ahead.slot.lane_free_at, ahead.lane_free_at, 1, 1.0)
    assert second.slot.send_at == T0 + timedelta(seconds=2)  # after the order before it
    assert second.lane_free_at == T0 + timedelta(seconds=23)


def test_on_an_idle_lane_an_order_pushes_nothing() -> None:
    ahead = ahead_slot(T0, None, T0 - timedelta(seconds=5), 1, 1.0)
    assert ahead.slot.send_at == T0 and ahead.push == timedelta(0)
    assert ahead.lane_free_at == T0 + timedelta(seconds=1)


def test_an_escalation_leaves_before_the_receipts_waiting_in_the_lane(
    system: LiveSystem,
) -> None:
    paced = dataclasses.replace(
        WorkerSetup(system.settings, clock=system.clock).services(), sms_segments_per_s=1.0
    )
    start = system.clock.now()
    with write_transaction(system.factory) as session:
        joc = session.scalars(select(Sender).where(Sender.role == "contact")).first()
        assert joc is not None
        receipts = [
            messaging.queue_sms(session, paced, joc, f"merci {i}", purpose="reply")
            for i in range(30)  # one segment each: 30 s of sending
        ]
        escalation = messaging.queue_sms(session, paced, joc, "x" * 200, purpose="escalation")
        ids = [sms.id for sms in receipts]
    assert escalation.not_before is None  # at once, not after 30 s
    with system.factory() as session:
        waiting = {
            row.ref_id: row.due_at
            for row in session.scalars(select(Outbox).where(Outbox.ref_id.in_(ids)))
        }
        messages = {m.id: m for m in session.scalars(select(OutboundMessage))}
        order_row = session.scalars(select(Outbox).where(Outbox.ref_id == escalation.id)).one()
    assert order_row.due_at is None and order_row.priority == "orders"
    # The first receipt went at once; the others wait two seconds longer, for the escalation.
    assert waiting[ids[0]] is None
    for index, sms_id in enumerate(ids[1:], start=1):
        assert waiting[sms_id] == start + timedelta(seconds=index + 2)
        assert messages[sms_id].not_before == waiting[sms_id]
    # The next receipt takes its slot after all of them.
    with write_transaction(system.factory) as session:
        later = messaging.queue_sms(session, paced, joc, "merci", purpose="reply")
    assert later.not_before == start + timedelta(seconds=32)
