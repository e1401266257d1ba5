#!/usr/bin/env python3
"""Check the community-alerts timeline's proofs without trusting the log.

Needs Python 3.9+ and the `cryptography` package (for Ed25519), nothing else:
no code from the log. Give it the log's public key as published (base64 of the
32 raw Ed25519 key bytes) and the JSON documents the log handed out.

    # Is this event in the tree the anchor commits to?
    python3 audit_verify.py inclusion --key KEY --anchor anchor.json --proof inclusion.json

    # Does the later anchor's tree extend the earlier one's (nothing rewritten)?
    python3 audit_verify.py consistency --key KEY \\
        --earlier old_anchor.json --later new_anchor.json --proof consistency.json

Prints OK and exits 0 when every check holds; otherwise prints FAILED and the
check that failed, and exits 1.

What is checked, after RFC 9162 (Certificate Transparency 2.0), section 2.1:
  leaf hash = SHA-256(0x00 || leaf), node hash = SHA-256(0x01 || left || right);
  an anchor {tree_size, root_hash, timestamp, signature, key_id} is signed with
  Ed25519 over the RFC 8785 (JCS) JSON of its tree_size, root_hash and
  timestamp; key_id is the hex SHA-256 of the 32 raw public key bytes.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import hmac
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MAX_JSON_INTEGER = 2**53 - 1


class Failed(Exception):
    """One check failed; the message says which."""


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index: int, size: int, leaf: bytes, path: list, root: bytes) -> None:
    """RFC 9162 section 2.1.3.2."""
    if not 0 <= index < size:
        raise Failed(f"leaf index {index} is not in a tree of {size} leaves")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise Failed("audit path is longer than the tree needs")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise Failed("audit path is shorter than the tree needs")
    if not hmac.compare_digest(r, root):
        raise Failed("audit path does not lead to the anchor's root_hash")


def verify_consistency(first: int, second: int, root1: bytes, root2: bytes, path: list) -> None:
    """RFC 9162 section 2.1.4.2."""
    if not 0 < first <= second:
        raise Failed(f"no consistency proof can go from {first} to {second} leaves")
    if first == second:
        if path or not hmac.compare_digest(root1, root2):
            raise Failed("anchors of the same size differ, or the proof is not empty")
        return
    if not path:
        raise Failed("consistency proof is empty")
    path = list(path)
    if first & (first - 1) == 0:
        path.insert(0, root1)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Failed("consistency proof is longer than the trees need")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise Failed("consistency proof is shorter than the trees need")
    if not hmac.compare_digest(fr, root1):
        raise Failed("consistency proof does not rebuild the earlier anchor's root_hash")
    if not hmac.compare_digest(sr, root2):
        raise Failed("consistency proof does not rebuild the later anchor's root_hash")


def load_json(path: str, what: str) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            doc = json.load(handle)
    except (OSError, ValueError) as error:
        raise Failed(f"cannot read {what} {path}: {error}") from None
    if not isinstance(doc, dict):
        raise Failed(f"{what} {path} is not a JSON object")
    return doc


def field(doc: dict, name: str, kind: type, what: str):
    value = doc.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise Failed(f"{what}: {name} is missing or not a {kind.__name__}")
    return value


def size_field(doc: dict, name: str, what: str) -> int:
    value = field(doc, name, int, what)
    if not 0 <= value <= MAX_JSON_INTEGER:
        raise Failed(f"{what}: {name} {value} is out of range")
    return value


def hash_value(text: object, what: str) -> bytes:
    if not isinstance(text, str) or len(text) != 64:
        raise Failed(f"{what} is not 64 hex digits")
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise Failed(f"{what} is not 64 hex digits") from None


def hash_list(doc: dict, name: str, what: str) -> list:
    values = field(doc, name, list, what)
    return [hash_value(v, f"{what}: {name}[{i}]") for i, v in enumerate(values)]


def load_key(text: str) -> tuple[Ed25519PublicKey, str]:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Failed("public key is not base64") from None
    if len(raw) != 32:
        raise Failed(f"public key is {len(raw)} bytes, not 32")
    return Ed25519PublicKey.from_public_bytes(raw), hashlib.sha256(raw).hexdigest()


def check_anchor(path: str, key: Ed25519PublicKey, key_id: str, what: str) -> tuple:
    """Check an anchor's signature; return its tree size, root hash and timestamp."""
    anchor = load_json(path, what)
    size = size_field(anchor, "tree_size", what)
    root_hex = field(anchor, "root_hash", str, what)
    root = hash_value(root_hex, f"{what}: root_hash")
    if root_hex != root.hex():
        raise Failed(f"{what}: root_hash is not lowercase hex")
    timestamp = field(anchor, "timestamp", str, what)
    if field(anchor, "key_id", str, what) != key_id:
        raise Failed(f"{what} was signed by key {anchor['key_id']}, not by this log's {key_id}")
    try:
        signature = base64.b64decode(field(anchor, "signature", str, what), validate=True)
    except (binascii.Error, ValueError):
        raise Failed(f"{what}: signature is not base64") from None
    # RFC 8785 form of the three signed fields. For an integer within 2**53 and
    # two strings, with ASCII keys, Python's sorted compact JSON is exactly
    # JCS: same key order, same string escapes, same integer spelling.
    signed = json.dumps(
        {"tree_size": size, "root_hash": root_hex, "timestamp": timestamp},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    try:
        key.verify(signature, signed)
    except InvalidSignature:
        raise Failed(f"{what}: signature does not verify under the log's key") from None
    return size, root, timestamp


def inclusion(args: argparse.Namespace) -> str:
    """One inclusion proof, or an incident's bundle of them (`prove --incident`)."""
    key, key_id = load_key(args.key)
    size, root, timestamp = check_anchor(args.anchor, key, key_id, "anchor")
    document = load_json(args.proof, "inclusion proof")
    proofs = [document]
    if "proofs" in document:
        if size_field(document, "tree_size", "proof bundle") != size:
            raise Failed(
                f"proof bundle is for tree_size {document['tree_size']}, the anchor {size}"
            )
        if hash_value(document.get("root_hash"), "proof bundle: root_hash") != root:
            raise Failed("proof bundle: root_hash is not the anchor's")
        proofs = field(document, "proofs", list, "proof bundle")
    indexes = [check_inclusion(proof, size, root) for proof in proofs]
    which = f"leaf {indexes[0]} is" if len(indexes) == 1 else f"leaves {indexes} are"
    return f"OK: {which} in the tree of {size} leaves signed at {timestamp} by key {key_id}"


def check_inclusion(proof: dict, size: int, root: bytes) -> int:
    what = "inclusion proof"
    if not isinstance(proof, dict):
        raise Failed("inclusion proof is not a JSON object")
    index = size_field(proof, "leaf_index", what)
    if size_field(proof, "tree_size", what) != size:
        raise Failed(f"inclusion proof is for tree_size {proof['tree_size']}, the anchor {size}")
    try:
        leaf = field(proof, "leaf", str, what).encode("utf-8")
        json.loads(leaf)
    except (UnicodeEncodeError, ValueError):
        raise Failed("inclusion proof: leaf is not JSON text") from None
    if hash_value(proof.get("leaf_hash"), f"{what}: leaf_hash") != leaf_hash(leaf):
        raise Failed("inclusion proof: leaf_hash is not SHA-256(0x00 || leaf)")
    verify_inclusion(index, size, leaf_hash(leaf), hash_list(proof, "audit_path", what), root)
    return index


def consistency(args: argparse.Namespace) -> str:
    key, key_id = load_key(args.key)
    first, root1, _ = check_anchor(args.earlier, key, key_id, "earlier anchor")
    second, root2, _ = check_anchor(args.later, key, key_id, "later anchor")
    proof = load_json(args.proof, "consistency proof")
    what = "consistency proof"
    for name, size, root, anchor in (
        ("first", first, root1, "earlier"),
        ("second", second, root2, "later"),
    ):
        if size_field(proof, name, what) != size:
            raise Failed(f"consistency proof: {name} is not the {anchor} anchor's tree_size")
        if hash_value(proof.get(f"{name}_root"), f"{what}: {name}_root") != root:
            raise Failed(f"consistency proof: {name}_root is not the {anchor} anchor's root_hash")
    verify_consistency(first, second, root1, root2, hash_list(proof, "proof", what))
    return f"OK: the tree of {second} leaves extends the tree of {first}, both signed by {key_id}"


def main(argv: list | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("inclusion", help="an event is in a signed tree")
    one.add_argument("--key", required=True, help="the log's public key, base64 of 32 bytes")
    one.add_argument("--anchor", required=True, help="signed tree head JSON")
    one.add_argument("--proof", required=True, help="inclusion proof JSON")
    one.set_defaults(run=inclusion)
    two = commands.add_parser("consistency", help="a later signed tree extends an earlier one")
    two.add_argument("--key", required=True, help="the log's public key, base64 of 32 bytes")
    two.add_argument("--earlier", required=True, help="the earlier signed tree head JSON")
    two.add_argument("--later", required=True, help="the later signed tree head JSON")
    two.add_argument("--proof", required=True, help="consistency proof JSON")
    two.set_defaults(run=consistency)
    args = parser.parse_args(argv)
    try:
        print(args.run(args))
    except Failed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
