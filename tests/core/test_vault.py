"""The vault during a key rotation: the new key writes, the old ones still read and find."""

from __future__ import annotations

import pytest

from alerts.core.vault import PhoneVault, VaultError, generate_key

NUMBER = "+243970003001"


def test_a_rotating_vault_reads_and_finds_what_the_old_key_stored() -> None:
    old_key, new_key = generate_key(), generate_key()
    old, rotating, new = PhoneVault(old_key), PhoneVault(new_key, [old_key]), PhoneVault(new_key)
    stored = old.encrypt(NUMBER)
    assert rotating.decrypt(stored) == NUMBER
    assert rotating.lookup_hashes(NUMBER) == (new.lookup_hash(NUMBER), old.lookup_hash(NUMBER))
    # New numbers go under the new key only, which alone names the vault.
    assert new.decrypt(rotating.encrypt(NUMBER)) == NUMBER
    assert rotating.key_id == new.key_id != old.key_id
    assert rotating.rotating and not new.rotating
    with pytest.raises(VaultError) as raised:
        new.decrypt(stored)
    assert NUMBER[1:] not in str(raised.value)


def test_a_short_previous_key_is_refused() -> None:
    with pytest.raises(ValueError, match="too short"):
        PhoneVault(generate_key(), ["short"])
