"""Orders go first (issue 13): each job waits in the queue of its priority, decided
when its outbox row is written, and every worker takes from the highest queue first."""

from __future__ import annotations

from datetime import timedelta

from rq import Queue, SimpleWorker
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import FakeClock
from alerts.core.domain.jobs import Job, Priority
from alerts.dispatch.models import Deadline, Tasking
from alerts.intake.models import InboundMessage
from alerts.messaging import outbox
from alerts.messaging.models import OutboundMessage, Outbox
from alerts.timeline.models import Event
from tests.dispatch.helpers import taskings
from tests.live import FOCAL_POINT_MAVIVI, QRF_BENI_PRIMARY, LiveSystem
from workers import context, jobs
from workers.queue import QUEUE_NAME, QUEUE_NAMES, QUEUE_OF

FLOOD = 40
ACK_TIMEOUT_S = 300  # config/dispatch.yaml


class RecordingQueue:
    def __init__(self) -> None:
        self.jobs: list[tuple[str, str]] = []

    def enqueue(self, job: str, ref_id: int, job_id: str, priority: str = "alerts") -> None:
        self.jobs.append((job_id, priority))


def test_a_tasking_queued_behind_a_flood_of_alerts_is_sent_first(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_MAVIVI, "attaque 0.5447, 29.4639")
    for index in range(FLOOD):  # informants nobody knows: each a new alert job
        system.text(f"+2439910{index:05d}", f"au secours {index}")
    alerts = Queue(QUEUE_NAME, connection=system.redis)
    assert alerts.count == FLOOD + 1

    # A worker takes the first alert: it tasks a unit and queues the order, behind the flood.
    context.install(context.WorkerSetup(system.settings, clock=system.clock))
    with system.factory() as session:
        first = session.scalars(select(InboundMessage).order_by(InboundMessage.id).limit(1)).one()
    assert jobs.process_message(first.id)["tasking_id"] is not None
    orders = Queue(QUEUE_OF[Priority.ORDERS], connection=system.redis)
    assert orders.count == 1

    queues = [Queue(name, connection=system.redis) for name in QUEUE_NAMES]
    SimpleWorker(queues, connection=system.redis).work(burst=True, with_scheduler=False, max_jobs=1)

    with system.factory() as session:
        order = session.scalars(
            select(OutboundMessage).where(OutboundMessage.purpose == "tasking")
        ).one()
        assert order.provider_sid is not None  # the very next job the worker took
        unhandled = session.scalars(
            select(InboundMessage.id).where(InboundMessage.handled_as.is_(None))
        ).all()
    assert len(unhandled) == FLOOD  # the flood waits
    assert alerts.count == FLOOD + 1 and orders.count == 0
    assert system.messages_to(QRF_BENI_PRIMARY)

    system.run_workers()  # and is then processed in full
    with system.factory() as session:
        assert (
            session.scalars(
                select(InboundMessage.id).where(InboundMessage.handled_as.is_(None))
            ).all()
            == []
        )
        assert session.scalars(select(Tasking)).all()


def test_a_units_reply_waits_ahead_of_new_alerts(system: LiveSystem) -> None:
    system.text(QRF_BENI_PRIMARY, "ACK")
    system.text("+243991000001", "au secours")
    replies = Queue(QUEUE_OF[Priority.REPLIES], connection=system.redis)
    alerts = Queue(QUEUE_NAME, connection=system.redis)
    assert (replies.count, alerts.count) == (1, 1)
    with system.factory() as session:
        rows = session.scalars(select(Outbox).order_by(Outbox.id)).all()
        assert [row.priority for row in rows] == [Priority.REPLIES, Priority.ALERTS]


def test_the_priority_survives_a_relay_and_orders_are_relayed_first(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    with factory() as session, session.begin():
        session.add_all(
            [
                Outbox(job=Job.PROCESS_MESSAGE, ref_id=1, created_at=clock.now(), attempts=0),
                Outbox(job=Job.SEND_SMS, ref_id=2, created_at=clock.now(), attempts=0,
                       priority=Priority.BULK),
                Outbox(job=Job.SEND_SMS, ref_id=3, created_at=clock.now(), attempts=0,
                       priority=Priority.ORDERS),
            ]
        )  # fmt: skip
    queue = RecordingQueue()
    assert outbox.relay(factory, queue, clock.now(), limit=1) == 1
    assert [priority for _, priority in queue.jobs] == ["orders"]
    clock.advance(timedelta(seconds=1))
    assert outbox.relay(factory, queue, clock.now()) == 2
    assert [priority for _, priority in queue.jobs] == ["orders", "alerts", "bulk"]


def test_the_ack_deadline_of_an_order_that_waited_counts_from_its_send(
    system: LiveSystem,
) -> None:
    system.text(FOCAL_POINT_MAVIVI, "attaque 0.5447, 29.4639")
    context.install(context.WorkerSetup(system.settings, clock=system.clock))
    with system.factory() as session:
        alert_id = session.scalars(select(InboundMessage.id)).one()
    jobs.process_message(alert_id)  # tasked; the order waits in its queue
    queued_at = system.clock.now()
    ack_timeout = timedelta(seconds=ACK_TIMEOUT_S)
    waited = timedelta(seconds=90)
    system.clock.advance(waited)
    system.run_workers()  # only now is it sent

    with system.factory() as session:
        order = session.scalars(
            select(OutboundMessage).where(OutboundMessage.purpose == "tasking")
        ).one()
        deadline = session.scalars(select(Deadline).where(Deadline.kind == "ack")).one()
    assert order.sent_at == queued_at + waited
    assert (deadline.status, deadline.due_at) == ("pending", order.sent_at + ack_timeout)

    system.pass_time((ack_timeout - timedelta(seconds=1)).total_seconds())  # due, were it
    assert taskings(system) == [("QRF-BENI", "pending")]  # counted from its queueing
    with system.factory() as session:
        assert (
            session.scalars(select(Event).where(Event.kind == "tasking.deadline_missed")).all()
            == []
        )
    system.pass_time(waited.total_seconds() + 2)
    with system.factory() as session:
        assert session.scalars(select(Event).where(Event.kind == "tasking.deadline_missed")).all()
