"""The fast spelling of canonical JSON is byte for byte the library's RFC 8785 form."""

from __future__ import annotations

import math
import random
import struct

import rfc8785

from alerts.timeline.domain.canonical import canonical_json

CHARS = ['"', "\\", "\n", "\t", "\b", "\f", "\r", "\x00", "\x1f", "\x7f", "é", "€", "\u2028",
         "🔥", "a", "Z", "0", " ", "/", "<"]  # fmt: skip
KEYS = ["a", "b", "id", "lat", "Z", "é", "€", "🔥", "\u00e9a", "aa", ""]


def _float(rng: random.Random) -> float:
    choice = rng.random()
    if choice < 0.3:  # any finite double, every exponent
        while not math.isfinite(value := struct.unpack("d", rng.randbytes(8))[0]):
            pass
        return value
    if choice < 0.6:  # coordinates and durations as the events hold them
        return round(rng.uniform(-180, 180), rng.randint(0, 7))
    edges = [1e-4, 9.99e-5, 1e16, 9.999999999999998e15, 1e21, 1e-7, 0.0, -0.0, 5e-324, 2.0, 0.1]
    return rng.choice(edges) * rng.choice([1, -1])


def _value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randint(0, 7 if depth < 3 else 4)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice([0, 1, -1, 2**53 - 1, -(2**53 - 1), rng.randint(-(10**9), 10**9)])
    if kind == 2:
        return _float(rng)
    if kind in (3, 4):
        return "".join(rng.choice(CHARS) for _ in range(rng.randint(0, 6)))
    if kind == 5:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {rng.choice(KEYS): _value(rng, depth + 1) for _ in range(rng.randint(0, 5))}


def test_every_random_value_is_spelled_as_the_library_spells_it() -> None:
    rng = random.Random(8785)
    for _ in range(20_000):
        value = _value(rng)
        assert canonical_json(value) == rfc8785.dumps(value), value  # type: ignore[arg-type]


def test_an_event_like_document_is_spelled_as_the_library_spells_it() -> None:
    event = {"id": 7, "at": "2026-12-03T08:00:00.123456Z", "actor": "system",
             "kind": "incident.routed", "subject": ["incident", 4], "incident": 4,
             "data": {"lat": 0.5447, "lon": 29.4639, "eta_s": 1234.5, "whole": 3.0,
                      "tiny": 1.5e-7, "text": "Attaque à Kiwanja\n🔥", "none": None}}  # fmt: skip
    assert canonical_json(event) == rfc8785.dumps(event)
