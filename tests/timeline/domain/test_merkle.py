"""Known answers for the RFC 6962 / RFC 9162 Merkle tree.

The values (facts, not code) are copied from the tests of the reference
implementation, github.com/transparency-dev/merkle (the Go library behind
Trillian and Certificate Transparency logs):

- LEAVES, NODES, ROOTS: testonly/constants.go (LeafInputs, NodeHashes,
  RootHashes) at commit 77f1b57d7aa25fcd2e51273166b6b2b0e74923b1; the same
  eight leaves as certificate-transparency's merkle_tree_test.cc.
- INCLUSION, CONSISTENCY: proof/verify_test.go (inclusionProofs,
  consistencyProofs) at that commit; there the leaf is counted from 1, here
  from 0. The same values are the happy-path probes in testdata/inclusion/N
  and testdata/consistency/N at commit 417fb0c314750d94e53942e9f92e79b6d35915db.
- HASHER: rfc6962/rfc6962_test.go at 417fb0c.
- CONSISTENCY_EDGES, INCLUSION_EDGES: testdata/consistency/additional and
  testdata/inclusion/single-entry at 417fb0c (base64 there, hex here).
"""

from __future__ import annotations

import pytest

from alerts.timeline.domain.merkle import (
    EMPTY_ROOT,
    Frontier,
    MemoryTree,
    ProofError,
    leaf_hash,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]

# NODES[level][index]: every perfect subtree of the eight-leaf tree.
NODES = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]

# ROOTS[n]: MTH of the first n leaves.
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

# (leaf index, tree size, audit path). The published tables spell each hash
# out; every one of them is a node of NODES, named here by (level, index).
INCLUSION = [
    (0, 1, []),
    (0, 8, [NODES[0][1], NODES[1][1], NODES[2][1]]),
    (5, 8, [NODES[0][4], NODES[1][3], NODES[2][0]]),
    (2, 3, [NODES[1][0]]),
    (1, 5, [NODES[0][0], NODES[1][1], NODES[0][4]]),
]

# (first size, second size, consistency path)
CONSISTENCY = [
    (1, 1, []),
    (1, 8, [NODES[0][1], NODES[1][1], NODES[2][1]]),
    (6, 8, [NODES[1][2], NODES[1][3], NODES[2][0]]),
    (2, 5, [NODES[1][1], NODES[0][4]]),
    (6, 7, [NODES[1][2], NODES[0][6], NODES[2][0]]),
]

SOME = "646f6e277420636172652031"  # "don't care 1": not even a hash
OTHER = "646f6e277420636172652032"  # "don't care 2"
E = EMPTY_ROOT.hex()

# (first, second, first root, second root, path, valid)
CONSISTENCY_EDGES = [
    (0, 1, E, E, [E], False),  # from the empty tree proves nothing
    (0, 0, E, OTHER, [], False),
    (1, 1, E, OTHER, [], False),
    (2, 1, SOME, OTHER, [], False),
    (1, 0, SOME, OTHER, [], False),
    (0, 1, SOME, OTHER, [], False),
    (0, 1, E, OTHER, [], False),
    (1, 1, OTHER, OTHER, [], False),  # Go accepts; here a 12-byte root is no hash at all
    (1, 1, SOME, OTHER, [], False),
    (0, 0, SOME, SOME, [], False),
    (0, 0, SOME, OTHER, [], False),
    (1, 2, SOME, OTHER, [], False),
    (1, 1, E, E, [E], False),
    (0, 0, E, E, [E], False),
    (1, 1, E, E, [], True),  # ours: the case above with real hashes
]

H = "0d3aed023148ffd2a259fbd0cdc7fb3cf975658760d3775b82af6f90aacc2dfc"
# (index, size, leaf hash, root, valid): a one-leaf tree's root is its leaf hash.
INCLUSION_EDGES = [
    (0, 1, "", H, False),
    (0, 1, "", "", False),
    (0, 1, H, "", False),
    (0, 1, H, H, True),
]

