"""Text cells a spreadsheet would run as formulas, made inert (CSV injection).

A unit's `NO` reason, a place name or a callsign goes into full exports as typed.
Opened in Excel or LibreOffice, a cell such as `=HYPERLINK("http://…")` or
`@SUM(…)` becomes a live formula on an evaluator's machine. OWASP's rule: a text cell
that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
apostrophe, which spreadsheets show as text and analysts can strip. Numbers are
left alone (a latitude south of the equator stays -1.7, a number), and the CSV
writer quotes whatever needs quoting.
See https://owasp.org/www-community/attacks/CSV_Injection.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

FORMULA_STARTS: Final[tuple[str, ...]] = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | bool | None


def neutralise(text: str) -> str:
    """`text`, prefixed with an apostrophe if a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def inert_row(cells: Iterable[Cell]) -> list[Cell]:
    """A row for a CSV: text cells neutralised, numbers, booleans and blanks untouched."""
    return [neutralise(cell) if isinstance(cell, str) else cell for cell in cells]
