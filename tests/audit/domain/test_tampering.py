"""Each kind of tampering is named as what it is, at the first event it concerns."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from alerts.audit.domain.tampering import Anchor, StoredEvent, anchors_in, audit_chain, parse_anchor
from alerts.timeline.domain.chain import GENESIS_HASH, ChainedEvent, event_hash

START = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def make(seq: int, prev: str, at: datetime, n: int) -> ChainedEvent:
    fields = {
        "seq": seq,
        "occurred_at": at,
        "actor": "system",
        "kind": "test.event",
        "subject_type": "test",
        "subject_id": n,
        "incident_id": None,
        "data": {"n": n},
    }
    digest = event_hash(prev_hash=prev, **fields)  # type: ignore[arg-type]
    return ChainedEvent(prev_hash=prev, hash=digest, **fields)  # type: ignore[arg-type]


def chain(length: int) -> list[ChainedEvent]:
    events: list[ChainedEvent] = []
    prev = GENESIS_HASH
    for seq in range(1, length + 1):
        events.append(make(seq, prev, START + timedelta(seconds=seq), seq))
        prev = events[-1].hash
    return events


def lookup(events: list[ChainedEvent]):  # type: ignore[no-untyped-def]
    by_hash = {e.hash: e.seq for e in events}
    return by_hash.get


def rechain(events: list[ChainedEvent], start: int) -> list[ChainedEvent]:
    """What a careful forger does: recompute every hash from `start` on."""
    out = events[:start]
    for event in events[start:]:
        prev = out[-1].hash if out else GENESIS_HASH
        out.append(make(event.seq, prev, event.occurred_at, int(event.data["n"])))
    return out


def edited(events: list[ChainedEvent]) -> list[ChainedEvent]:
    events = list(events)
    events[2] = dataclasses.replace(events[2], data={"n": 99})
    return events


def edited_and_rehashed(events: list[ChainedEvent]) -> list[ChainedEvent]:
    events = list(events)
    forged = make(3, events[1].hash, events[2].occurred_at, 99)
    events[2] = forged
    return events


def deleted(events: list[ChainedEvent]) -> list[ChainedEvent]:
    return events[:2] + events[3:]


def deleted_and_renumbered(events: list[ChainedEvent]) -> list[ChainedEvent]:
    return events[:2] + [dataclasses.replace(e, seq=e.seq - 1) for e in events[3:]]


def inserted(events: list[ChainedEvent]) -> list[ChainedEvent]:
    forged = make(3, events[1].hash, events[1].occurred_at, 42)
    return events[:2] + [forged] + [dataclasses.replace(e, seq=e.seq + 1) for e in events[2:]]


def inserted_backdated_at_end(events: list[ChainedEvent]) -> list[ChainedEvent]:
    forged = make(6, events[-1].hash, START, 42)
    return [*events, forged]


def reordered(events: list[ChainedEvent]) -> list[ChainedEvent]:
    a, b = events[2], events[3]
    return [*events[:2], dataclasses.replace(b, seq=3), dataclasses.replace(a, seq=4), *events[4:]]


@pytest.mark.parametrize(
    ("tamper", "seq", "kind", "words"),
    [
        (edited, 3, "altered", "content does not match its hash"),
        (edited_and_rehashed, 3, "altered", "hash recomputed"),
        (deleted, 3, "deleted", "events 3–3 are missing"),
        (deleted_and_renumbered, 3, "deleted", "1 event(s) before event 3 were deleted"),
        (inserted, 3, "inserted", "events 3–3 were inserted"),
        (inserted_backdated_at_end, 6, "inserted", "dated before event 5"),
        (reordered, 3, "reordered", "links to event 4, which comes after it"),
    ],
)
def test_each_kind_of_tampering_is_named(tamper, seq, kind, words) -> None:  # type: ignore[no-untyped-def]
    events = tamper(chain(5))
    result = audit_chain(events, lookup(events))
    assert result.finding is not None
    assert (result.finding.seq, result.finding.kind) == (seq, kind)
    assert words in result.finding.detail


def test_intact_chain_holds_its_anchors() -> None:
    events = chain(5)
    anchor = Anchor(events[2].hash, 3)
    result = audit_chain(events, lookup(events), [anchor])
    assert result.intact and result.checked == 5
    assert result.anchors_matched == (anchor,)
    assert result.head == Anchor(events[-1].hash, 5)


def test_deleting_the_newest_events_shows_only_against_an_anchor() -> None:
    events = chain(5)
    anchor = Anchor(events[-1].hash, 5)
    truncated = events[:3]
    assert audit_chain(truncated, lookup(truncated)).intact
    result = audit_chain(truncated, lookup(truncated), [anchor])
    assert result.finding is not None
    assert (result.finding.seq, result.finding.kind) == (4, "truncated")
    assert "events 4–5 were deleted" in result.finding.detail


def test_a_rewritten_history_fails_its_anchor() -> None:
    events = chain(5)
    anchor = Anchor(events[3].hash, 4)
    forged = rechain(edited(events), 2)  # consistent again from event 3 on
    assert audit_chain(forged, lookup(forged)).intact
    result = audit_chain(forged, lookup(forged), [anchor])
    assert result.finding is not None
    assert (result.finding.seq, result.finding.kind) == (4, "rewritten")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 64 + ":12", Anchor("a" * 64, 12)),
        ("  " + "B" * 64 + ":3\n", Anchor("b" * 64, 3)),
    ],
)
def test_anchor_parses(text: str, expected: Anchor) -> None:
    assert parse_anchor(text) == expected


@pytest.mark.parametrize("text", ["", "abc:1", "a" * 64, "a" * 64 + ":x", "a" * 63 + ":1"])
def test_not_an_anchor(text: str) -> None:
    with pytest.raises(ValueError, match="not an anchor"):
        parse_anchor(text)


def test_anchors_are_found_in_saved_outputs() -> None:
    text = f"anchor {'c' * 64}:7\n  7 events, the last at ...\nanchor {'d' * 64}:9\n"
    assert anchors_in(text) == [Anchor("c" * 64, 7), Anchor("d" * 64, 9)]


def stored(events: list[ChainedEvent], ids: list[int]) -> list[ChainedEvent]:
    return [StoredEvent(**vars(e), row_id=i) for e, i in zip(events, ids, strict=True)]


def test_a_row_slipped_in_later_is_named_inserted_even_when_its_links_are_forged() -> None:
    """Seqs shifted, the forgery linked to event 2, event 3's link repointed at it."""
    events = chain(5)
    forged = make(3, events[1].hash, events[1].occurred_at, 42)
    moved = [dataclasses.replace(e, seq=e.seq + 1) for e in events[2:]]
    moved[0] = dataclasses.replace(moved[0], prev_hash=forged.hash)
    rows = stored([*events[:2], forged, *moved], [1, 2, 6, 3, 4, 5])
    result = audit_chain(rows, lookup(rows))
    assert result.finding is not None
    assert (result.finding.seq, result.finding.kind) == (3, "inserted")
    assert result.checked == 2 and result.head == Anchor(events[1].hash, 2)


def test_a_row_slipped_in_with_made_up_hashes_is_named_inserted() -> None:
    events = chain(4)
    junk = dataclasses.replace(events[0], seq=3, prev_hash="e" * 64, hash="f" * 64)
    moved = [dataclasses.replace(e, seq=e.seq + 1) for e in events[2:]]
    rows = stored([*events[:2], junk, *moved], [1, 2, 5, 3, 4])
    result = audit_chain(rows, lookup(rows))
    assert result.finding is not None
    assert (result.finding.seq, result.finding.kind) == (3, "inserted")


def test_row_ids_in_order_change_nothing() -> None:
    events = stored(chain(5), [1, 2, 3, 7, 9])
    assert audit_chain(events, lookup(events)).intact
