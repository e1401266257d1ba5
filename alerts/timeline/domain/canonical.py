"""Canonical bytes for what the transparency log hashes and signs: RFC 8785 (JCS).

A leaf is an event's JSON in the JSON Canonicalization Scheme, so an evaluator
in any language with a JCS library recomputes the same bytes from the same
event; a tree head is signed over its three fields in the same form. The
canonicalisation itself is Trail of Bits' `rfc8785`, tested against the RFC's
vectors: number formatting (ECMAScript's Number.prototype.toString) and key
order by UTF-16 code units are easy to get subtly wrong by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TypeAlias

import rfc8785

JsonValue: TypeAlias = (
    "bool | int | float | str | Sequence[JsonValue] | Mapping[str, JsonValue] | None"
)

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
"""ISO 8601 in UTC with microseconds and 'Z': one spelling per instant."""


class CanonicalError(ValueError):
    """A value has no RFC 8785 form. The message names why, never the value:
    event data may hold a reporter's details."""


# The library's messages quote the offending value; these say what is wrong.
_REASONS: dict[type[Exception], str] = {
    rfc8785.IntegerDomainError: "an integer is outside ±(2**53 - 1), which JSON numbers "
    "cannot hold exactly (RFC 8785 3.2.2.3); send it as a string",
    rfc8785.FloatDomainError: "a number is NaN or infinite, which JSON cannot express",
}


def canonical_json(value: JsonValue) -> bytes:
    """The RFC 8785 serialisation of a JSON value, as UTF-8 bytes.

    Takes what `json.loads` returns (dict, list, str, int, float, bool, None),
    and tuples.

    Raises:
        CanonicalError: for NaN, infinities, integers beyond 2**53 - 1, lone
            surrogates, non-string keys and types JSON lacks.
    """
    if _spelled_alike(value):
        # Measured: the library takes ~30 us an event, a million-event audit ~30 s. For
        # values where the standard library's compact sorted JSON is byte for byte the
        # RFC 8785 form, it is 4x faster; tests compare the two on random values.
        return json.dumps(
            value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
        ).encode("utf-8")
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as error:
        reason = _REASONS.get(type(error))
        if reason is None:
            # The remaining messages name a type or a rule, not a value.
            reason = str(error)
        raise CanonicalError(f"not representable in RFC 8785 JSON: {reason}") from None
    except UnicodeEncodeError:
        # rfc8785 0.1.4 lets a lone surrogate in a key escape as this error.
        raise CanonicalError(
            "not representable in RFC 8785 JSON: text holds a lone surrogate, not UTF-8"
        ) from None


_MAX_EXACT_INT = 2**53 - 1


def _spelled_alike(value: object) -> bool:
    """Whether `json.dumps` writes `value` exactly as RFC 8785 does.

    True for None, booleans, integers within +-(2**53 - 1), strings that are valid
    Unicode, floats that both write in plain decimals with the shortest round-trip
    digits (not whole, 1e-4 <= |x| < 1e16: Python's repr and ECMAScript's
    Number.toString agree there), and lists and objects of these with ASCII keys
    (whose code-point order is their UTF-16 order). Both escape exactly ", \\ and
    the control characters, \\b \\t \\n \\f \\r short and the rest as lowercase \\u00xx.

    A loop over a stack rather than recursion: it runs for every leaf an audit
    rebuilds, and the recursion's generator frames cost more than the checks
    (measured: 3.2 µs against 2.1 µs for a typical event). A value holding more than
    _FEW_CONTAINERS lists and objects goes to the recursive check instead, so that a
    cycle, or nesting too deep, still ends in RecursionError rather than a loop.
    """
    pending = [value]
    containers = 0
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if not (item.isascii() or _valid_unicode(item)):
                return False
        elif isinstance(item, dict):
            try:
                keys = "".join(item)  # refuses a key that is not a string
            except TypeError:
                return False
            if not keys.isascii():
                return False
            containers += 1
            if containers > _FEW_CONTAINERS:
                return _spelled_alike_recursively(value)
            pending.extend(item.values())
        elif item is None or isinstance(item, bool):
            continue
        elif isinstance(item, int):
            if not -_MAX_EXACT_INT <= item <= _MAX_EXACT_INT:
                return False
        elif isinstance(item, list | tuple):
            containers += 1
            if containers > _FEW_CONTAINERS:
                return _spelled_alike_recursively(value)
            pending.extend(item)
        elif isinstance(item, float):
            if not (1e-4 <= abs(item) < 1e16 and not item.is_integer()):
                return False
        else:
            return False
    return True


_FEW_CONTAINERS = 100


def _spelled_alike_recursively(value: object) -> bool:
    """`_spelled_alike`, recursively: for values too large to check in one loop."""
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -_MAX_EXACT_INT <= value <= _MAX_EXACT_INT
    if isinstance(value, str):
        return value.isascii() or _valid_unicode(value)
    if isinstance(value, float):
        magnitude = abs(value)
        return 1e-4 <= magnitude < 1e16 and not value.is_integer()
    if isinstance(value, list | tuple):
        return all(_spelled_alike_recursively(item) for item in value)
    if isinstance(value, dict):
        return all(
            isinstance(key, str) and key.isascii() and _spelled_alike_recursively(item)
            for key, item in value.items()
        )
    return False


def _valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False  # a lone surrogate: left to the library, which refuses it
    return True


def event_leaf(event: Mapping[str, JsonValue]) -> bytes:
    """The log leaf of one event: its JSON object in canonical form."""
    return canonical_json(dict(event))


def utc_timestamp(moment: datetime) -> str:
    """The one spelling of an instant that tree heads use, e.g.
    2026-03-01T04:00:00.000000Z."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def parse_utc_timestamp(text: str) -> datetime:
    """Read a timestamp written by `utc_timestamp`, and only that spelling:
    a signature covers the text, so another spelling of the same instant
    would not verify after a round trip."""
    try:
        moment = datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"timestamp {text!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ") from None
    if utc_timestamp(moment) != text:
        raise ValueError(f"timestamp {text!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
    return moment


def tree_head_json(tree_size: int, root_hash: bytes, timestamp: datetime) -> bytes:
    """What a tree head's signature covers: exactly these three fields, the
    root as lowercase hex, in RFC 8785 form."""
    return canonical_json(
        {
            "tree_size": tree_size,
            "root_hash": root_hash.hex(),
            "timestamp": utc_timestamp(timestamp),
        }
    )
