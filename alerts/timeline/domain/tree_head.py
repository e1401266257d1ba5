"""Signed tree heads: the log's commitment to its first n events.

Each sealed batch ends in a tree head {tree_size, root_hash, timestamp} signed
with the log's Ed25519 key, the role RFC 9162 section 4.10 gives the signed
tree head. Anyone who holds two heads and the public key can demand proofs that
a given event is in a tree (inclusion) and that the later tree extends the
earlier (consistency); a log that rewrites history must sign two heads that no
consistency proof joins.

The signature covers the RFC 8785 form of exactly the three fields (see
`canonical.tree_head_json`), so a verifier needs no part of this code. The
key is named by key_id, the lowercase hex SHA-256 of its 32 raw bytes, as
RFC 6962 section 3.2 names a log by the SHA-256 of its key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from alerts.timeline.domain.canonical import parse_utc_timestamp, tree_head_json, utc_timestamp
from alerts.timeline.domain.merkle import HASH_SIZE

MAX_TREE_SIZE = 2**53 - 1
"""The largest integer an RFC 8785 JSON number holds exactly."""

_SIGNATURE_SIZE = 64
_PUBLIC_KEY_SIZE = 32

T = TypeVar("T")


class TreeHeadError(ValueError):
    """A tree head is malformed or its signature does not hold; the message says which."""


@dataclass(frozen=True)
class TreeHead:
    """What the log commits to: the root of its first tree_size leaves, at a time."""

    tree_size: int
    root_hash: bytes
    timestamp: datetime

    def __post_init__(self) -> None:
        if isinstance(self.tree_size, bool) or not 0 <= self.tree_size <= MAX_TREE_SIZE:
            raise TreeHeadError(f"tree_size {self.tree_size!r} is not in 0..2**53-1")
        if len(self.root_hash) != HASH_SIZE:
            raise TreeHeadError(f"root_hash is {len(self.root_hash)} bytes, not {HASH_SIZE}")
        if self.timestamp.tzinfo is None:
            raise TreeHeadError("timestamp is not timezone-aware")

    def signed_bytes(self) -> bytes:
        """The bytes the signature covers."""
        return tree_head_json(self.tree_size, self.root_hash, self.timestamp)


@dataclass(frozen=True)
class SignedTreeHead:
    """A tree head, its Ed25519 signature and the key_id of the key that made it."""

    head: TreeHead
    signature: bytes
    key_id: str

    def to_json(self) -> dict[str, str | int]:
        """The anchor an evaluator keeps, as a JSON object."""
        return {
            "tree_size": self.head.tree_size,
            "root_hash": self.head.root_hash.hex(),
            "timestamp": utc_timestamp(self.head.timestamp),
            "signature": base64.b64encode(self.signature).decode("ascii"),
            "key_id": self.key_id,
        }

    @classmethod
    def from_json(cls, anchor: Mapping[str, object]) -> SignedTreeHead:
        """Read an anchor written by `to_json`.

        Raises:
            TreeHeadError: naming the field that is missing or malformed.
        """
        size = _field(anchor, "tree_size", int)
        root = _hex_field(anchor, "root_hash", HASH_SIZE)
        try:
            moment = parse_utc_timestamp(_field(anchor, "timestamp", str))
        except ValueError as error:
            raise TreeHeadError(f"anchor timestamp: {error}") from None
        signature = _base64_field(anchor, "signature", _SIGNATURE_SIZE)
        key = _field(anchor, "key_id", str)
        if len(key) != 2 * HASH_SIZE or key != key.lower() or not _is_hex(key):
            raise TreeHeadError("anchor key_id is not 64 lowercase hex digits")
        return cls(TreeHead(size, root, moment), signature, key)


def key_id(public_key: Ed25519PublicKey) -> str:
    """Lowercase hex SHA-256 of the key's 32 raw bytes."""
    return hashlib.sha256(public_key_bytes(public_key)).hexdigest()


def public_key_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_base64(public_key: Ed25519PublicKey) -> str:
    """The form in which the log publishes its key to evaluators."""
    return base64.b64encode(public_key_bytes(public_key)).decode("ascii")


def load_public_key(text: str) -> Ed25519PublicKey:
    """Read a public key published as base64 of its 32 raw bytes.

    Raises:
        TreeHeadError: if it is not that.
    """
    raw = _decode_base64(text, "public key")
    if len(raw) != _PUBLIC_KEY_SIZE:
        raise TreeHeadError(f"public key is {len(raw)} bytes, not {_PUBLIC_KEY_SIZE}")
    return Ed25519PublicKey.from_public_bytes(raw)


def sign_tree_head(head: TreeHead, private_key: Ed25519PrivateKey) -> SignedTreeHead:
    signature = private_key.sign(head.signed_bytes())
    return SignedTreeHead(head, signature, key_id(private_key.public_key()))


def verify_tree_head(signed: SignedTreeHead, public_key: Ed25519PublicKey) -> None:
    """Check that the log's key signed exactly this head.

    Raises:
        TreeHeadError: naming the key or the signature as what failed.
    """
    expected = key_id(public_key)
    if signed.key_id != expected:
        raise TreeHeadError(f"tree head names key {signed.key_id}, but the log's key is {expected}")
    try:
        public_key.verify(signed.signature, signed.head.signed_bytes())
    except InvalidSignature:
        raise TreeHeadError(
            f"signature does not match tree head (size {signed.head.tree_size}, "
            f"root {signed.head.root_hash.hex()}) under key {expected}"
        ) from None


def _field(anchor: Mapping[str, object], name: str, kind: type[T]) -> T:
    value = anchor.get(name)
    # bool is an int to Python but not a number to JSON.
    if not isinstance(value, kind) or isinstance(value, bool):
        raise TreeHeadError(f"anchor {name} is missing or not a {kind.__name__}")
    return value


def _hex_field(anchor: Mapping[str, object], name: str, size: int) -> bytes:
    text = _field(anchor, name, str)
    if len(text) != 2 * size or text != text.lower() or not _is_hex(text):
        raise TreeHeadError(f"anchor {name} is not {2 * size} lowercase hex digits")
    return bytes.fromhex(text)


def _base64_field(anchor: Mapping[str, object], name: str, size: int) -> bytes:
    raw = _decode_base64(_field(anchor, name, str), f"anchor {name}")
    if len(raw) != size:
        raise TreeHeadError(f"anchor {name} is {len(raw)} bytes, not {size}")
    return raw


def _decode_base64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise TreeHeadError(f"{what} is not base64") from None


def _is_hex(text: str) -> bool:
    return all(c in "0123456789abcdef" for c in text)
