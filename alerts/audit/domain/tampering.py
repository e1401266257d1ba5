"""Naming what was done to a broken hash chain, and checking it against anchors.

An evaluator needs to know where the chain stops holding and *what* happened
there: an event edited, deleted, inserted or moved. Each kind leaves its own
trace:

- edited in place: the event no longer matches its own hash;
- deleted: a gap in the sequence, or (if the rest was renumbered to hide the
  gap) an event whose hash only matches a later sequence number;
- inserted: the event after the insertion still links to the one before it;
- reordered: an event links to one that comes after it, or time runs
  backwards (the ledger never writes that).

Where the database's row ids are known they are a second witness: the ledger
appends under a lock, so ids grow with the sequence, and a row inserted later
has a higher id than the events it was slipped between.

Deleting events at the end of the chain leaves no trace inside it. An anchor,
the head's hash and count kept elsewhere, does: a later chain must hold that
very event at that very position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from alerts.timeline.domain.chain import GENESIS_HASH, ChainedEvent, event_hash

TamperKind = Literal["altered", "deleted", "inserted", "reordered", "truncated", "rewritten"]

# How far back a renumbered deletion is looked for: hashes are recomputed with
# up to this many higher sequence numbers, only once the chain has broken.
RENUMBER_SEARCH = 1000

_ANCHOR = re.compile(r"\b(?P<hash>[0-9a-f]{64}):(?P<count>\d+)\b")


@dataclass(frozen=True)
class Anchor:
    """The head of the chain at some moment: `count` events, the last with `hash`."""

    hash: str
    count: int

    def __str__(self) -> str:
        return f"{self.hash}:{self.count}"


@dataclass(frozen=True)
class StoredEvent(ChainedEvent):
    """An event with the id of its database row."""

    row_id: int | None = None


def _row(event: ChainedEvent | None) -> int | None:
    return event.row_id if isinstance(event, StoredEvent) else None


def _before(a: int | None, b: int | None) -> bool:
    return a is not None and b is not None and a < b


@dataclass(frozen=True)
class Finding:
    seq: int  # the first event the tampering concerns
    kind: TamperKind
    detail: str


@dataclass(frozen=True)
class ChainAudit:
    checked: int  # events that held before the finding (or all of them)
    head: Anchor | None  # the last event that held
    head_at: datetime | None
    finding: Finding | None
    anchors_matched: tuple[Anchor, ...] = ()

    @property
    def intact(self) -> bool:
        return self.finding is None


def parse_anchor(text: str) -> Anchor:
    """`HASH:COUNT`, as `alerts audit anchor` prints it."""
    match = _ANCHOR.fullmatch(text.strip().lower())
    if match is None:
        raise ValueError(f"not an anchor: {text.strip()!r}; expected 64 hex digits, ':', a count")
    return Anchor(match["hash"], int(match["count"]))


def anchors_in(text: str) -> list[Anchor]:
    """Every anchor in a file of saved `alerts audit anchor` outputs, in order."""
    return [Anchor(m["hash"], int(m["count"])) for m in _ANCHOR.finditer(text.lower())]


def _hash_as(event: ChainedEvent, seq: int) -> str:
    return event_hash(
        prev_hash=event.prev_hash,
        seq=seq,
        occurred_at=event.occurred_at,
        actor=event.actor,
        kind=event.kind,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        incident_id=event.incident_id,
        data=event.data,
    )


def _renumbered_by(event: ChainedEvent) -> int | None:
    """How many places an event was moved down, if its hash matches a higher seq."""
    for shift in range(1, RENUMBER_SEARCH + 1):
        if _hash_as(event, event.seq + shift) == event.hash:
            return shift
    return None


def _broken_link(
    event: ChainedEvent, expected_seq: int, seq_of_hash: Callable[[str], int | None]
) -> Finding:
    linked = seq_of_hash(event.prev_hash)
    here = event.seq
    if linked is not None and linked >= here:
        return Finding(
            here,
            "reordered",
            f"event {here} links to event {linked}, which comes after it: events were reordered",
        )
    if linked is not None:
        first = linked + 1
        return Finding(
            first,
            "inserted",
            f"event {here} links to event {linked}: events {first}–{here - 1} were inserted "
            "between them",
        )
    shift = _renumbered_by(event)
    if shift is not None:
        return Finding(
            here,
            "deleted",
            f"{shift} event(s) before event {here} were deleted and the later ones renumbered "
            f"(its hash matches position {here + shift})",
        )
    if _hash_as(event, event.seq) != event.hash:
        return Finding(here, "altered", "content does not match its hash")
    previous = expected_seq - 1
    return Finding(
        previous,
        "altered",
        f"event {previous} was altered and its hash recomputed: event {here} no longer links to it",
    )


def audit_chain(
    events: Iterable[ChainedEvent],
    seq_of_hash: Callable[[str], int | None],
    anchors: Sequence[Anchor] = (),
) -> ChainAudit:
    """Walk events in sequence order; name the first tampering and its kind.

    Args:
        events: the stored events, ordered by their sequence number.
        seq_of_hash: the sequence number of the stored event with this hash,
            if any; consulted only once the chain has broken.
        anchors: heads saved earlier; each must still be in the chain.
    """
    wanted = {a.count: a for a in anchors}
    matched: list[Anchor] = []
    expected_seq, expected_prev = 1, GENESIS_HASH
    last: ChainedEvent | None = None
    before_last: ChainedEvent | None = None
    checked = 0

    def result(finding: Finding | None, drop_last: bool = False) -> ChainAudit:
        head = before_last if drop_last else last
        return ChainAudit(
            checked - 1 if drop_last else checked,
            None if head is None else Anchor(head.hash, head.seq),
            None if head is None else head.occurred_at,
            finding,
            tuple(matched),
        )

    iterator = iter(events)
    event = next(iterator, None)
    while event is not None:
        following = next(iterator, None)
        if event.seq < expected_seq:
            return result(
                Finding(
                    event.seq,
                    "inserted",
                    f"event {event.seq} is numbered before the first event the chain allows",
                )
            )
        if event.seq != expected_seq:
            return result(
                Finding(
                    expected_seq,
                    "deleted",
                    f"events {expected_seq}–{event.seq - 1} are missing: the sequence jumps "
                    f"from {expected_seq - 1} to {event.seq}",
                )
            )
        if last is not None and _before(_row(event), _row(last)):
            if before_last is None or not _before(_row(event), _row(before_last)):
                return result(
                    Finding(
                        last.seq,
                        "inserted",
                        f"event {last.seq} was stored after event {event.seq} (row "
                        f"{_row(last)} after row {_row(event)}): it was slipped in between "
                        "events written before it",
                    ),
                    drop_last=True,
                )
            return result(
                Finding(
                    event.seq,
                    "reordered",
                    f"event {event.seq} was stored before event {last.seq} (row {_row(event)} "
                    f"before row {_row(last)}): events were reordered",
                )
            )
        link_broken = event.prev_hash != expected_prev
        if link_broken:
            linked = seq_of_hash(event.prev_hash)
            if linked is not None and linked >= event.seq:  # points forward: a swap
                return result(_broken_link(event, expected_seq, seq_of_hash))
        broken = link_broken or _hash_as(event, event.seq) != event.hash
        if (
            broken
            and _before(_row(following), _row(event))
            and not _before(_row(following), _row(last))
        ):
            assert following is not None
            return result(
                Finding(
                    event.seq,
                    "inserted",
                    f"event {event.seq} was stored after event {following.seq} (row "
                    f"{_row(event)} after row {_row(following)}): it was inserted",
                )
            )
        if event.prev_hash != expected_prev:
            return result(_broken_link(event, expected_seq, seq_of_hash))
        if _hash_as(event, event.seq) != event.hash:
            return result(Finding(event.seq, "altered", "content does not match its hash"))
        if last is not None and event.occurred_at < last.occurred_at:
            return result(
                Finding(
                    event.seq,
                    "inserted",
                    f"event {event.seq} is dated before event {last.seq}: the ledger never "
                    "writes times backwards, so it was inserted out of order",
                )
            )
        anchor = wanted.get(event.seq)
        if anchor is not None:
            if anchor.hash != event.hash:
                return result(
                    Finding(
                        event.seq,
                        "rewritten",
                        f"the anchor says event {event.seq} had hash {anchor.hash[:12]}…, it now "
                        f"has {event.hash[:12]}…: history up to it was rewritten",
                    )
                )
            matched.append(anchor)
        before_last, last, checked = last, event, checked + 1
        expected_seq, expected_prev = event.seq + 1, event.hash
        event = following
    for anchor in sorted(anchors, key=lambda a: a.count):
        if anchor.count > checked:
            return result(
                Finding(
                    checked + 1,
                    "truncated",
                    f"the anchor says the chain held {anchor.count} events, it now holds "
                    f"{checked}: events {checked + 1}–{anchor.count} were deleted",
                )
            )
    return result(None)
