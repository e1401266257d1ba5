"""The transparency log as stored: leaves, perfect-subtree nodes and signed heads.

`StoredNodes` is the domain's `NodeSource` over the tables: a proof or the next
batch reads the few perfect subtrees it needs (at most log2 n + 1), never every leaf.
"""

from __future__ import annotations

import base64

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.timeline.domain.tree_head import SignedTreeHead, TreeHead
from alerts.timeline.models import LogLeaf, LogNode
from alerts.timeline.models import TreeHead as TreeHeadRow


class StoredNodes:
    """Perfect subtree hashes read from `log_leaves` (level 0) and `log_nodes` (above),
    remembered for the life of one proof or batch."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._known: dict[tuple[int, int], bytes] = {}

    def node(self, level: int, index: int) -> bytes:
        key = (level, index)
        if key not in self._known:
            if level == 0:
                found = self._session.scalar(
                    select(LogLeaf.leaf_hash).where(LogLeaf.leaf_index == index)
                )
            else:
                found = self._session.scalar(
                    select(LogNode.hash).where(LogNode.level == level, LogNode.index == index)
                )
            if found is None:
                raise LookupError(f"the log holds no subtree ({level}, {index})")
            self._known[key] = bytes.fromhex(found)
        return self._known[key]

    def remember(self, level: int, index: int, value: bytes) -> None:
        self._known[(level, index)] = value


def signed_head(row: TreeHeadRow) -> SignedTreeHead:
    return SignedTreeHead(
        TreeHead(row.tree_size, bytes.fromhex(row.root_hash), row.timestamp),
        base64.b64decode(row.signature),
        row.key_id,
    )


def latest_head(session: Session) -> TreeHeadRow | None:
    return session.scalars(
        select(TreeHeadRow).order_by(TreeHeadRow.tree_size.desc()).limit(1)
    ).first()


def head_of_size(session: Session, size: int) -> TreeHeadRow | None:
    return session.get(TreeHeadRow, size)
