"""RFC 8785 (JCS) canonical form: the RFC's own vectors, then this log's uses of it.

Vectors copied (values only) from:
- JCS_EXAMPLES: github.com/cyberphone/json-canonicalization testdata/input and
  testdata/output (arrays, french, structures, unicode, values, weird) at
  commit 19d51d7fe467d4706a3ff08adf8a748f29fc21e0; the RFC author's repository,
  and the examples of RFC 8785 sections 3.2.2 and 3.2.3. Inputs are kept on one
  line; their whitespace and number spellings are as published.
- NUMBERS: RFC 8785 Appendix B (IEEE 754 bits, big-endian hex, and the JSON
  spelling), confirmed against the same repository's testdata/README.md and
  verify-numbers tests.
"""

from __future__ import annotations

import json
import struct
from datetime import UTC, datetime, timedelta, timezone

import pytest

from alerts.timeline.domain.canonical import (
    CanonicalError,
    JsonValue,
    canonical_json,
    event_leaf,
    parse_utc_timestamp,
    tree_head_json,
    utc_timestamp,
)

JCS_EXAMPLES = [
    (
        "arrays",
        '[ 56, { "d": true, "10": null, "1": [ ] } ]',
        '[56,{"1":[],"10":null,"d":true}]',
    ),
    (
        "french",
        (
            '{ "peach": "This sorting order", "p\xe9ch\xe9": "is wrong according to French", "p'
            '\xeache": "but canonicalization MUST", "sin":   "ignore locale" }'
        ),
        (
            '{"peach":"This sorting order","p\xe9ch\xe9":"is wrong according to French","p\xeac'
            'he":"but canonicalization MUST","sin":"ignore locale"}'
        ),
    ),
    (
        "structures",
        (
            '{ "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0}, "10": { }, "": "empty", "a": { }, "'
            '111": [ {"e": "yes","E": "no" } ], "A": { } }'
        ),
        (
            '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"'
            '}],"A":{},"a":{}}'
        ),
    ),
    (
        "unicode",
        '{ "Unnormalized Unicode":"A\\u030a" }',
        '{"Unnormalized Unicode":"A\u030a"}',
    ),
    (
        "values",
        (
            '{ "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001]'
            ', "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals"'
            ": [null, true, false] }"
        ),
        (
            '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
            '"string":"\u20ac$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
        ),
    ),
    (
        "weird",
        (
            '{ "\\u20ac": "Euro Sign", "\\r": "Carriage Return", "\\u000a": "Newline", "1": "On'
            'e", "\\u0080": "Control\\u007f", "\\ud83d\\ude02": "Smiley", "\\u00f6": "Latin Sma'
            'll Letter O With Diaeresis", "\\ufb33": "Hebrew Letter Dalet With Dagesh", "</scri'
            'pt>": "Browser Challenge" }'
        ),
        (
            '{"\\n":"Newline","\\r":"Carriage Return","1":"One","</script>":"Browser Challenge"'
            ',"\x80":"Control\x7f","\xf6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro '
            'Sign","\U0001f602":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}'
        ),
    ),
]

NUMBERS = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),  # minus zero
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]

# Appendix B's rows that have no JSON form.
NOT_NUMBERS = ["7fffffffffffffff", "7ff0000000000000", "fff0000000000000"]


def ieee(bits: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(bits))[0]
    return value


@pytest.mark.parametrize(("name", "text", "canonical"), JCS_EXAMPLES)
def test_published_examples(name: str, text: str, canonical: str) -> None:
    assert canonical_json(json.loads(text)) == canonical.encode("utf-8")


@pytest.mark.parametrize(("bits", "spelling"), NUMBERS)
def test_numbers_are_spelled_as_ecmascript_does(bits: str, spelling: str) -> None:
    assert canonical_json(ieee(bits)) == spelling.encode("ascii")
    assert canonical_json([ieee(bits)]) == f"[{spelling}]".encode("ascii")


