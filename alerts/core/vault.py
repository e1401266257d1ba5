"""Encryption and keyed hashing of phone numbers.

Numbers are encrypted with Fernet (AES-128-CBC + HMAC) so a stolen database
reveals nobody. A keyed hash (HMAC-SHA256) lets an arriving number be matched
to its sender without decrypting the table, and without the hash being a
lookup table an attacker can rebuild from the small space of phone numbers.
Both keys are derived from ALERTS_DATA_KEY with HKDF, one per purpose.

Rotation (`alerts keys rotate`): the new key encrypts and hashes, while the keys it
replaces (ALERTS_DATA_KEY_PREVIOUS) still decrypt (MultiFernet, new key first) and
still find a sender by the hash it was stored under, until every row is re-keyed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
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


def _fernet(data_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(data_key, b"phone-encryption")))


class PhoneVault:
    def __init__(self, data_key: str, previous_keys: Sequence[str] = ()) -> None:
        for key in (data_key, *previous_keys):
            if len(key) < 16:
                raise ValueError(
                    "ALERTS_DATA_KEY (or one of ALERTS_DATA_KEY_PREVIOUS) is too short: "
                    "use `alerts keys generate`"
                )
        self._current = _fernet(data_key)
        # New key first: it encrypts; each key after it only decrypts what it once stored.
        self._fernet = MultiFernet([self._current, *(_fernet(key) for key in previous_keys)])
        self._hash_key = _derive(data_key, b"phone-lookup")
        self._previous_hash_keys = tuple(_derive(key, b"phone-lookup") for key in previous_keys)
        # Names the key a row is stored under without revealing anything about it.
        self.key_id = hmac.new(self._hash_key, b"key-id", hashlib.sha256).hexdigest()[:16]

    @property
    def rotating(self) -> bool:
        """Previous keys are configured: rows may still be stored under one of them."""
        return bool(self._previous_hash_keys)

    def encrypt(self, number: str) -> bytes:
        return self._current.encrypt(number.encode("utf-8"))

    def decrypt(self, token: bytes) -> str:
        try:
            return self._fernet.decrypt(token).decode("utf-8")
        except InvalidToken:
            raise VaultError(
                "cannot decrypt a stored number: is ALERTS_DATA_KEY the key it was stored with?"
            ) from None

    def lookup_hash(self, number: str) -> str:
        return hmac.new(self._hash_key, number.encode("utf-8"), hashlib.sha256).hexdigest()

    def lookup_hashes(self, number: str) -> tuple[str, ...]:
        """Every hash `number` may be stored under: the current key's first, then the
        previous keys', so a sender is recognised while a rotation is under way."""
        data = number.encode("utf-8")
        return (
            self.lookup_hash(number),
            *(hmac.new(key, data, hashlib.sha256).hexdigest() for key in self._previous_hash_keys),
        )

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