HASHER = [
    (EMPTY_ROOT, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (leaf_hash(b""), "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    (leaf_hash(b"L123456"), "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"),
    (
        node_hash(b"N123", b"N456"),
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb",
    ),
]


def hashes(values: list[str]) -> list[bytes]:
    return [bytes.fromhex(value) for value in values]


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    return MemoryTree(leaf_hash(bytes.fromhex(leaf)) for leaf in LEAVES)


@pytest.mark.parametrize(("got", "want"), HASHER)
def test_hashes_domain_separate_leaves_and_nodes(got: bytes, want: str) -> None:
    assert got.hex() == want


def test_leaf_hashes(tree: MemoryTree) -> None:
    assert [leaf_hash(bytes.fromhex(leaf)).hex() for leaf in LEAVES] == NODES[0]


@pytest.mark.parametrize("size", range(len(ROOTS)))
def test_root_of_every_prefix(tree: MemoryTree, size: int) -> None:
    leaves = [leaf_hash(bytes.fromhex(leaf)) for leaf in LEAVES[:size]]
    assert root_hash(leaves).hex() == ROOTS[size]
    assert tree.root(size).hex() == ROOTS[size]


def test_every_perfect_subtree(tree: MemoryTree) -> None:
    for level, row in enumerate(NODES):
        assert [tree.node(level, index).hex() for index in range(len(row))] == row


def test_frontier_grows_through_every_root_and_reports_every_node() -> None:
    frontier = Frontier()
    stored: dict[tuple[int, int], str] = {}
    for size, leaf in enumerate(LEAVES, start=1):
        for node in frontier.append(leaf_hash(bytes.fromhex(leaf))):
            stored[(node.level, node.index)] = node.hash.hex()
        assert frontier.size == size
        assert frontier.root().hex() == ROOTS[size]
    assert stored == {
        (level, index): value for level, row in enumerate(NODES) for index, value in enumerate(row)
    }


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_path(tree: MemoryTree, index: int, size: int, path: list[str]) -> None:
    assert [node.hex() for node in tree.inclusion_path(index, size)] == path
    leaf = bytes.fromhex(NODES[0][index])
    verify_inclusion(index, size, leaf, hashes(path), bytes.fromhex(ROOTS[size]))


@pytest.mark.parametrize(("first", "second", "path"), CONSISTENCY)
def test_consistency_path(tree: MemoryTree, first: int, second: int, path: list[str]) -> None:
    assert [node.hex() for node in tree.consistency_path(first, second)] == path
    verify_consistency(
        first, second, bytes.fromhex(ROOTS[first]), bytes.fromhex(ROOTS[second]), hashes(path)
    )


@pytest.mark.parametrize(("first", "second", "root1", "root2", "path", "valid"), CONSISTENCY_EDGES)
def test_consistency_edge_cases(
    first: int, second: int, root1: str, root2: str, path: list[str], valid: bool
) -> None:
    def check() -> None:
        verify_consistency(first, second, bytes.fromhex(root1), bytes.fromhex(root2), hashes(path))

    if valid:
        check()
    else:
        with pytest.raises(ProofError):
            check()


@pytest.mark.parametrize(("index", "size", "leaf", "root", "valid"), INCLUSION_EDGES)
def test_inclusion_edge_cases(index: int, size: int, leaf: str, root: str, valid: bool) -> None:
    def check() -> None:
        verify_inclusion(index, size, bytes.fromhex(leaf), [], bytes.fromhex(root))

    if valid:
        check()
    else:
        with pytest.raises(ProofError):
            check()


def test_empty_tree() -> None:
    assert root_hash([]) == EMPTY_ROOT
    assert MemoryTree().root() == EMPTY_ROOT
    assert Frontier().root() == EMPTY_ROOT
    with pytest.raises(ValueError):
        MemoryTree().inclusion_path(0)
