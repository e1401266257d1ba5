"""Segment counting as Twilio bills it."""

from __future__ import annotations

import pytest

from alerts.sandbox.store import count_segments, is_gsm7


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        ("", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # extension characters cost two septets each
        ("€" * 81, 2),
        ("a" * 152 + "€", 1),
        ("a" * 152 + "€" + "a" * 8, 2),  # 162 septets
        ("Attaque à Kalehe, éè ù", 1),  # accents in the GSM basic set stay GSM-7
        ("ç" * 70, 1),  # lowercase ç is not GSM-7
        ("ç" * 71, 2),
        ("ç" * 134, 2),
        ("ç" * 135, 3),
        ("😀" * 35, 1),  # each emoji is a surrogate pair: two UCS-2 units
        ("😀" * 36, 2),
    ],
)
def test_count_segments(body: str, segments: int) -> None:
    assert count_segments(body) == segments


def test_escape_pair_never_straddles_segments() -> None:
    # 152 septets then a 2-septet character: the pair moves whole into part two.
    body = "a" * 152 + "€" + "a" * 152
    assert count_segments(body) == 3


def test_gsm7_detection() -> None:
    assert is_gsm7("Salut {tous} [ok] ~|^\\")
    assert not is_gsm7("Habari ya asubuhi ✓")
