"""Every proof for every tree up to 70 leaves: right, verifiable, and tamper-evident.

The reference below is RFC 9162 section 2.1 transcribed literally (recursive
MTH, PATH and SUBPROOF over slices); the module under test computes the same
values from stored perfect subtrees. The mutations follow the names of the
probes in transparency-dev/merkle's testdata (leafIdx-plus-@1, size2-div-@2,
modified-proof-bit, preceding-garbage, truncated-proof, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache

import pytest

from alerts.timeline.domain.merkle import (
    EMPTY_ROOT,
    Frontier,
    MemoryTree,
    ProofError,
    consistency_path,
    inclusion_path,
    leaf_hash,
    node_hash,
    range_nodes,
    verify_consistency,
    verify_inclusion,
)

MAX = 70
LEAF_HASHES = tuple(leaf_hash(f"event {i}".encode()) for i in range(MAX))


def largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


@cache
def mth(start: int, end: int) -> bytes:
    """MTH(D[start:end]), RFC 9162 2.1.1, literally."""
    if end == start:
        return EMPTY_ROOT
    if end - start == 1:
        return LEAF_HASHES[start]
    k = largest_power_of_two_below(end - start)
    return node_hash(mth(start, start + k), mth(start + k, end))


def path(m: int, start: int, end: int) -> list[bytes]:
    """PATH(m, D[start:end]), RFC 9162 2.1.3.1."""
    if end - start == 1:
        return []
    k = largest_power_of_two_below(end - start)
    if m < k:
        return [*path(m, start, start + k), mth(start + k, end)]
    return [*path(m - k, start + k, end), mth(start, start + k)]


def subproof(m: int, start: int, end: int, whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[start:end], b), RFC 9162 2.1.4.1."""
    if m == end - start:
        return [] if whole else [mth(start, end)]
    k = largest_power_of_two_below(end - start)
    if m <= k:
        return [*subproof(m, start, start + k, whole), mth(start + k, end)]
    return [*subproof(m - k, start + k, end, False), mth(start, start + k)]


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    return MemoryTree(LEAF_HASHES)


def flip(value: bytes, bit: int = 0) -> bytes:
    return bytes([value[0] ^ (1 << bit)]) + value[1:]


def path_mutations(proof: list[bytes], root: bytes) -> Iterator[tuple[str, list[bytes]]]:
    for i in range(len(proof)):
        yield f"modified-proof[{i}]", [*proof[:i], flip(proof[i]), *proof[i + 1 :]]
        yield f"removed-component[{i}]", proof[:i] + proof[i + 1 :]
        yield f"inserted-component[{i}]", [*proof[:i], proof[i], *proof[i:]]
    yield "preceding-garbage", [flip(root), *proof]
    yield "trailing-garbage", [*proof, flip(root)]
    yield "trailing-root", [*proof, root]
    yield "preceding-root", [root, *proof]
    if proof:
        yield "truncated-proof", proof[:-1]


