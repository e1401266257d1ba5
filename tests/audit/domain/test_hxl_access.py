from __future__ import annotations

import pytest

from alerts.audit.domain.access import may_read_reports, may_see_full_detail, rounded
from alerts.audit.domain.hxl import Column, header_rows, is_hashtag, is_hashtag_row


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("#date", True),
        ("#date +reported", True),
        ("#indicator +on_scene +seconds", True),
        ("#geo+lat", True),
        ("date", False),
        ("#Date", False),
        ("#date +Reported", False),
        ("#date reported", False),
        ("# date", False),
    ],
)
def test_hashtag_grammar(text: str, ok: bool) -> None:
    assert is_hashtag(text) is ok


def test_header_rows() -> None:
    columns = [Column("first_report_at", "#date +reported"), Column("lat", "#geo +lat")]
    assert header_rows(columns) == (["first_report_at", "lat"], ["#date +reported", "#geo +lat"])


def test_a_column_needs_a_real_hashtag() -> None:
    with pytest.raises(ValueError, match="HXL"):
        Column("x", "date")


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (["#date", "", "#org +mission"], True),
        (["18 August 2011", "UNMISS"], False),
        (["", ""], False),
    ],
)
def test_hashtag_row(cells: list[str], expected: bool) -> None:
    assert is_hashtag_row(cells) is expected


@pytest.mark.parametrize(
    ("role", "reports", "full"),
    [
        ("evaluator", True, False),
        ("admin", True, True),
        ("joc_officer", False, False),
        ("cla", False, False),
        ("commander", False, False),
        ("Evaluator", False, False),
    ],
)
def test_roles(role: str, reports: bool, full: bool) -> None:
    assert may_read_reports(role) is reports
    assert may_see_full_detail(role) is full


@pytest.mark.parametrize(
    ("value", "detail", "expected"),
    [
        (0.54471, "anonymised", 0.5),
        (29.4639, "anonymised", 29.5),
        (-1.6789, "anonymised", -1.7),
        (29.4639, "full", 29.4639),
        (None, "anonymised", None),
    ],
)
def test_places_are_rounded_to_a_tenth_of_a_degree(
    value: float | None, detail: str, expected: float | None
) -> None:
    assert rounded(value, detail) == expected  # type: ignore[arg-type]
