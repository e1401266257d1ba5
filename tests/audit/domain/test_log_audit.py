"""The pure audit of the log names what was done, from leaves, heads and kept anchors."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from alerts.audit.domain.log_audit import StoredLeaf, Tampering, audit_log
from alerts.timeline.domain.merkle import MemoryTree, leaf_hash
from alerts.timeline.domain.tree_head import SignedTreeHead, TreeHead, sign_tree_head

KEY = Ed25519PrivateKey.generate()
START = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def leaves(count: int) -> list[StoredLeaf]:
    hashes = [leaf_hash(f'{{"n":{i}}}'.encode()) for i in range(count)]
    return [
        StoredLeaf(i, 100 + i, h, h, START + timedelta(seconds=i)) for i, h in enumerate(hashes)
    ]


def head(stored: list[StoredLeaf], size: int, at: datetime) -> SignedTreeHead:
    root = MemoryTree(leaf.stored_hash for leaf in stored).root(size)
    return sign_tree_head(TreeHead(size, root, at), KEY)


def kinds(stored: list[StoredLeaf], heads: list[SignedTreeHead], **kw: object) -> list[Tampering]:
    return [f.kind for f in audit_log(stored, heads, KEY.public_key(), **kw).findings]  # type: ignore[arg-type]


def test_an_intact_log_holds_every_head_and_anchor() -> None:
    stored = leaves(9)
    heads = [
        head(stored, 4, START + timedelta(seconds=5)),
        head(stored, 9, START + timedelta(seconds=9)),
    ]
    outcome = audit_log(stored, heads, KEY.public_key(), anchors=[heads[0]])
    assert outcome.intact and outcome.leaves == 9 and outcome.anchors_held == [4]


def test_an_edited_event_is_named_with_its_leaf() -> None:
    stored = leaves(6)
    heads = [head(stored, 6, START + timedelta(seconds=6))]
    stored[3] = dataclasses.replace(stored[3], recomputed_hash=leaf_hash(b'{"n":99}'))
    outcome = audit_log(stored, heads, KEY.public_key())
    assert outcome.first is not None
    assert (outcome.first.kind, outcome.first.leaf_index, outcome.first.event_id) == (
        Tampering.EDITED,
        3,
        103,
    )


def test_a_moved_event_is_named_reordered_when_its_hash_was_sealed_elsewhere() -> None:
    stored = leaves(6)
    heads = [head(stored, 6, START + timedelta(seconds=6))]
    at_four = stored[4].stored_hash
    stored[3] = dataclasses.replace(stored[3], recomputed_hash=at_four)
    sealed_as = {leaf.stored_hash: leaf.leaf_index for leaf in stored}.get
    assert kinds(stored, heads, sealed_as=sealed_as)[0] == Tampering.REORDERED


def test_a_deleted_event_or_leaf_is_named() -> None:
    stored = leaves(6)
    heads = [head(stored, 6, START + timedelta(seconds=6))]
    gone = [*stored[:3], dataclasses.replace(stored[3], recomputed_hash=None), *stored[4:]]
    assert kinds(gone, heads)[0] == Tampering.DELETED
    assert kinds(stored[:3] + stored[4:], heads)[0] == Tampering.DELETED


def test_an_event_backdated_before_a_head_that_did_not_hold_it_is_named_inserted() -> None:
    stored = leaves(6)  # events 0-5 at START + 0-5 s
    heads = [
        head(stored, 3, START + timedelta(seconds=3)),
        head(stored, 6, START + timedelta(seconds=6)),
    ]
    # Leaf 4 was sealed after the head of size 3, yet claims a time 50 minutes before it.
    stored[4] = dataclasses.replace(stored[4], occurred_at=START - timedelta(minutes=50))
    found = audit_log(stored, heads, KEY.public_key()).findings
    assert [(f.kind, f.leaf_index) for f in found] == [(Tampering.INSERTED, 4)]
    # Within the tolerance, a slow transaction is not a forgery.
    stored[4] = dataclasses.replace(stored[4], occurred_at=START - timedelta(minutes=5))
    assert audit_log(stored, heads, KEY.public_key()).intact


def test_a_forged_head_a_cut_off_end_and_a_rewritten_history_are_named() -> None:
    stored = leaves(8)
    good = head(stored, 8, START + timedelta(seconds=8))
    forged = dataclasses.replace(good, signature=bytes(64))
    assert kinds(stored, [forged]) == [Tampering.FORGED_HEAD]
    assert kinds(stored[:6], [head(stored, 6, START)], anchors=[good]) == [Tampering.TRUNCATED]
    other = leaves(8)
    other[2] = dataclasses.replace(
        other[2], stored_hash=leaf_hash(b"x"), recomputed_hash=leaf_hash(b"x")
    )
    assert kinds(other, [head(other, 8, START)], anchors=[good]) == [Tampering.REWRITTEN]


def test_events_slipped_in_below_the_horizon_are_named_inserted() -> None:
    stored = leaves(3)
    outcome = audit_log(stored, [head(stored, 3, START)], KEY.public_key(), stray_events=[7])
    assert [(f.kind, f.event_id) for f in outcome.findings] == [(Tampering.INSERTED, 7)]