def size_mutations(size: int) -> set[int]:
    return {size + 1, size - 1, size ^ 2, size * 2, size // 2} - {size}


def inclusion_shape(m: int, n: int) -> tuple[bool, ...]:
    """Which way PATH(m, D[n]) descends at each level, top-down."""
    if n == 1:
        return ()
    k = largest_power_of_two_below(n)
    return (True, *inclusion_shape(m, k)) if m < k else (False, *inclusion_shape(m - k, n - k))


def consistency_shape(m: int, n: int, whole: bool = True) -> tuple[bool, ...]:
    """Which way SUBPROOF(m, D[n], b) descends, then b where it stops."""
    if m == n:
        return (whole,)
    k = largest_power_of_two_below(n)
    if m <= k:
        return (True, *consistency_shape(m, k, whole))
    return (False, *consistency_shape(m - k, n - k, False))


# A proof binds its sizes only through the shape of the tree it walks: where
# another size gives the same descent, the same hashes fold to the same root,
# so the proof verifies for it too. The sizes are bound by the signed tree head
# that states them with the root (see test_evidence); here a wrong size must
# fail exactly when it changes the shape.


def refused(check: Callable[[], None]) -> bool:
    try:
        check()
    except ProofError:
        return True
    return False


@pytest.mark.parametrize("size", range(MAX + 1))
def test_roots_and_proofs_match_the_rfc_recursion(tree: MemoryTree, size: int) -> None:
    assert tree.root(size) == mth(0, size)
    for index in range(size):
        assert inclusion_path(tree, index, size) == path(index, 0, size)
    for first in range(1, size + 1):
        assert consistency_path(tree, first, size) == subproof(first, 0, size, True)


@pytest.mark.parametrize("size", range(1, MAX + 1))
def test_every_inclusion_proof_verifies_and_no_tampered_one_does(
    tree: MemoryTree, size: int
) -> None:
    root = tree.root(size)
    for index in range(size):
        proof = tree.inclusion_path(index, size)
        leaf = LEAF_HASHES[index]
        shape = inclusion_shape(index, size)
        verify_inclusion(index, size, leaf, proof, root)

        def accepts(i: int, n: int, lf: bytes, p: list[bytes], r: bytes) -> bool:
            return not refused(lambda: verify_inclusion(i, n, lf, p, r))

        for name, bad_path in path_mutations(proof, root):
            assert not accepts(index, size, leaf, bad_path, root), (index, size, name)
        for bad_index in {index + 1, index - 1, index ^ 2, size} - {index}:
            assert not accepts(bad_index, size, leaf, proof, root), (index, size, bad_index)
        for bad_size in size_mutations(size):
            same = index < bad_size and inclusion_shape(index, bad_size) == shape
            assert accepts(index, bad_size, leaf, proof, root) == same, (index, size, bad_size)
        # transparency-dev's treeSize-div-@2 and treeSize-mul-@2 probes
        assert not accepts(index, size * 2, leaf, proof, root)
        assert not accepts(index, size // 2, leaf, proof, root)
        assert not accepts(index, size, flip(leaf, 7), proof, root)
        assert not accepts(index, size, leaf, proof, flip(root, 3))
        if size > 1:
            other = LEAF_HASHES[(index + 1) % size]
            assert not accepts(index, size, other, proof, root), "wrong-leaf"


@pytest.mark.parametrize("second", range(1, MAX + 1))
def test_every_consistency_proof_verifies_and_no_tampered_one_does(
    tree: MemoryTree, second: int
) -> None:
    root2 = tree.root(second)
    for first in range(1, second + 1):
        root1 = tree.root(first)
        proof = tree.consistency_path(first, second)
        verify_consistency(first, second, root1, root2, proof)

        def accepts(m: int, n: int, r1: bytes, r2: bytes, p: list[bytes]) -> bool:
            return not refused(lambda: verify_consistency(m, n, r1, r2, p))

        case = (first, second)
        for name, bad in path_mutations(proof, root1):
            assert not accepts(first, second, root1, root2, bad), (case, name)
        shape = consistency_shape(first, second)
        for bad_first in size_mutations(first) | {0}:
            same = 0 < bad_first <= second and consistency_shape(bad_first, second) == shape
            assert accepts(bad_first, second, root1, root2, proof) == same, (case, bad_first)
        for bad_second in size_mutations(second):
            same = first <= bad_second and consistency_shape(first, bad_second) == shape
            assert accepts(first, bad_second, root1, root2, proof) == same, (case, bad_second)
        # transparency-dev's size2-div-@2 and size2-mul-@2 probes
        assert not accepts(first, second * 2, root1, root2, proof), case
        assert not accepts(first, second // 2, root1, root2, proof), case
        assert not accepts(first, second, flip(root1), root2, proof), (case, "wrong-root1")
        assert not accepts(first, second, root1, flip(root2), proof), (case, "wrong-root2")
        if root1 != root2:
            assert not accepts(first, second, root2, root1, proof), (case, "swapped-roots")
        if first < second:
            assert not accepts(first, second, root1, root2, []), (case, "empty-proof")


def test_frontier_stores_exactly_the_memory_trees_nodes_and_reads_back(tree: MemoryTree) -> None:
    frontier = Frontier()
    stored: dict[tuple[int, int], bytes] = {}
    for size, leaf in enumerate(LEAF_HASHES, start=1):
        stored.update({(n.level, n.index): n.hash for n in frontier.append(leaf)})
        assert frontier.root() == tree.root(size)
        again = Frontier.at(tree, size)
        assert (again.size, again.peaks, again.root()) == (size, frontier.peaks, frontier.root())
    assert all(tree.node(level, index) == value for (level, index), value in stored.items())
    assert len(stored) == 2 * MAX - MAX.bit_count()


def test_growing_in_batches_builds_the_same_tree(tree: MemoryTree) -> None:
    grown = MemoryTree()
    for start in range(0, MAX, 9):
        grown.extend(LEAF_HASHES[start : start + 9])
        assert grown.root() == tree.root(grown.size)
    assert grown.root() == tree.root()


def test_a_range_off_the_rfc_tree_shape_is_refused() -> None:
    assert range_nodes(8, 14) == [(2, 2), (1, 6)]
    with pytest.raises(ValueError):
        range_nodes(4, 10)  # six leaves from 4 are not one RFC subtree


class SyntheticSource:
    """Any (level, index) has a hash, and every look-up is counted: proof
    sizes depend on the tree's shape, not on what is in it."""

    def __init__(self) -> None:
        self.lookups = 0

    def node(self, level: int, index: int) -> bytes:
        self.lookups += 1
        return leaf_hash(f"{level}/{index}".encode())


@pytest.mark.parametrize("size", [1_000_000, 2**20, 2**20 - 1, 999_999])
def test_a_million_leaf_proof_is_short_and_cheap(size: int) -> None:
    source = SyntheticSource()
    for index in (0, 1, size // 2, size - 2, size - 1):
        source.lookups = 0
        assert len(inclusion_path(source, index, size)) <= 20
        assert source.lookups <= 40
    for first in (1, 2, 3, 1000, 524_287, 524_289, size - 1, size):
        source.lookups = 0
        assert len(consistency_path(source, first, size)) <= 21
        assert source.lookups <= 40
