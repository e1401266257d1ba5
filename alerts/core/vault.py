"""Encryption and keyed hashing of phone numbers.

Numbers are encrypted with Fernet (AES-128-CBC + HMAC) so a stolen database
reveals nobody. A keyed hash (HMAC-SHA256) lets an arriving number be matched
to its sender without decrypting the table, and without the hash being a
lookup table an attacker can rebuild from the small space of phone numbers.
Both keys are derived from ALERTS_DATA_KEY with HKDF, one per purpose.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PSEUDONYM_PREFIX = {
    "focal_point": "FP",
    "cla": "CLA",
    "unit": "UNIT",
    "base": "BASE",
    "contact": "CT",
    "unregistered": "UNREG",
}
# Crockford base32: no I, L, O, U, so pseudonyms read well aloud.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class VaultError(Exception):
    """A number cannot be decrypted: the data key is wrong or the value corrupt."""


def generate_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"community-alerts", info=purpose
    ).derive(secret.encode("utf-8"))


class PhoneVault:
    def __init__(self, data_key: str) -> None:
        if len(data_key) < 16:
            raise ValueError("ALERTS_DATA_KEY is too short: use `alerts keys generate`")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(data_key, b"phone-encryption")))
        self._hash_key = _derive(data_key, b"phone-lookup")

    def encrypt(self, number: str) -> bytes:
        return self._fernet.encrypt(number.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            raise VaultError(
                "cannot decrypt a stored number: is ALERTS_DATA_KEY the key it was stored with?"
            ) from None

    def lookup_hash(self, number: str) -> str:
        return hmac.new(self._hash_key, number.encode("utf-8"), hashlib.sha256).hexdigest()

    def pseudonym(self, role: str, number_hash: str, attempt: int = 0, length: int = 10) -> str:
        """A stable, unguessable name like FP-7K3Q9M2XWA, derived from the keyed hash.

        50 bits keep collisions negligible for any realistic network; `attempt`
        picks other bits of the hash should one ever occur.
        """
        offset = (attempt * 13) % 40
        value = int(number_hash[offset : offset + 16], 16)
        chars = []
        for _ in range(length):
            value, digit = divmod(value, 32)
            chars.append(_CROCKFORD[digit])
        return f"{PSEUDONYM_PREFIX.get(role, 'X')}-{''.join(chars)}"
