"""Proof documents: their JSON round trip, and the checks an evaluator runs."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from alerts.timeline.domain.evidence import (
    ConsistencyProof,
    InclusionProof,
    check_consistency,
    check_inclusion,
    prove_consistency,
    prove_inclusion,
)
from alerts.timeline.domain.merkle import MemoryTree, ProofError, leaf_hash
from alerts.timeline.domain.tree_head import TreeHeadError, sign_tree_head
from tests.timeline.domain.sample_log import SampleLog, sample_log


@pytest.fixture(scope="module")
def log() -> SampleLog:
    return sample_log(40)


def through_json(document: dict[str, object]) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(json.dumps(document))
    return loaded


def inclusion(log: SampleLog, index: int, size: int) -> InclusionProof:
    return prove_inclusion(log.tree, index, size, log.leaves[index])


def test_every_leaf_is_proven_in_an_anchor(log: SampleLog) -> None:
    for size in (1, 13, 40):
        anchor = log.anchor(size)
        for index in range(size):
            proof = InclusionProof.from_json(through_json(inclusion(log, index, size).to_json()))
            check_inclusion(proof, anchor, log.key.public_key())


def test_inclusion_json_shape(log: SampleLog) -> None:
    document = inclusion(log, 7, 13).to_json()
    assert list(document) == ["leaf_index", "tree_size", "leaf", "leaf_hash", "audit_path"]
    assert document["leaf"] == log.leaves[7].decode()
    assert isinstance(document["audit_path"], list)
    assert len(document["audit_path"]) == 4


def test_a_proof_for_another_size_than_the_anchor_is_refused(log: SampleLog) -> None:
    with pytest.raises(ProofError, match="13 leaves, the anchor for 14"):
        check_inclusion(inclusion(log, 0, 13), log.anchor(14), log.key.public_key())


def test_a_proof_does_not_bind_the_size_but_the_signed_anchor_does(log: SampleLog) -> None:
    # Leaf 0's path has the same shape in trees of 9 and 10 leaves, so a proof
    # for 9 also folds to the root of 9 when called a proof for 10. What stops
    # that lie is the anchor: only the log's key can pair size 10 with that root.
    proof = replace(inclusion(log, 0, 9), tree_size=10)
    forged = sign_tree_head(replace(log.anchor(9).head, tree_size=10), Ed25519PrivateKey.generate())
    forged = replace(forged, key_id=log.anchor(9).key_id)
    with pytest.raises(TreeHeadError, match="signature does not match"):
        check_inclusion(proof, forged, log.key.public_key())


def test_an_altered_leaf_is_caught(log: SampleLog) -> None:
    document = inclusion(log, 5, 13).to_json()
    altered = {**document, "leaf": str(document["leaf"]).replace("R6", "R7")}
    with pytest.raises(ProofError, match="leaf_hash is not"):
        InclusionProof.from_json(altered)
    proof = replace(InclusionProof.from_json(document), leaf=log.leaves[6])
    with pytest.raises(ProofError, match="does not lead to the root"):
        check_inclusion(proof, log.anchor(13), log.key.public_key())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"leaf_index": "5"}, "leaf_index"),
        ({"audit_path": "ab"}, "audit_path"),
        ({"audit_path": ["zz"]}, r"audit_path\[0\] is not hex"),
        ({"leaf": None}, "leaf is missing"),
        ({"leaf": "\ud800"}, "leaf is not valid Unicode"),
    ],
)
def test_a_malformed_inclusion_proof_names_its_field(
    log: SampleLog, change: dict[str, object], field: str
) -> None:
    with pytest.raises(ProofError, match=field):
        InclusionProof.from_json({**inclusion(log, 5, 13).to_json(), **change})


def test_every_pair_of_anchors_is_consistent(log: SampleLog) -> None:
    key = log.key.public_key()
    for first in (1, 2, 13, 16, 40):
        for second in range(first, 41, 3):
            proof = prove_consistency(log.tree, first, second)
            proof = ConsistencyProof.from_json(through_json(proof.to_json()))
            check_consistency(proof, log.anchor(first), log.anchor(second), key)


def test_consistency_json_shape(log: SampleLog) -> None:
    document = prove_consistency(log.tree, 13, 40).to_json()
    assert list(document) == ["first", "second", "first_root", "second_root", "proof"]
    assert document["first_root"] == log.tree.root(13).hex()


def test_consistency_with_the_wrong_anchors_is_refused(log: SampleLog) -> None:
    key = log.key.public_key()
    proof = prove_consistency(log.tree, 13, 40)
    with pytest.raises(ProofError, match="first tree has 13 leaves, its anchor's 40"):
        check_consistency(proof, log.anchor(40), log.anchor(13), key)
    with pytest.raises(ProofError, match="second tree has 40 leaves, its anchor's 39"):
        check_consistency(proof, log.anchor(13), log.anchor(39), key)
    rewritten = replace(log.anchor(40).head, root_hash=log.tree.root(39))
    with pytest.raises(ProofError, match="second_root is not its anchor's root_hash"):
        check_consistency(proof, log.anchor(13), sign_tree_head(rewritten, log.key), key)


def test_a_history_rewritten_after_an_anchor_has_no_consistency_proof(log: SampleLog) -> None:
    # The log signs a tree of 13, then rewrites event 5 and grows to 40.
    leaves = list(log.leaves)
    leaves[5] = leaves[5].replace(b"R6", b"R6-edited")
    rewritten = SampleLog(log.key, leaves, MemoryTree(leaf_hash(leaf) for leaf in leaves))
    proof = prove_consistency(rewritten.tree, 13, 40)
    honest_old = log.anchor(13)
    forged = replace(proof, first_root=honest_old.head.root_hash)
    with pytest.raises(ProofError, match="does not rebuild the first root"):
        check_consistency(forged, honest_old, rewritten.anchor(40), log.key.public_key())
