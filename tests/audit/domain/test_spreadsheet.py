"""Text that a spreadsheet would run as a formula is made inert; numbers stay numbers."""

from __future__ import annotations

import pytest

from alerts.audit.domain.spreadsheet import Cell, inert_row, neutralise


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://evil.example","ok")', '\'=HYPERLINK("http://evil.example","ok")'),
        ("+243970000001", "'+243970000001"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("NO K7Q4M bridge out at Mavivi", "NO K7Q4M bridge out at Mavivi"),
        ("national_caveat", "national_caveat"),
        ("2026-03-02T08:00:00.000000Z", "2026-03-02T08:00:00.000000Z"),
        ("#event +id", "#event +id"),
        ("caveat: no moves after 18:00 = curfew", "caveat: no moves after 18:00 = curfew"),
        ("", ""),
    ],
)
def test_neutralise(text: str, written: str) -> None:
    assert neutralise(text) == written


def test_only_text_cells_change() -> None:
    row: list[Cell] = ["-1.7", -1.7, -3, 0, None, True, "=1", "Goma"]
    assert inert_row(row) == ["'-1.7", -1.7, -3, 0, None, True, "'=1", "Goma"]
