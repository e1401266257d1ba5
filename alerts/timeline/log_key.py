"""The log's Ed25519 signing key, from `ALERTS_LOG_KEY`: base64 of its 32-byte seed."""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat


class LogKeyError(ValueError):
    """The log key is missing or malformed; the message says how to make one."""


def generate_log_key() -> str:
    seed = Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )
    return base64.b64encode(seed).decode("ascii")


def load_log_key(text: str | None) -> Ed25519PrivateKey:
    if not text:
        raise LogKeyError(
            "ALERTS_LOG_KEY is not set. Generate one with `alerts keys generate --log` and keep "
            "it safe: it signs the tree heads evaluators check."
        )
    try:
        seed = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise LogKeyError("ALERTS_LOG_KEY is not base64 (`alerts keys generate --log`)") from None
    if len(seed) != 32:
        raise LogKeyError(
            f"ALERTS_LOG_KEY holds {len(seed)} bytes, not the 32 of an Ed25519 seed "
            "(`alerts keys generate --log`)"
        )
    return Ed25519PrivateKey.from_private_bytes(seed)
