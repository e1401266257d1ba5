import dataclasses
from datetime import UTC, datetime, timedelta

from alerts.domain.ledger import GENESIS_HASH, ChainedEvent, event_hash, verify_chain

START = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def chain(length: int) -> list[ChainedEvent]:
    events = []
    prev = GENESIS_HASH
    for seq in range(1, length + 1):
        fields = {
            "seq": seq,
            "occurred_at": START + timedelta(seconds=seq),
            "actor": "system",
            "kind": "alert.received",
            "subject_type": "message",
            "subject_id": seq,
            "incident_id": None,
            "data": {"ref": f"R{seq}"},
        }
        digest = event_hash(prev_hash=prev, **fields)  # type: ignore[arg-type]
        events.append(ChainedEvent(prev_hash=prev, hash=digest, **fields))  # type: ignore[arg-type]
        prev = digest
    return events


def test_intact_chain_verifies() -> None:
    assert verify_chain(chain(5)) == (5, None)
    assert verify_chain([]) == (0, None)


def test_edit_is_detected_at_the_edited_event() -> None:
    events = chain(5)
    events[2] = dataclasses.replace(events[2], data={"ref": "forged"})
    checked, broken = verify_chain(events)
    assert (checked, broken and broken.seq) == (2, 3)
    assert broken is not None and "content" in broken.reason


def test_delete_insert_and_reorder_are_detected() -> None:
    deleted = chain(5)
    del deleted[1]
    assert verify_chain(deleted)[1].seq == 3  # type: ignore[union-attr]

    reordered = chain(5)
    reordered[1], reordered[2] = reordered[2], reordered[1]
    assert verify_chain(reordered)[1].seq == 3  # type: ignore[union-attr]

    inserted = chain(5)
    inserted.insert(2, dataclasses.replace(inserted[2], kind="tasking.acknowledged"))
    assert verify_chain(inserted)[1] is not None


def test_hash_is_independent_of_how_the_time_was_spelled() -> None:
    plus_one = START.astimezone(__import__("datetime").timezone(timedelta(hours=1)))
    common = {
        "prev_hash": GENESIS_HASH,
        "seq": 1,
        "actor": "a",
        "kind": "k",
        "subject_type": "s",
        "subject_id": 1,
        "incident_id": None,
        "data": {},
    }
    assert event_hash(occurred_at=START, **common) == event_hash(  # type: ignore[arg-type]
        occurred_at=plus_one,
        **common,  # type: ignore[arg-type]
    )
