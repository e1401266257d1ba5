"""A small signed log for tests: events as canonical leaves, a tree, anchors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from alerts.timeline.domain.canonical import event_leaf
from alerts.timeline.domain.merkle import MemoryTree, leaf_hash
from alerts.timeline.domain.tree_head import SignedTreeHead, TreeHead, sign_tree_head

START = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def event(seq: int) -> bytes:
    return event_leaf(
        {
            "seq": seq,
            "at": (START + timedelta(seconds=seq)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "actor": "system",
            "kind": "alert.received",
            "subject": ["message", seq],
            "incident": None,
            "data": {"ref": f"R{seq}", "text": "Attaque à Kiwanja ce matin"},
        }
    )


@dataclass
class SampleLog:
    key: Ed25519PrivateKey
    leaves: list[bytes]
    tree: MemoryTree

    def anchor(self, size: int) -> SignedTreeHead:
        head = TreeHead(size, self.tree.root(size), START + timedelta(minutes=size))
        return sign_tree_head(head, self.key)


def sample_log(size: int = 40) -> SampleLog:
    leaves = [event(seq) for seq in range(1, size + 1)]
    return SampleLog(
        Ed25519PrivateKey.generate(), leaves, MemoryTree(leaf_hash(leaf) for leaf in leaves)
    )
