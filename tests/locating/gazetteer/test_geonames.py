"""The GeoNames dump parser: good lines, malformed lines by number, BOM and CRLF."""

from __future__ import annotations

import pytest

from alerts.locating.gazetteer.geonames import (
    GeoNamesRow,
    MalformedLine,
    format_line,
    is_named_place,
    parse,
    parse_line,
)
from tests.locating.gazetteer.dumps import encode, line


def test_a_good_line() -> None:
    row = parse_line(
        line(
            2314302,
            "Kiwanja",
            alt="Kiwandja, Kiwanja,Kiwanja-centre,,Kiwandja",
            lat="-1.17",
            lon="29.46",
            country="cd",
            population="",
        )
    )
    assert row == GeoNamesRow(
        geonameid=2314302,
        name="Kiwanja",
        asciiname="Kiwanja",
        alt_names=("Kiwandja", "Kiwanja-centre"),  # distinct, without the name itself
        lat=-1.17,
        lon=29.46,
        feature_class="P",
        feature_code="PPL",
        country="CD",
        admin1="11",
        population=0,  # GeoNames' "unknown"
        timezone="Africa/Lubumbashi",
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("just some words", "expected 19 tab-separated columns, found 1"),
        (line(1, "A") + "\textra", "expected 19 tab-separated columns, found 20"),
        (line(0, "A"), "geonameid 0 is out of range"),
        (line(1, "A").replace("1", "x", 1), "geonameid 'x' is not a whole number"),
        (line(1, "  "), "empty name"),
        (line(1, "A" * 201), "name longer than 200 characters"),
        (line(1, "A", lat="south"), "latitude 'south' is not a number"),
        (line(1, "A", lat="91"), "latitude 91 is outside ±90"),
        (line(1, "A", lon="nan"), "longitude nan is outside ±180"),
        (line(1, "A", population="many"), "population 'many' is not a whole number"),
        (line(1, "A", population="-5"), "population -5 is out of range"),
        (line(1, "A", population=str(2**31)), "population 2147483648 is out of range"),
        (line(1, "A", country="C1"), "country code 'C1' is not two letters"),
        (line(1, "A", feature_class="X"), "unknown feature class 'X'"),
        (line(1, "A", feature_code="PPLXXXXXXXX"), "feature code 'PPLXXXXXXXX' is too long"),
        (line(1, "A\x00B"), "contains a NUL character"),
    ],
)
def test_malformed_line_says_why(text: str, reason: str) -> None:
    assert list(parse(encode(text))) == [MalformedLine(1, reason)]


def test_malformed_lines_are_numbered_and_the_rest_kept() -> None:
    lines = encode(
        "# a comment counts as a line",
        line(1, "Goma"),
        "broken",
        "",
        line(2, "Beni", lat="north"),
        line(3, "Bunia"),
    )
    lines.insert(5, b"\xff\xfe not utf-8\n")
    items = list(parse(lines))
    assert [i for i in items if isinstance(i, MalformedLine)] == [
        MalformedLine(3, "expected 19 tab-separated columns, found 1"),
        MalformedLine(5, "latitude 'north' is not a number"),
        MalformedLine(6, "not UTF-8 (byte 1)"),
    ]
    assert [i.name for i in items if isinstance(i, GeoNamesRow)] == ["Goma", "Bunia"]


def test_bom_and_crlf() -> None:
    lines = encode(line(1, "Oïcha", alt="Oicha"), line(2, "Eringeti"), end="\r\n")
    lines[0] = b"\xef\xbb\xbf" + lines[0]
    rows = list(parse(lines))
    assert [(r.geonameid, r.name) for r in rows if isinstance(r, GeoNamesRow)] == [
        (1, "Oïcha"),
        (2, "Eringeti"),
    ]
    assert all(isinstance(r, GeoNamesRow) and r.timezone == "Africa/Lubumbashi" for r in rows)


def test_bom_before_a_comment() -> None:
    lines = [b"\xef\xbb\xbf# header\r\n", *encode(line(7, "Bor"), end="\r\n")]
    assert [r.geonameid for r in parse(lines) if isinstance(r, GeoNamesRow)] == [7]


@pytest.mark.parametrize(
    ("feature_class", "feature_code", "kept"),
    [
        ("P", "PPL", True),
        ("P", "PPLC", True),
        ("P", "", True),  # the starter gazetteer: populated, kind unknown
        ("P", "PPLW", True),  # destroyed: displaced people still name it
        ("P", "PPLQ", True),
        ("P", "PPLH", False),  # historical: the name is no longer in use
        ("L", "LCTY", True),
        ("S", "CMPRF", True),
        ("S", "MNAU", True),
        ("A", "ADM1", False),
        ("L", "AREA", False),
        ("T", "MT", False),
        ("H", "STM", False),
    ],
)
def test_which_features_are_places(feature_class: str, feature_code: str, kept: bool) -> None:
    row = parse_line(line(1, "X", feature_class=feature_class, feature_code=feature_code))
    assert is_named_place(row) is kept


def test_format_line_reads_back() -> None:
    row = parse_line(line(5, "Likuangole", alt="Likuongole", lat="7.12345", population="0"))
    assert parse_line(format_line(row)) == row
