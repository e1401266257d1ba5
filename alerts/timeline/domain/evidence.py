"""The proofs handed to an evaluator, and the checks the evaluator runs on them.

An inclusion proof shows that one event, as canonical JSON, is leaf i of the
tree a signed tree head (an *anchor*) commits to; a consistency proof shows
that a later anchor's tree extends an earlier one's. The JSON shapes are those
`docs/audit_verify.py` reads, and `check_inclusion` / `check_consistency`
decide as that script does, so the log can check what it hands out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from alerts.timeline.domain.merkle import (
    NodeSource,
    ProofError,
    consistency_path,
    inclusion_path,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from alerts.timeline.domain.tree_head import SignedTreeHead, verify_tree_head

T = TypeVar("T")


@dataclass(frozen=True)
class InclusionProof:
    """Leaf `leaf_index` of the tree of `tree_size` leaves is `leaf` (RFC 9162 2.1.3)."""

    leaf_index: int
    tree_size: int
    leaf: bytes
    audit_path: tuple[bytes, ...]

    @property
    def leaf_hash(self) -> bytes:
        return leaf_hash(self.leaf)

    def to_json(self) -> dict[str, object]:
        return {
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "leaf": self.leaf.decode("utf-8"),
            "leaf_hash": self.leaf_hash.hex(),
            "audit_path": [node.hex() for node in self.audit_path],
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, object]) -> InclusionProof:
        """Raises ProofError naming a missing or malformed field, or a
        leaf_hash that is not the hash of the leaf."""
        try:
            leaf = _get(doc, "leaf", str).encode("utf-8")
        except UnicodeEncodeError:
            raise ProofError("proof field leaf is not valid Unicode text") from None
        proof = cls(
            leaf_index=_get(doc, "leaf_index", int),
            tree_size=_get(doc, "tree_size", int),
            leaf=leaf,
            audit_path=_hashes(doc, "audit_path"),
        )
        if _hex(_get(doc, "leaf_hash", str), "leaf_hash") != proof.leaf_hash:
            raise ProofError("leaf_hash is not SHA-256(0x00 || leaf)")
        return proof


@dataclass(frozen=True)
class ConsistencyProof:
    """The tree of `second` leaves extends the tree of `first` (RFC 9162 2.1.4)."""

    first: int
    second: int
    first_root: bytes
    second_root: bytes
    proof: tuple[bytes, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "first": self.first,
            "second": self.second,
            "first_root": self.first_root.hex(),
            "second_root": self.second_root.hex(),
            "proof": [node.hex() for node in self.proof],
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, object]) -> ConsistencyProof:
        """Raises ProofError naming a missing or malformed field."""
        return cls(
            first=_get(doc, "first", int),
            second=_get(doc, "second", int),
            first_root=_hex(_get(doc, "first_root", str), "first_root"),
            second_root=_hex(_get(doc, "second_root", str), "second_root"),
            proof=_hashes(doc, "proof"),
        )


def prove_inclusion(
    source: NodeSource, leaf_index: int, tree_size: int, leaf: bytes
) -> InclusionProof:
    return InclusionProof(
        leaf_index, tree_size, leaf, tuple(inclusion_path(source, leaf_index, tree_size))
    )


def prove_consistency(source: NodeSource, first: int, second: int) -> ConsistencyProof:
    return ConsistencyProof(
        first,
        second,
        tree_root(source, first),
        tree_root(source, second),
        tuple(consistency_path(source, first, second)),
    )


def check_inclusion(
    proof: InclusionProof, anchor: SignedTreeHead, public_key: Ed25519PublicKey
) -> None:
    """The anchor is the log's, and the proof leads from the leaf to its root.

    Raises:
        TreeHeadError: the anchor's key or signature fails.
        ProofError: the proof does not fit the anchor or does not verify.
    """
    verify_tree_head(anchor, public_key)
    if proof.tree_size != anchor.head.tree_size:
        raise ProofError(
            f"proof is for a tree of {proof.tree_size} leaves, "
            f"the anchor for {anchor.head.tree_size}"
        )
    verify_inclusion(
        proof.leaf_index, proof.tree_size, proof.leaf_hash, proof.audit_path, anchor.head.root_hash
    )


def check_consistency(
    proof: ConsistencyProof,
    earlier: SignedTreeHead,
    later: SignedTreeHead,
    public_key: Ed25519PublicKey,
) -> None:
    """Both anchors are the log's, and the later tree extends the earlier.

    Raises:
        TreeHeadError: an anchor's key or signature fails.
        ProofError: the proof does not join the two anchors.
    """
    verify_tree_head(earlier, public_key)
    verify_tree_head(later, public_key)
    _check_end("first", proof.first, proof.first_root, earlier)
    _check_end("second", proof.second, proof.second_root, later)
    verify_consistency(proof.first, proof.second, proof.first_root, proof.second_root, proof.proof)


def _check_end(name: str, size: int, root: bytes, anchor: SignedTreeHead) -> None:
    if size != anchor.head.tree_size:
        raise ProofError(
            f"proof's {name} tree has {size} leaves, its anchor's {anchor.head.tree_size}"
        )
    if root != anchor.head.root_hash:
        raise ProofError(f"proof's {name}_root is not its anchor's root_hash")


def _get(doc: Mapping[str, object], name: str, kind: type[T]) -> T:
    value = doc.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ProofError(f"proof field {name} is missing or not a {kind.__name__}")
    return value


def _hex(text: str, name: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise ProofError(f"proof field {name} is not hex") from None


def _hashes(doc: Mapping[str, object], name: str) -> tuple[bytes, ...]:
    values = _get(doc, name, list)
    if not all(isinstance(value, str) for value in values):
        raise ProofError(f"proof field {name} is not a list of hex strings")
    return tuple(_hex(value, f"{name}[{i}]") for i, value in enumerate(values))
