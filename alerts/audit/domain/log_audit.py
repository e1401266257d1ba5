"""The evaluator's check of the transparency log: rebuild the tree from the events
themselves and name the first thing done to it.

The leaves are recomputed from the stored events, never trusted as stored, so an
edited event shows even when its stored leaf hash was edited to match; the
rebuilt roots must then equal every signed head, and each head's signature must
hold. A kept anchor (a head saved outside the system) also catches a log cut
short or rewritten wholesale, which leaves no trace inside it.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from alerts.timeline.domain.merkle import Frontier
from alerts.timeline.domain.tree_head import SignedTreeHead, TreeHeadError, verify_tree_head

# How long an event's transaction may honestly take between its time and its commit;
# an event sealed after a head signed later than this claims a past it was not in.
BACKDATING_TOLERANCE = timedelta(minutes=10)


class Tampering(StrEnum):
    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    REWRITTEN = "rewritten"
    TRUNCATED = "truncated"
    FORGED_HEAD = "forged head"


@dataclass(frozen=True)
class StoredLeaf:
    """One leaf as stored, with the leaf hash recomputed from its event (None: no event)."""

    leaf_index: int
    event_id: int
    stored_hash: bytes
    recomputed_hash: bytes | None
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class Finding:
    kind: Tampering
    detail: str
    leaf_index: int | None = None
    event_id: int | None = None


@dataclass
class LogAudit:
    leaves: int = 0
    heads: int = 0
    findings: list[Finding] = field(default_factory=list)
    anchors_held: list[int] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        """The first event tampered with, else the first other finding."""
        named = [f for f in self.findings if f.leaf_index is not None or f.event_id is not None]
        ranked = named or self.findings
        return ranked[0] if ranked else None

    def add(self, kind: Tampering, detail: str, leaf: StoredLeaf | None = None) -> None:
        if leaf is None:
            self.findings.append(Finding(kind, detail))
        else:
            self.findings.append(Finding(kind, detail, leaf.leaf_index, leaf.event_id))


def _never_sealed(_hash: bytes) -> int | None:
    return None


def audit_log(
    leaves: Iterable[StoredLeaf],
    heads: Sequence[SignedTreeHead],
    public_key: Ed25519PublicKey,
    *,
    anchors: Sequence[SignedTreeHead] = (),
    stray_events: Sequence[int] = (),
    sealed_as: Callable[[bytes], int | None] = _never_sealed,
) -> LogAudit:
    """One pass over `leaves` in index order, checking every signed head and kept
    anchor at its size.

    Args:
        stray_events: ids of events that should have been sealed by now (written
            below the last head's horizon) and were not: rows slipped in afterwards.
        sealed_as: the leaf index whose stored hash is this one, to tell a moved
            event from an edited one (asked only when a leaf fails).
    """
    audit = LogAudit(heads=len(heads))
    due: dict[int, list[tuple[str, SignedTreeHead]]] = {}
    for head in heads:
        if _signed(audit, head, public_key, "head"):
            due.setdefault(head.head.tree_size, []).append(("signed head", head))
    for anchor in anchors:
        if _signed(audit, anchor, public_key, "kept anchor"):
            due.setdefault(anchor.head.tree_size, []).append(("kept anchor", anchor))
    frontier, last_head = Frontier(), None
    for leaf in leaves:
        if leaf.leaf_index != frontier.size:
            audit.add(
                Tampering.DELETED,
                f"leaf {frontier.size} is missing: the log jumps to leaf {leaf.leaf_index}",
            )
            break
        _check_leaf(audit, leaf, sealed_as, last_head)
        frontier.append(leaf.recomputed_hash or leaf.stored_hash)
        for what, head in due.pop(frontier.size, []):
            last_head = head.head.timestamp if what == "signed head" else last_head
            _check_root(audit, frontier, what, head)
    audit.leaves = frontier.size
    for size, items in sorted(due.items()):
        for what, _head in items:
            if size > 0:
                audit.add(
                    Tampering.TRUNCATED,
                    f"a {what} covers {size} leaves; the log holds {frontier.size}: "
                    "its end was cut off",
                )
    for event_id in stray_events:
        audit.findings.append(
            Finding(
                Tampering.INSERTED,
                f"event {event_id} is not in the log though every event written before "
                "the last head was sealed: it was slipped in afterwards",
                event_id=event_id,
            )
        )
    return audit


def _signed(audit: LogAudit, head: SignedTreeHead, public_key: Ed25519PublicKey, what: str) -> bool:
    try:
        verify_tree_head(head, public_key)
    except TreeHeadError as error:
        audit.add(Tampering.FORGED_HEAD, f"the {what} of size {head.head.tree_size}: {error}")
        return False
    return True


def _check_root(audit: LogAudit, frontier: Frontier, what: str, head: SignedTreeHead) -> None:
    if hmac.compare_digest(frontier.root(), head.head.root_hash):
        if what == "kept anchor":
            audit.anchors_held.append(frontier.size)
        return
    audit.add(
        Tampering.REWRITTEN,
        f"the first {frontier.size} leaves no longer rebuild the {what} of that size "
        f"(signed {head.head.timestamp:%Y-%m-%d %H:%M} UTC): history was rewritten",
    )


def _check_leaf(
    audit: LogAudit,
    leaf: StoredLeaf,
    sealed_as: Callable[[bytes], int | None],
    last_head: datetime | None,
) -> None:
    if leaf.recomputed_hash is None:
        audit.add(
            Tampering.DELETED,
            f"event {leaf.event_id} of leaf {leaf.leaf_index} was deleted",
            leaf,
        )
        return
    if not hmac.compare_digest(leaf.recomputed_hash, leaf.stored_hash):
        elsewhere = sealed_as(leaf.recomputed_hash)
        if elsewhere is not None and elsewhere != leaf.leaf_index:
            audit.add(
                Tampering.REORDERED,
                f"event {leaf.event_id} sits at leaf {leaf.leaf_index} but was sealed as "
                f"leaf {elsewhere}",
                leaf,
            )
        else:
            audit.add(
                Tampering.EDITED,
                f"event {leaf.event_id} (leaf {leaf.leaf_index}) no longer reads as it was sealed",
                leaf,
            )
        return
    if (
        last_head is not None
        and leaf.occurred_at is not None
        and leaf.occurred_at < last_head - BACKDATING_TOLERANCE
    ):
        audit.add(
            Tampering.INSERTED,
            f"event {leaf.event_id} (leaf {leaf.leaf_index}) claims "
            f"{leaf.occurred_at:%Y-%m-%d %H:%M} UTC, before a head signed at "
            f"{last_head:%Y-%m-%d %H:%M} UTC that did not hold it: it was backdated",
            leaf,
        )