@pytest.mark.parametrize("bits", NOT_NUMBERS)
def test_nan_and_infinities_have_no_form(bits: str) -> None:
    with pytest.raises(CanonicalError, match="NaN or infinite"):
        canonical_json({"x": ieee(bits)})


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"n": 2**53}, "outside"),
        ({"n": -(2**53)}, "outside"),
        ({"\ud800": 1}, "UTF-8"),  # a lone surrogate has no UTF-8 form
        ({1: "x"}, "keys must be strings"),
        ({"when": datetime(2026, 3, 1, tzinfo=UTC)}, "unsupported type"),
        ({"bytes": b"\x00"}, "unsupported type"),
    ],
)
def test_values_json_cannot_hold_are_refused(value: object, reason: str) -> None:
    with pytest.raises(CanonicalError, match=reason):
        canonical_json(value)  # type: ignore[arg-type]


def test_refusal_does_not_quote_the_value() -> None:
    # Event data may hold a reporter's phone number; errors end up in logs.
    with pytest.raises(CanonicalError) as caught:
        canonical_json({"phone": 243_812_345_678_901_234})
    assert "243812345678901234" not in str(caught.value)


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        (2**53 - 1, b"9007199254740991"),
        (-(2**53 - 1), b"-9007199254740991"),
        (True, b"true"),  # bool before int: True is an int to Python
        (1.0, b"1"),
        (-0.0, b"0"),
        (1e-7, b"1e-7"),  # Python's repr says 1e-07
        (1e16, b"10000000000000000"),  # Python's repr says 1e+16
        ("\u2028\u2029", '"\u2028\u2029"'.encode()),  # raw, as RFC 8785 3.2.2.2 says
        ("\x7f\x1f\x08", b'"\x7f\\u001f\\b"'),  # DEL is not a control character to JSON
        ("</script>", b'"</script>"'),  # no escaping of "/"
        ((1, "a"), b'[1,"a"]'),
    ],
)
def test_edge_spellings(value: JsonValue, canonical: bytes) -> None:
    assert canonical_json(value) == canonical


def test_keys_sort_by_utf16_code_units_not_code_points() -> None:
    # U+1F602 is D83D DE02 in UTF-16, so it sorts before U+FB33, though its
    # code point is larger; sorting Python str keys would put it last.
    assert canonical_json({"\ufb33": 1, "\U0001f602": 2}) == '{"\U0001f602":2,"\ufb33":1}'.encode()


def test_an_event_leaf_is_the_same_for_any_key_order() -> None:
    one: dict[str, JsonValue] = {
        "seq": 7,
        "kind": "alert.received",
        "data": {"b": 1, "a": [1.5, None]},
    }
    other: dict[str, JsonValue] = {
        "data": {"a": [1.5, None], "b": 1},
        "kind": "alert.received",
        "seq": 7,
    }
    assert event_leaf(one) == event_leaf(other)
    assert event_leaf(one) == b'{"data":{"a":[1.5,null],"b":1},"kind":"alert.received","seq":7}'


def test_timestamps_have_one_spelling() -> None:
    moment = datetime(2026, 3, 1, 4, 0, 1, 250, tzinfo=UTC)
    elsewhere = moment.astimezone(timezone(timedelta(hours=2)))
    assert utc_timestamp(moment) == utc_timestamp(elsewhere) == "2026-03-01T04:00:01.000250Z"
    assert parse_utc_timestamp("2026-03-01T04:00:01.000250Z") == moment
    with pytest.raises(ValueError):
        utc_timestamp(datetime(2026, 3, 1))


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01T04:00:01Z",
        "2026-03-01T04:00:01.25Z",
        "2026-03-01T04:00:01.000250+00:00",
        "2026-03-01 04:00:01.000250Z",
        "2026-03-01T04:00:01.000250z",
    ],
)
def test_other_spellings_of_a_time_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not"):
        parse_utc_timestamp(text)


def test_tree_head_form() -> None:
    head = tree_head_json(8, bytes(range(32)), datetime(2026, 3, 1, 4, 0, tzinfo=UTC))
    assert head == (
        b'{"root_hash":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",'
        b'"timestamp":"2026-03-01T04:00:00.000000Z","tree_size":8}'
    )
