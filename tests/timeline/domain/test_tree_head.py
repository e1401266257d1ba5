"""Signed tree heads: what is signed, and every way a forged or altered head fails."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from alerts.timeline.domain.tree_head import (
    SignedTreeHead,
    TreeHead,
    TreeHeadError,
    key_id,
    load_public_key,
    public_key_base64,
    sign_tree_head,
    verify_tree_head,
)

# RFC 8032 section 7.1, TEST 1: an Ed25519 key pair and its signature of the
# empty message, to show the library signs as the RFC does.
RFC8032_SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
RFC8032_PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
RFC8032_EMPTY_SIGNATURE = (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555"
    "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)

# The eight-leaf tree of the RFC 6962 test vectors (test_merkle.py), signed by
# the RFC 8032 key. Ed25519 is deterministic, so this anchor is a fixed vector
# for verifiers written in other languages.
ANCHOR = {
    "tree_size": 8,
    "root_hash": "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    "timestamp": "2026-03-01T04:00:00.000000Z",
    "signature": "jiVs6XAzyj+GCrB4VKFWXFUsDDnWfprQp5pT2fuzJeGFhNLszx9D"
    "qIuXGMTMvejws00hr2FiVynxeyJ1DkxIAQ==",
    "key_id": "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9",
}


PUBLIC_KEY_BASE64 = base64.b64encode(bytes.fromhex(RFC8032_PUBLIC)).decode()


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(RFC8032_SECRET))


@pytest.fixture
def signed(key: Ed25519PrivateKey) -> SignedTreeHead:
    head = TreeHead(
        tree_size=8,
        root_hash=bytes.fromhex(str(ANCHOR["root_hash"])),
        timestamp=datetime(2026, 3, 1, 4, 0, tzinfo=UTC),
    )
    return sign_tree_head(head, key)


def test_the_key_signs_as_rfc_8032_says(key: Ed25519PrivateKey) -> None:
    assert key.sign(b"").hex() == RFC8032_EMPTY_SIGNATURE
    assert base64.b64decode(public_key_base64(key.public_key())).hex() == RFC8032_PUBLIC


def test_key_id_is_the_sha256_of_the_raw_public_key(key: Ed25519PrivateKey) -> None:
    assert key_id(key.public_key()) == hashlib.sha256(bytes.fromhex(RFC8032_PUBLIC)).hexdigest()
    assert key_id(key.public_key()) == ANCHOR["key_id"]


def test_signature_covers_the_canonical_three_fields(signed: SignedTreeHead) -> None:
    assert signed.head.signed_bytes() == (
        b'{"root_hash":"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",'
        b'"timestamp":"2026-03-01T04:00:00.000000Z","tree_size":8}'
    )
    load_public_key(PUBLIC_KEY_BASE64).verify(signed.signature, signed.head.signed_bytes())


def test_anchor_known_answer(signed: SignedTreeHead) -> None:
    assert signed.to_json() == ANCHOR
    assert SignedTreeHead.from_json(ANCHOR) == signed
    verify_tree_head(SignedTreeHead.from_json(ANCHOR), load_public_key(PUBLIC_KEY_BASE64))


@pytest.mark.parametrize(
    ("change", "what"),
    [
        ({"tree_size": 9}, "size 9"),
        ({"root_hash": bytes(32)}, "root 0000"),
        ({"timestamp": datetime(2026, 3, 1, 4, 0, 0, 1, tzinfo=UTC)}, "size 8"),
    ],
)
def test_an_altered_head_fails(
    signed: SignedTreeHead, key: Ed25519PrivateKey, change: dict[str, object], what: str
) -> None:
    altered = replace(signed, head=replace(signed.head, **change))  # type: ignore[arg-type]
    with pytest.raises(TreeHeadError, match=f"signature does not match tree head.*{what}"):
        verify_tree_head(altered, key.public_key())


def test_the_same_instant_in_another_zone_still_verifies(
    signed: SignedTreeHead, key: Ed25519PrivateKey
) -> None:
    # The signed text is UTC; an aware time in any zone spells the same.
    moved = signed.head.timestamp.astimezone(timezone(timedelta(hours=2)))
    verify_tree_head(replace(signed, head=replace(signed.head, timestamp=moved)), key.public_key())


def test_another_key_fails_by_its_key_id(signed: SignedTreeHead) -> None:
    stranger = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(TreeHeadError, match=f"names key {ANCHOR['key_id']}.*{key_id(stranger)}"):
        verify_tree_head(signed, stranger)


def test_a_head_signed_by_another_key_under_the_logs_key_id_fails(
    signed: SignedTreeHead, key: Ed25519PrivateKey
) -> None:
    forger = Ed25519PrivateKey.generate()
    forged = replace(signed, signature=forger.sign(signed.head.signed_bytes()))
    with pytest.raises(TreeHeadError, match="signature does not match"):
        verify_tree_head(forged, key.public_key())


@pytest.mark.parametrize("byte", [0, 31, 32, 63])
def test_a_flipped_signature_bit_fails(
    signed: SignedTreeHead, key: Ed25519PrivateKey, byte: int
) -> None:
    signature = bytearray(signed.signature)
    signature[byte] ^= 0x01
    with pytest.raises(TreeHeadError, match="signature does not match"):
        verify_tree_head(replace(signed, signature=bytes(signature)), key.public_key())


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tree_size": None}, "tree_size is missing"),
        ({"tree_size": True}, "tree_size is missing or not a int"),
        ({"tree_size": "8"}, "tree_size"),
        ({"tree_size": -1}, "tree_size -1"),
        ({"tree_size": 2**53}, "tree_size"),
        ({"root_hash": str(ANCHOR["root_hash"]).upper()}, "root_hash is not 64 lowercase"),
        ({"root_hash": "00" * 31}, "root_hash is not 64"),
        ({"timestamp": "2026-03-01T04:00:00Z"}, "timestamp"),
        ({"signature": "not base64!"}, "signature is not base64"),
        ({"signature": base64.b64encode(bytes(63)).decode()}, "signature is 63 bytes"),
        ({"key_id": "ab"}, "key_id"),
    ],
)
def test_a_malformed_anchor_names_its_field(change: dict[str, object], field: str) -> None:
    anchor = {**ANCHOR, **change}
    anchor = {name: value for name, value in anchor.items() if value is not None}
    with pytest.raises(TreeHeadError, match=field):
        SignedTreeHead.from_json(anchor)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("not base64!", "not base64"), (base64.b64encode(bytes(31)).decode(), "31 bytes")],
)
def test_a_malformed_public_key_is_refused(text: str, reason: str) -> None:
    with pytest.raises(TreeHeadError, match=reason):
        load_public_key(text)


def test_a_naive_timestamp_is_refused() -> None:
    with pytest.raises(TreeHeadError, match="timezone"):
        TreeHead(1, bytes(32), datetime(2026, 3, 1))
