"""Every stored SMS is processed: a job the queue lost is queued again after the
bound, and a message that keeps failing is shown as stuck, with its error."""

from __future__ import annotations

import pytest
from rq import Queue
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.core.context import ServiceContext
from alerts.intake.models import InboundMessage
from alerts.pipeline import process
from alerts.pipeline.alert_flow import AlertOutcome, Assessment
from alerts.registry.models import Sender
from alerts.timeline.models import Event
from tests.live import FOCAL_POINT_KIWANJA, FOCAL_POINT_MAVIVI, QRF_BENI_PRIMARY, LiveSystem
from tests.web.console.helpers import add_user, logged_in_client
from workers.queue import QUEUE_NAME

BOUND_S = 300  # ALERTS_REPROCESS_AFTER_S's default


def handed_over(system: LiveSystem, sender: str, body: str) -> InboundMessage:
    """An SMS through the webhook, its hand-over to the queue marked."""
    system.text(sender, body)
    system.web_app.extensions["alerts"].relayed.flush()
    with system.factory() as session:
        return session.scalars(select(InboundMessage).where(InboundMessage.body == body)).one()


def message(system: LiveSystem, message_id: int) -> InboundMessage:
    with system.factory() as session:
        found = session.get(InboundMessage, message_id)
        assert found is not None
        return found


def events(system: LiveSystem, kind: str, message_id: int) -> list[Event]:
    with system.factory() as session:
        return list(
            session.scalars(
                select(Event)
                .where(Event.kind == kind, Event.subject_id == message_id)
                .order_by(Event.id)
            )
        )


def test_a_job_the_queue_lost_is_queued_again_and_processed(system: LiveSystem) -> None:
    alert = handed_over(system, FOCAL_POINT_KIWANJA, "Attaque en cours 0.5447, 29.4639")
    queue = Queue(QUEUE_NAME, connection=system.redis)
    assert queue.count == 1
    queue.empty()  # Redis loses the job: a crash inside its fsync window, a failover
    system.run_workers()
    assert message(system, alert.id).handled_as is None

    system.pass_time(BOUND_S - 1)  # within the bound, the queue may yet run it
    assert events(system, "message.requeued", alert.id) == []

    system.pass_time(2)
    assert message(system, alert.id).handled_as == "alert"
    (requeued,) = events(system, "message.requeued", alert.id)
    assert requeued.data["attempt"] == 1 and requeued.data["waited_s"] == BOUND_S + 1
    assert system.messages_to(QRF_BENI_PRIMARY)  # and the QRF is tasked

    system.pass_time(BOUND_S + 1)  # handled: never queued again
    assert len(events(system, "message.requeued", alert.id)) == 1


@pytest.fixture
def poisoned(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug that strikes one message: processing it raises, every time."""
    real = process.handle_alert

    def handle_alert(
        session: Session,
        ctx: ServiceContext,
        message: InboundMessage,
        sender: Sender,
        assessment: Assessment,
    ) -> AlertOutcome:
        if "Luvungi" in message.body:
            raise RuntimeError("bug: this alert breaks the pipeline")
        return real(session, ctx, message, sender, assessment)

    monkeypatch.setattr(process, "handle_alert", handle_alert)


@pytest.mark.usefixtures("poisoned")
def test_a_message_that_keeps_failing_is_stuck_and_shown_with_its_error(
    system: LiveSystem,
) -> None:
    bad = handed_over(system, FOCAL_POINT_MAVIVI, "Attaque à Luvungi ce soir")
    good = handed_over(system, FOCAL_POINT_KIWANJA, "Attaque en cours 0.5447, 29.4639")
    system.run_workers()  # fails; RQ would retry it, and then give up
    assert message(system, good.id).handled_as == "alert"
    assert message(system, bad.id).handled_as is None

    for _ in range(3):  # ALERTS_PROCESS_MAX_ATTEMPTS
        system.pass_time(BOUND_S)
    assert [e.data["attempt"] for e in events(system, "message.requeued", bad.id)] == [1, 2, 3]
    assert events(system, "message.stuck", bad.id) == []

    system.pass_time(BOUND_S)
    (stuck,) = events(system, "message.stuck", bad.id)
    assert stuck.data == {
        "attempts": 3,
        "failures": 4,
        "error": "RuntimeError: bug: this alert breaks the pipeline",
    }
    system.pass_time(BOUND_S)  # no more automatic attempts: people decide now
    assert len(events(system, "message.requeued", bad.id)) == 3
    assert message(system, bad.id).handled_as is None  # kept, never dropped

    add_user(system.factory, system.clock, "amina", "joc_officer")
    rows = logged_in_client(system, "amina").get("/console/queue/rows").get_data(as_text=True)
    assert "1 message stuck" in rows and 'class="alarm alarm-stuck" role="alert"' in rows
    assert bad.ref in rows and "RuntimeError: bug: this alert breaks the pipeline" in rows
    assert "Attaque à Luvungi ce soir" in rows  # the officer reads it and acts by hand
    assert good.ref not in rows
