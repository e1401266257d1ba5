"""The Merkle tree of the transparency log, as RFC 9162 section 2.1 defines it.

Writers never hash in order: the sequencer seals committed events into leaves,
and this module turns leaf hashes into roots and proofs. It knows nothing of
events or storage. Leaves are bytes; stored subtree hashes come in through
`NodeSource`.

Notation follows RFC 9162: D[n] is the list of the first n leaves and MTH(D[n])
its root. A *perfect subtree* (level, index) holds the 2**level leaves that
start at leaf index * 2**level. Every subtree the RFC's recursion visits is a
right fold of at most log2(n) + 1 perfect subtrees, so a log that keeps their hashes
(the sequencer stores those `Frontier.append` completes) answers any root or
proof with O(log n) look-ups, never by rehashing the log.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256() (RFC 9162 2.1.1)."""

# RFC 9162 2.1.1: distinct prefixes keep a leaf from passing for an inner node
# (a second-preimage attack on the tree).
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


class ProofError(ValueError):
    """A proof did not verify. The message names the check that failed."""


def leaf_hash(leaf: bytes) -> bytes:
    """MTH({d(0)}) = SHA-256(0x00 || d(0)) (RFC 9162 2.1.1)."""
    return hashlib.sha256(_LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right) (RFC 9162 2.1.1)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def split_point(n: int) -> int:
    """k of RFC 9162 2.1.1: the largest power of two smaller than n, for n > 1."""
    if n < 2:
        raise ValueError(f"a tree of {n} leaves does not split")
    return 1 << ((n - 1).bit_length() - 1)


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) (RFC 9162 2.1.1) from the hashes of all n leaves.

    Bottom up, pairing neighbours and lifting a lone last node unchanged: the
    same tree as the RFC's split at k, in n - 1 hashes and without recursion.
    """
    level = list(leaf_hashes)
    if not level:
        return EMPTY_ROOT
    sha256 = hashlib.sha256
    while len(level) > 1:
        odd = level[-1] if len(level) % 2 else None
        level = [
            sha256(_NODE_PREFIX + left + right).digest()
            for left, right in zip(level[0::2], level[1::2], strict=False)
        ]
        if odd is not None:
            level.append(odd)
    return level[0]


class NodeSource(Protocol):
    """Where stored perfect-subtree hashes come from (memory, a table, a tile)."""

    def node(self, level: int, index: int) -> bytes:
        """The hash of the 2**level leaves starting at leaf index * 2**level."""
        ...


def range_nodes(start: int, end: int) -> list[tuple[int, int]]:
    """The perfect subtrees, largest first, whose right fold is MTH(D[start:end]).

    Defined for the ranges the RFC 9162 2.1.1 recursion produces, whose start
    is a multiple of the smallest power of two >= end - start: the split at k
    then always falls on the highest set bit of the range's size.
    """
    size = end - start
    if size < 1:
        raise ValueError(f"empty or reversed range [{start}, {end})")
    if start % (1 << (size - 1).bit_length()):
        raise ValueError(f"[{start}, {end}) is not a subtree of the RFC 9162 tree shape")
    nodes = []
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            nodes.append((level, start >> level))
            start += 1 << level
    return nodes


def subtree_hash(source: NodeSource, start: int, end: int) -> bytes:
    """MTH(D[start:end]) from at most log2(end - start) + 1 stored hashes."""
    hashes = [source.node(level, index) for level, index in range_nodes(start, end)]
    folded = hashes[-1]
    for left in reversed(hashes[:-1]):
        folded = node_hash(left, folded)
    return folded


def tree_root(source: NodeSource, size: int) -> bytes:
    """MTH(D[size]) (RFC 9162 2.1.1), the empty tree included."""
    return EMPTY_ROOT if size == 0 else subtree_hash(source, 0, size)


def inclusion_path(source: NodeSource, index: int, size: int) -> list[bytes]:
    """PATH(m, D[n]) (RFC 9162 2.1.3.1), at most ceil(log2 n) hashes.

    Walked top-down, as the recursion descends, then reversed: the RFC lists
    the sibling nearest the leaf first.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    siblings = []
    start, end = 0, size
    while end - start > 1:
        k = split_point(end - start)
        if index < start + k:
            siblings.append(subtree_hash(source, start + k, end))
            end = start + k
        else:
            siblings.append(subtree_hash(source, start, start + k))
            start += k
    return siblings[::-1]


def consistency_path(source: NodeSource, first: int, second: int) -> list[bytes]:
    """PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (RFC 9162 2.1.4.1).

    Empty when m = n. A proof from the empty tree is refused: it would prove
    nothing, and RFC 9162 defines none.
    """
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from {first} to {second} leaves")
    siblings = []
    start, end, whole = 0, second, True
    # SUBPROOF recurses into [start, end) until the old tree D[m] is all of it.
    while end != first:
        k = split_point(end - start)
        if first - start <= k:
            siblings.append(subtree_hash(source, start + k, end))
            end = start + k
        else:
            siblings.append(subtree_hash(source, start, start + k))
            start += k
            whole = False
    # SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old root is not a node the
    # verifier already holds, so the proof carries it.
    if not whole:
        siblings.append(subtree_hash(source, start, end))
    return siblings[::-1]


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} is {len(value)} bytes, not a {HASH_SIZE}-byte SHA-256 hash")


def _check_path(path: Sequence[bytes], what: str) -> None:
    for position, value in enumerate(path):
        _check_hash(value, f"{what}[{position}]")


