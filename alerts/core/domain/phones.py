"""Phone numbers as they arrive from carriers and operators.

Carriers deliver E.164 most of the time, but short codes, alphanumeric sender
ids and national formats happen. Those are kept as they came, never rejected:
an alert from an odd number is still an alert.
"""

from __future__ import annotations

import phonenumbers

# Where the mission works, so a national number typed into a file can be read.
DEFAULT_REGION = "CD"


class InvalidPhoneNumber(ValueError):
    """Raised for operator-supplied numbers only; the message never repeats the number."""


def normalise(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 when the number can be read as one, else the trimmed original."""
    candidate = (raw or "").strip()
    try:
        parsed = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return candidate
    if not phonenumbers.is_possible_number(parsed):
        return candidate
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def require_e164(raw: str, region: str = DEFAULT_REGION) -> str:
    """For numbers an operator registers: they must be real, dialable numbers."""
    try:
        parsed = phonenumbers.parse((raw or "").strip(), region)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneNumber("not a phone number") from None
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidPhoneNumber("not a possible phone number (wrong length?)")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
