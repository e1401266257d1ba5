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
from dataclasses import dataclass, field
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


@dataclass
class _Walk:
    """How far the chain has held: the next event it expects, the last two events that
    held (an insertion found late can put the last one in doubt) and the anchors met."""

    expected_seq: int = 1
    expected_prev: str = GENESIS_HASH
    last: ChainedEvent | None = None
    before_last: ChainedEvent | None = None
    checked: int = 0
    matched: list[Anchor] = field(default_factory=list)

    def held(self, event: ChainedEvent) -> None:
        self.before_last, self.last, self.checked = self.last, event, self.checked + 1
        self.expected_seq, self.expected_prev = event.seq + 1, event.hash

    def result(self, finding: Finding | None, drop_last: bool = False) -> ChainAudit:
        head = self.before_last if drop_last else self.last
        return ChainAudit(
            self.checked - 1 if drop_last else self.checked,
            None if head is None else Anchor(head.hash, head.seq),
            None if head is None else head.occurred_at,
            finding,
            tuple(self.matched),
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
    walk = _Walk()
    iterator = iter(events)
    event = next(iterator, None)
    while event is not None:
        following = next(iterator, None)
        tampered = _tampering_at(walk, event, following, seq_of_hash)
        if tampered is not None:
            return tampered
        anchor = wanted.get(event.seq)
        if anchor is not None:
            if anchor.hash != event.hash:
                return walk.result(_rewritten(event, anchor))
            walk.matched.append(anchor)
        walk.held(event)
        event = following
    return walk.result(_truncated(anchors, walk.checked))


def _tampering_at(
    walk: _Walk,
    event: ChainedEvent,
    following: ChainedEvent | None,
    seq_of_hash: Callable[[str], int | None],
) -> ChainAudit | None:
    """The audit's result if `event` shows tampering, in the order the traces are trusted:
    its number, the order rows were stored in, its link and hash, then its time."""
    finding = _out_of_sequence(event, walk.expected_seq)
    if finding is not None:
        return walk.result(finding)
    if walk.last is not None and _before(_row(event), _row(walk.last)):
        return _stored_before_last(walk, event)
    finding = _broken(walk, event, following, seq_of_hash) or _dated_backwards(event, walk.last)
    return None if finding is None else walk.result(finding)


def _out_of_sequence(event: ChainedEvent, expected_seq: int) -> Finding | None:
    if event.seq < expected_seq:
        return Finding(
            event.seq,
            "inserted",
            f"event {event.seq} is numbered before the first event the chain allows",
        )
    if event.seq != expected_seq:
        return Finding(
            expected_seq,
            "deleted",
            f"events {expected_seq}–{event.seq - 1} are missing: the sequence jumps "
            f"from {expected_seq - 1} to {event.seq}",
        )
    return None


def _stored_before_last(walk: _Walk, event: ChainedEvent) -> ChainAudit:
    """Row ids say `event` was stored before the last event that held: either that one
    was slipped in later (and did not really hold), or the two were swapped."""
    last, before_last = walk.last, walk.before_last
    assert last is not None
    if before_last is None or not _before(_row(event), _row(before_last)):
        return walk.result(
            Finding(
                last.seq,
                "inserted",
                f"event {last.seq} was stored after event {event.seq} (row "
                f"{_row(last)} after row {_row(event)}): it was slipped in between "
                "events written before it",
            ),
            drop_last=True,
        )
    return walk.result(
        Finding(
            event.seq,
            "reordered",
            f"event {event.seq} was stored before event {last.seq} (row {_row(event)} "
            f"before row {_row(last)}): events were reordered",
        )
    )


def _broken(
    walk: _Walk,
    event: ChainedEvent,
    following: ChainedEvent | None,
    seq_of_hash: Callable[[str], int | None],
) -> Finding | None:
    """What a broken link or hash at `event` means, if either is broken."""
    link_broken = event.prev_hash != walk.expected_prev
    if link_broken:
        linked = seq_of_hash(event.prev_hash)
        if linked is not None and linked >= event.seq:  # points forward: a swap
            return _broken_link(event, walk.expected_seq, seq_of_hash)
    broken = link_broken or _hash_as(event, event.seq) != event.hash
    if (
        broken
        and _before(_row(following), _row(event))
        and not _before(_row(following), _row(walk.last))
    ):
        assert following is not None
        return Finding(
            event.seq,
            "inserted",
            f"event {event.seq} was stored after event {following.seq} (row "
            f"{_row(event)} after row {_row(following)}): it was inserted",
        )
    if event.prev_hash != walk.expected_prev:
        return _broken_link(event, walk.expected_seq, seq_of_hash)
    if _hash_as(event, event.seq) != event.hash:
        return Finding(event.seq, "altered", "content does not match its hash")
    return None


def _dated_backwards(event: ChainedEvent, last: ChainedEvent | None) -> Finding | None:
    if last is not None and event.occurred_at < last.occurred_at:
        return Finding(
            event.seq,
            "inserted",
            f"event {event.seq} is dated before event {last.seq}: the ledger never "
            "writes times backwards, so it was inserted out of order",
        )
    return None


def _rewritten(event: ChainedEvent, anchor: Anchor) -> Finding:
    return Finding(
        event.seq,
        "rewritten",
        f"the anchor says event {event.seq} had hash {anchor.hash[:12]}…, it now "
        f"has {event.hash[:12]}…: history up to it was rewritten",
    )


def _truncated(anchors: Sequence[Anchor], checked: int) -> Finding | None:
    """An anchor beyond the end of the chain: events at its end were deleted."""
    for anchor in sorted(anchors, key=lambda a: a.count):
        if anchor.count > checked:
            return Finding(
                checked + 1,
                "truncated",
                f"the anchor says the chain held {anchor.count} events, it now holds "
                f"{checked}: events {checked + 1}–{anchor.count} were deleted",
            )
    return None
