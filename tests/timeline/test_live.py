"""Events reach open consoles through Redis after commit, and never before or on rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.timeline import ledger, live
from alerts.timeline.ledger import Subject
from alerts.timeline.live_redis import RedisPublisher, Subscription
from alerts.timeline.models import Event
from tests.timeline.raw_event import RawEvent


class Recorder:
    def __init__(self) -> None:
        self.published: list[list[live.Notice]] = []

    def publish(self, notices: list[live.Notice]) -> None:
        self.published.append(notices)


class Broken:
    def publish(self, notices: list[live.Notice]) -> None:
        raise ConnectionError("redis is down")


def test_published_after_commit_only(factory: sessionmaker[Session], clock: FakeClock) -> None:
    recorder = Recorder()
    live.publish_after_commit(factory, recorder)
    live.publish_after_commit(factory, recorder)  # a second start-up call changes nothing
    with write_transaction(factory) as session:
        ledger.record(session, clock.now(), RawEvent("test.one", {"x": 1}), Subject("test", 1))
        ledger.record(session, clock.now(), RawEvent("test.two"), Subject("test", 2))
        assert recorder.published == []
    assert [[n["kind"] for n in batch] for batch in recorder.published] == [
        ["test.one", "test.two"]
    ]
    assert set(recorder.published[0][0]) == {"event_id", "kind", "incident_id"}

    with pytest.raises(RuntimeError), write_transaction(factory) as session:
        ledger.record(session, clock.now(), RawEvent("test.rolled_back"), Subject("test", 3))
        raise RuntimeError("abort")
    with write_transaction(factory) as session:
        ledger.record(session, clock.now(), RawEvent("test.after"), Subject("test", 4))
    assert [n["kind"] for n in recorder.published[-1]] == ["test.after"]


def test_a_failing_publisher_never_fails_the_transaction(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    live.publish_after_commit(factory, Broken())
    with write_transaction(factory) as session:
        event = ledger.record(session, clock.now(), RawEvent("test.kept"), Subject("test", 1))
        event_id = event.id
    with factory() as session:
        assert session.scalar(select(Event.id).where(Event.id == event_id)) == event_id


def test_redis_round_trip(redis_url: str) -> None:
    subscription = Subscription(redis_url, channel="test:live")
    try:
        RedisPublisher(redis_url, channel="test:live").publish(
            [{"event_id": 7, "kind": "incident.verified", "incident_id": 3}]
        )
        notice = None
        for _ in range(20):
            notice = subscription.next(0.2)
            if notice is not None:
                break
        assert notice == {"event_id": 7, "kind": "incident.verified", "incident_id": 3}
    finally:
        subscription.close()


def test_redis_down_is_logged_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    publisher = RedisPublisher("redis://127.0.0.1:1/0")
    publisher.publish([{"event_id": 1, "kind": "x", "incident_id": None}])
    publisher.publish([{"event_id": 2, "kind": "x", "incident_id": None}])  # backing off: silent
    assert sum("live publish skipped" in r.getMessage() for r in caplog.records) == 1