def verify_inclusion(
    index: int, size: int, leaf: bytes, path: Sequence[bytes], root: bytes
) -> None:
    """Check PATH(index, D[size]) for a leaf hash against a root (RFC 9162 2.1.3.2).

    Raises:
        ProofError: naming what failed.
    """
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of {size} leaves")
    _check_hash(leaf, "leaf hash")
    _check_hash(root, "root hash")
    _check_path(path, "audit path")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ProofError(f"audit path is longer than a tree of {size} leaves needs")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError(f"audit path is shorter than a tree of {size} leaves needs")
    if not hmac.compare_digest(r, root):
        raise ProofError("audit path does not lead to the root hash")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, path: Sequence[bytes]
) -> None:
    """Check PROOF(first, D[second]) between two roots (RFC 9162 2.1.4.2).

    Raises:
        ProofError: naming what failed.
    """
    if not 0 < first <= second:
        raise ProofError(f"no consistency proof can go from {first} to {second} leaves")
    _check_hash(first_root, "first root")
    _check_hash(second_root, "second root")
    _check_path(path, "consistency path")
    if first == second:
        if path:
            raise ProofError("trees of equal size need an empty consistency path")
        if not hmac.compare_digest(first_root, second_root):
            raise ProofError(f"two different roots for the same {first} leaves")
        return
    if not path:
        raise ProofError("consistency path is empty")
    hashes = list(path)
    # A first tree of 2**j leaves is a node of the second: its root starts the walk.
    if first & (first - 1) == 0:
        hashes.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = hashes[0]
    for c in hashes[1:]:
        if sn == 0:
            raise ProofError("consistency path is longer than the trees need")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("consistency path is shorter than the trees need")
    if not hmac.compare_digest(fr, first_root):
        raise ProofError(f"consistency path does not rebuild the first root ({first} leaves)")
    if not hmac.compare_digest(sr, second_root):
        raise ProofError(f"consistency path does not rebuild the second root ({second} leaves)")


@dataclass(frozen=True)
class Node:
    """A perfect subtree's hash, as the sequencer stores it."""

    level: int
    index: int
    hash: bytes


class Frontier:
    """The right edge of the tree: one perfect subtree per set bit of its size.

    What the sequencer keeps between batches, at most log2(size) + 1 hashes.
    Appending a leaf hash returns the perfect subtrees it completes, to store
    for later proofs; `root()` is the root to sign when the batch ends.
    """

    def __init__(self, size: int = 0, peaks: Sequence[bytes] = ()) -> None:
        if size < 0 or len(peaks) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} peaks")
        for position, value in enumerate(peaks):
            _check_hash(value, f"peak {position}")
        self._size = size
        self._peaks = list(peaks)

    @classmethod
    def at(cls, source: NodeSource, size: int) -> Frontier:
        """The frontier of the first `size` leaves, read back from storage."""
        peaks = [source.node(level, index) for level, index in range_nodes(0, size)] if size else []
        return cls(size, peaks)

    @property
    def size(self) -> int:
        return self._size

    @property
    def peaks(self) -> tuple[bytes, ...]:
        """Largest subtree first."""
        return tuple(self._peaks)

    def append(self, leaf: bytes) -> list[Node]:
        """Add a leaf hash; return every perfect subtree it completes, leaf first."""
        _check_hash(leaf, "leaf hash")
        completed = [Node(0, self._size, leaf)]
        carried, level, index = leaf, 0, self._size
        # Each trailing 1 bit of the old size is a peak the new leaf completes.
        while self._size >> level & 1:
            carried = node_hash(self._peaks.pop(), carried)
            level, index = level + 1, index >> 1
            completed.append(Node(level, index, carried))
        self._peaks.append(carried)
        self._size += 1
        return completed

    def root(self) -> bytes:
        """MTH(D[size]): the right fold of the peaks (RFC 9162 2.1.1)."""
        if not self._peaks:
            return EMPTY_ROOT
        folded = self._peaks[-1]
        for left in reversed(self._peaks[:-1]):
            folded = node_hash(left, folded)
        return folded


class MemoryTree:
    """Every perfect subtree hash of a tree, by level: under 2n hashes for n leaves.

    The `NodeSource` for tests, for an auditor who has fetched all leaves,
    and for proofs over a tree rebuilt from stored leaf hashes.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        self.extend(leaf_hashes)

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append leaf hashes, completing the perfect subtrees they fill."""
        added = list(leaf_hashes)
        for position, value in enumerate(added):
            _check_hash(value, f"leaf hash {self.size + position}")
        self._levels[0].extend(added)
        sha256 = hashlib.sha256
        level = 0
        while len(self._levels[level]) > 1:
            below = self._levels[level]
            if level + 1 == len(self._levels):
                self._levels.append([])
            above = self._levels[level + 1]
            done = 2 * len(above)
            above.extend(
                sha256(_NODE_PREFIX + left + right).digest()
                for left, right in zip(below[done::2], below[done + 1 :: 2], strict=False)
            )
            level += 1

    def node(self, level: int, index: int) -> bytes:
        if level >= len(self._levels) or not 0 <= index < len(self._levels[level]):
            raise LookupError(f"no complete subtree ({level}, {index}) in {self.size} leaves")
        return self._levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        return tree_root(self, self._size_at_most(size))

    def inclusion_path(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_path(self, index, self._size_at_most(size))

    def consistency_path(self, first: int, second: int | None = None) -> list[bytes]:
        return consistency_path(self, first, self._size_at_most(second))

    def _size_at_most(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"a tree of {self.size} leaves has no version of {size} leaves")
        return size
