"""Short references people can read aloud and type on a keypad phone.

No vowels that could spell words, and none of 0/O, 1/I/L, 5/S, 8/B, 2/Z that
get confused when copied by hand or over a radio.
"""

from __future__ import annotations

import secrets

REF_ALPHABET = "CDFGHJKMNPQRTVWXY34679"
REF_LENGTH = 5


def new_ref(length: int = REF_LENGTH) -> str:
    return "".join(secrets.choice(REF_ALPHABET) for _ in range(length))


def normalise_ref(raw: str) -> str:
    return raw.strip().upper()
