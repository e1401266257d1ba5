"""A webhook's outbox row is marked relayed in a batch, off the request path."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import FakeClock
from alerts.core.domain.jobs import Job
from alerts.core.ports import QueueUnavailable
from alerts.messaging import outbox
from alerts.messaging.models import Outbox


class RecordingQueue:
    def __init__(self, down: bool = False) -> None:
        self.down = down
        self.jobs: list[str] = []

    def enqueue(self, job: str, ref_id: int, job_id: str, priority: str = "alerts") -> None:
        if self.down:
            raise QueueUnavailable("ConnectionError")
        self.jobs.append(job_id)


def claimed_items(
    factory: sessionmaker[Session], clock: FakeClock, count: int
) -> list[outbox.OutboxItem]:
    with factory() as session, session.begin():
        rows = [outbox.claimed_row(Job.PROCESS_MESSAGE, i + 1, clock.now()) for i in range(count)]
        session.add_all(rows)
        session.flush()
        return [outbox.OutboxItem(row.id, row.job, row.ref_id) for row in rows]


def relayed_at(factory: sessionmaker[Session]) -> list[object]:
    with factory() as session:
        return list(session.scalars(select(Outbox.relayed_at).order_by(Outbox.id)))


def test_hand_overs_are_marked_together_by_the_background_writer(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    marks = outbox.RelayedMarks(factory, interval_s=0.05)
    queue = RecordingQueue()
    items = claimed_items(factory, clock, 3)
    for item in items:
        assert outbox.hand_over(factory, queue, item, clock.now(), marks) == "relayed"
    assert queue.jobs == [f"outbox-{item.id}" for item in items]
    deadline = time.monotonic() + 5
    while None in relayed_at(factory):
        assert time.monotonic() < deadline, "the marks were never written"
        time.sleep(0.02)
    assert relayed_at(factory) == [clock.now()] * 3
    assert outbox.pending_count(factory) == 0


def test_flush_marks_at_once_and_never_overwrites_an_earlier_mark(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    marks = outbox.RelayedMarks(factory, interval_s=60)
    first, second = claimed_items(factory, clock, 2)
    earlier = clock.now()
    marks.add(first.id, earlier)
    assert marks.flush() == 1
    later = clock.advance(timedelta(minutes=1))
    marks.add(first.id, later)  # say, the scheduler relayed it again after a lost mark
    marks.add(second.id, later)
    assert marks.flush() == 2
    assert relayed_at(factory) == [earlier, later]
    assert marks.flush() == 0


def test_a_queue_outage_releases_the_claim_at_once_and_marks_nothing(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    marks = outbox.RelayedMarks(factory, interval_s=60)
    (item,) = claimed_items(factory, clock, 1)
    assert outbox.hand_over(factory, RecordingQueue(down=True), item, clock.now(), marks) == (
        "queue_down"
    )
    assert marks.flush() == 0
    with factory() as session:
        row = session.get(Outbox, item.id)
        assert row is not None
        assert row.relayed_at is None and row.claimed_until is None
        assert row.last_error == "ConnectionError"


def test_a_lost_mark_leaves_the_row_to_the_relay_once_its_claim_runs_out(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    (item,) = claimed_items(factory, clock, 1)
    queue = RecordingQueue()
    # Enqueued by the webhook, whose process then died before its batch of marks was written.
    queue.enqueue(item.job, item.ref_id, job_id=f"outbox-{item.id}")
    assert outbox.relay(factory, queue, clock.now()) == 0  # the claim still holds
    clock.advance(outbox.CLAIM_LEASE + timedelta(seconds=1))
    assert outbox.relay(factory, queue, clock.now()) == 1
    # Delivered at least once; the job skips a message already handled.
    assert queue.jobs == [f"outbox-{item.id}"] * 2
    assert outbox.pending_count(factory) == 0
