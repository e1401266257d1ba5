"""What an SMS costs: GSM-7 or UCS-2, and how many segments.

A basic phone shows a concatenated SMS as one message, but every segment is
billed, paced by the carrier (about one a second on a long code) and can be
lost on its own. One accented letter outside GSM-7 switches the whole message
to UCS-2 and cuts a segment from 160 to 70 characters, so outgoing texts are
written in GSM-7 (see `to_gsm7`) and kept short (see `fit`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# GSM 03.38: the basic set costs one septet, the extension set two (escape + char).
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


def _pack(units: Iterable[int], per_segment: int) -> int:
    """Segments needed when no unit (escape pair, surrogate pair) may straddle two."""
    segments, used = 1, 0
    for size in units:
        if used + size > per_segment:
            segments, used = segments + 1, 0
        used += size
    return segments


def is_gsm7(body: str) -> bool:
    return all(ch in _GSM7_BASIC or ch in _GSM7_EXTENSION for ch in body)


def count_segments(body: str) -> int:
    """How many SMS Twilio bills for `body`: GSM-7 160/153 septets, else UCS-2 70/67.

    Concatenated messages lose room to the user data header, and a character
    is never split across two parts, so long bodies are packed honestly
    rather than divided.
    """
    if is_gsm7(body):
        septets = [2 if ch in _GSM7_EXTENSION else 1 for ch in body]
        return 1 if sum(septets) <= GSM7_SINGLE else _pack(septets, GSM7_PART)
    code_units = [2 if ord(ch) > 0xFFFF else 1 for ch in body]
    return 1 if sum(code_units) <= UCS2_SINGLE else _pack(code_units, UCS2_PART)


def to_gsm7(text: str) -> str:
    """The text in GSM-7: accents GSM-7 lacks dropped ("Bunïa" → "Bunia"), other
    characters outside it replaced by "?". Place names typed by informants
    carry all sorts; one of them must not double what a tasking costs."""
    kept = []
    for ch in text:
        if ch in _GSM7_BASIC or ch in _GSM7_EXTENSION:
            kept.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        kept.append(base if base and is_gsm7(base) else "?")
    return "".join(kept)


def fit(template: str, *, shrinkable: str, max_segments: int, **fields: str) -> str:
    """`template` filled in, in GSM-7, shortening the `shrinkable` field until it fits.

    The other fields (a reference, a verb to reply with) should survive whole:
    an order a unit cannot acknowledge is worse than a shorter place name. If
    even they cannot fit (a callsign as long as a sentence), the end is cut:
    an SMS that goes is better than an error that stops an escalation.
    """
    fields = {name: to_gsm7(value) for name, value in fields.items()}
    value = fields[shrinkable]
    body = template.format(**{**fields, shrinkable: value})
    while count_segments(body) > max_segments and value:
        value = value[:-1]
        body = template.format(**{**fields, shrinkable: value.rstrip() + "~"})
    while count_segments(body) > max_segments:
        body = body[:-2] + "~"
    return body
