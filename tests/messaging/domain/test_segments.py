"""Segment counting as Twilio bills it."""

from __future__ import annotations

import pytest

from alerts.messaging.domain.segments import count_segments, fit, is_gsm7, to_gsm7


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


def test_to_gsm7_keeps_what_gsm7_has_and_strips_accents_it_lacks() -> None:
    assert to_gsm7("Bunïa, Kiwandja — déjà vu ✓") == "Bunia, Kiwandja ? déjà vu ?"
    assert is_gsm7(to_gsm7("Ngbaka ŋ ɛ ɔ"))


def test_fit_shortens_only_the_shrinkable_field() -> None:
    template = "TASKING REF {ref}: attack at {place}. Reply ACK {ref}"
    body = fit(template, shrinkable="place", max_segments=1, ref="K7Q4M", place="x" * 300)
    assert count_segments(body) == 1
    assert body.endswith("~. Reply ACK K7Q4M")
    assert fit(template, shrinkable="place", max_segments=1, ref="K7Q4M", place="Mavivi") == (
        "TASKING REF K7Q4M: attack at Mavivi. Reply ACK K7Q4M"
    )
