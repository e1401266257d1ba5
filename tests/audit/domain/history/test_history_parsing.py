from __future__ import annotations

from datetime import date

import pytest

from alerts.audit.domain.history.dates import parse_span
from alerts.audit.domain.history.missions import canonical_mission, same_mission
from alerts.audit.domain.history.ranges import parse_count
from alerts.audit.domain.history.records import check_header, parse_record


@pytest.mark.parametrize(
    ("text", "low", "high", "qualifier"),
    [
        ("600", 600, 600, "exact"),
        (">328", 329, None, "more_than"),
        ("> 328", 329, None, "more_than"),
        ("more than 100", 101, None, "more_than"),
        ("500-600", 500, 600, "range"),
        ("500 – 600", 500, 600, "range"),
        (">=100", 100, None, "at_least"),
        ("at least 100", 100, None, "at_least"),
        ("100+", 100, None, "at_least"),
        ("<10", 0, 9, "fewer_than"),
        ("up to 50", 0, 50, "at_most"),
        ("1,200", 1200, 1200, "exact"),
        ("", None, None, "unknown"),
        ("n/a", None, None, "unknown"),
    ],
)
def test_qualified_counts(text: str, low: int | None, high: int | None, qualifier: str) -> None:
    count = parse_count(text)
    assert (count.low, count.high, count.qualifier) == (low, high, qualifier)
    assert count.text == " ".join(text.split())


@pytest.mark.parametrize("text", ["many", "600-500", "<0", "12a", "-5", ">"])
def test_not_a_count(text: str) -> None:
    with pytest.raises(ValueError):
        parse_count(text)


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [
        ("18 August 2011", date(2011, 8, 18), date(2011, 8, 18), "day"),
        ("8-22 August 2013", date(2013, 8, 8), date(2013, 8, 22), "day"),
        ("July 2013", date(2013, 7, 1), date(2013, 7, 31), "month"),
        ("August-September 2012", date(2012, 8, 1), date(2012, 9, 30), "month"),
        ("17-18 Feb 2016", date(2016, 2, 17), date(2016, 2, 18), "day"),
        ("June– Nov 2015", date(2015, 6, 1), date(2015, 11, 30), "month"),
        ("14 December 2010 - 3 January 2011", date(2010, 12, 14), date(2011, 1, 3), "day"),
        ("2011-08-18", date(2011, 8, 18), date(2011, 8, 18), "day"),
        ("2013-08-08/2013-08-22", date(2013, 8, 8), date(2013, 8, 22), "day"),
        ("2012-08/2012-09", date(2012, 8, 1), date(2012, 9, 30), "month"),
        ("2010", date(2010, 1, 1), date(2010, 12, 31), "year"),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29), "month"),
    ],
)
def test_dates_as_reports_write_them(text: str, first: date, last: date, precision: str) -> None:
    span = parse_span(text)
    assert span is not None
    assert (span.first, span.last, span.precision) == (first, last, precision)


@pytest.mark.parametrize("text", ["", "n/a", "N/A", "unknown"])
def test_undated(text: str) -> None:
    assert parse_span(text) is None


@pytest.mark.parametrize(
    "text",
    ["30 Feb 2013", "Augst 2013", "22-8 August 2013", "2013-13", "12 2013", "1/2/3", "spring"],
)
def test_not_a_date(text: str) -> None:
    with pytest.raises(ValueError):
        parse_span(text)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [("MONUC", "MONUSCO"), ("monusco", "MONUSCO"), (" Monuc ", "MONUSCO"), ("UNMIS", "UNMIS")],
)
def test_monuc_and_monusco_are_one_mission(name: str, canonical: str) -> None:
    assert canonical_mission(name) == canonical


def test_unmis_and_unmiss_stay_apart() -> None:
    assert same_mission("MONUC", "MONUSCO")
    assert not same_mission("UNMIS", "UNMISS")


def test_a_good_row() -> None:
    record = parse_record(
        4,
        {
            "kind": "attack",
            "date": "14-15 December 2010",
            "mission": "MONUC",
            "location": "Mabanga ya Talo, North Kivu",
            "deaths": ">100",
            "response_during": "No",
            "response_after": "Investigation undertaken",
        },
    )
    assert record.mission == "MONUSCO" and record.mission_text == "MONUC"
    assert record.span is not None and record.span.first == date(2010, 12, 14)
    assert (record.deaths.low, record.deaths.high) == (101, None)
    assert record.response_during is False and record.line == 4


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"date": "2010", "mission": ""}, "mission: empty"),
        ({"date": "Smarch 2010", "mission": "UNMISS"}, "date:"),
        ({"date": "2010", "mission": "UNMISS", "deaths": "lots"}, "deaths:"),
        ({"date": "2010", "mission": "UNMISS", "kind": "riot"}, "kind:"),
        ({"date": "2010", "mission": "UNMISS", "response_during": "maybe"}, "response_during:"),
    ],
)
def test_a_bad_row_says_why(row: dict[str, str], reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_record(2, row)


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (["date", "mission", "deaths "], None),
        (["date", "mision"], "unknown column"),
        (["date", "deaths"], "missing column"),
        (["date", "mission", "date"], "given twice"),
    ],
)
def test_header(header: list[str], reason: str | None) -> None:
    if reason is None:
        check_header(header)
        return
    with pytest.raises(ValueError, match=reason):
        check_header(header)
