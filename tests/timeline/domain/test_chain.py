from datetime import UTC, datetime, timedelta

from alerts.timeline.domain.chain import GENESIS_HASH, ChainedEvent, event_hash

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
