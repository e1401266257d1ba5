"""GeoNames dump lines for tests, built column by column."""

from __future__ import annotations

from collections.abc import Iterator


def line(
    geonameid: int,
    name: str,
    *,
    alt: str = "",
    lat: str = "-1.5",
    lon: str = "29.0",
    feature_class: str = "P",
    feature_code: str = "PPL",
    country: str = "CD",
    admin1: str = "11",
    population: str = "1000",
) -> str:
    """One line of the 19-column format, without its line end."""
    return "\t".join(
        [
            str(geonameid),
            name,
            name,
            alt,
            lat,
            lon,
            feature_class,
            feature_code,
            country,
            "",
            admin1,
            "",
            "",
            "",
            population,
            "",
            "1500",
            "Africa/Lubumbashi",
            "2024-01-01",
        ]
    )


def synthetic(count: int, *, start: int = 1) -> Iterator[str]:
    """`count` distinct populated places across the five mission countries."""
    countries = ("CD", "SS", "CF", "ML", "SD")
    for n in range(start, start + count):
        yield line(
            n,
            f"Village {n}",
            alt=f"Kijiji {n},Village-{n}",
            lat=f"{(n % 170) - 85 + 0.123:.5f}",
            lon=f"{(n % 350) - 175 + 0.456:.5f}",
            country=countries[n % len(countries)],
            population=str(n % 5000),
        )


def encode(*lines: str, end: str = "\n") -> list[bytes]:
    """Lines as a binary file yields them."""
    return [(text + end).encode("utf-8") for text in lines]
