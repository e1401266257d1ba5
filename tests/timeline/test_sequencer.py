"""The sequencer seals every committed event exactly once, in an order no late commit
can contradict, and signs each batch's tree head."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import FakeClock
from alerts.core.db.session import write_transaction
from alerts.timeline import ledger
from alerts.timeline.domain.kinds import EventData, EventKind
from alerts.timeline.domain.leaves import event_leaf_bytes
from alerts.timeline.domain.merkle import MemoryTree, leaf_hash
from alerts.timeline.domain.tree_head import verify_tree_head
from alerts.timeline.ledger import Subject
from alerts.timeline.log_store import latest_head, signed_head
from alerts.timeline.models import Event, LogLeaf, TreeHead
from alerts.timeline.sequencer import seal, seal_all


@dataclass(frozen=True)
class Note(EventData):
    kind: ClassVar[EventKind] = EventKind.INCIDENT_NOTE
    n: int


KEY = Ed25519PrivateKey.generate()


def write(factory: sessionmaker[Session], clock: FakeClock, n: int) -> None:
    with write_transaction(factory) as session:
        ledger.record(session, clock.now(), Note(n), Subject("test", n))


def sealed_event_ids(factory: sessionmaker[Session]) -> list[int]:
    with factory() as session:
        return list(session.scalars(select(LogLeaf.event_id).order_by(LogLeaf.leaf_index)))


def test_a_batch_seals_committed_events_in_id_order_under_a_signed_head(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    for n in range(5):
        write(factory, clock, n)
    outcome = seal(factory, KEY, clock.now())
    assert (outcome.tree_size, outcome.sealed) == (5, 5)
    with factory() as session:
        events = list(session.scalars(select(Event).order_by(Event.id)))
        head = latest_head(session)
        assert head is not None
        signed = signed_head(head)
    assert sealed_event_ids(factory) == [e.id for e in events]
    verify_tree_head(signed, KEY.public_key())
    expected = MemoryTree(leaf_hash(event_leaf_bytes(e)) for e in events).root()
    assert signed.head.root_hash == expected
    # Nothing new: no new head either.
    assert seal(factory, KEY, clock.now()).sealed == 0


def test_a_writer_that_commits_late_is_never_skipped_or_overtaken(
    engine: Engine, factory: sessionmaker[Session], clock: FakeClock
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: no commit can come late")
    late = factory()
    late.begin()
    ledger.record(late, clock.now(), Note(0), Subject("test", 0))  # written first, lowest id
    late.flush()
    for n in range(1, 4):
        write(factory, clock, n)
    # The open transaction is older than the others: none may be sealed before it.
    assert seal(factory, KEY, clock.now()).sealed == 0
    late.commit()
    late.close()
    assert seal_all(factory, KEY, clock.now()) == 4
    with factory() as session:
        in_id_order = list(session.scalars(select(Event.id).order_by(Event.id)))
    assert sealed_event_ids(factory) == in_id_order


def test_two_sequencers_racing_seal_every_event_exactly_once(
    factory: sessionmaker[Session], clock: FakeClock
) -> None:
    stop = threading.Event()
    errors: list[BaseException] = []

    def sequencer() -> None:
        while not stop.is_set():
            try:
                seal(factory, KEY, clock.now(), limit=7)
            except BaseException as error:
                errors.append(error)
                return

    racers = [threading.Thread(target=sequencer) for _ in range(2)]
    for racer in racers:
        racer.start()
    for n in range(60):
        write(factory, clock, n)
        clock.advance(timedelta(milliseconds=10))
    stop.set()
    for racer in racers:
        racer.join()
    assert errors == []
    seal_all(factory, KEY, clock.now())
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(LogLeaf)) == 60
        assert session.scalar(select(func.count(func.distinct(LogLeaf.event_id)))) == 60
        heads = [signed_head(h) for h in session.scalars(select(TreeHead))]
        events = list(session.scalars(select(Event).order_by(Event.id)))
    leaves = {e.id: leaf_hash(event_leaf_bytes(e)) for e in events}
    tree = MemoryTree(leaves[event_id] for event_id in sealed_event_ids(factory))
    for head in heads:  # every head, whichever sequencer signed it, is a prefix of one log
        verify_tree_head(head, KEY.public_key())
        assert tree.root(head.head.tree_size) == head.head.root_hash
