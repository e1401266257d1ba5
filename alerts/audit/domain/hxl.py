"""HXL: the hashtag row humanitarian analysts put under a CSV's header.

One row of hashtags (`#date +reported`) under the human header lets tools such
as HXL Proxy and HDX read the table without knowing its column names. See
https://hxlstandard.org/standard/1-1final/ for the tags and attributes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# A tag, then attributes: lowercase letters, digits and underscores [HXL 1.1, 4.1-4.2].
_TAG = re.compile(r"#[a-z][a-z0-9_]*(\s*\+[a-z][a-z0-9_]*)*")


@dataclass(frozen=True)
class Column:
    header: str
    hashtag: str

    def __post_init__(self) -> None:
        if not is_hashtag(self.hashtag):
            raise ValueError(f"not an HXL hashtag spec: {self.hashtag!r}")


def is_hashtag(text: str) -> bool:
    return _TAG.fullmatch(text) is not None


def header_rows(columns: Sequence[Column]) -> tuple[list[str], list[str]]:
    """The human header, and the hashtag row that goes right under it."""
    return [c.header for c in columns], [c.hashtag for c in columns]


def is_hashtag_row(cells: Sequence[str]) -> bool:
    """A row of a CSV that is HXL hashtags (blank cells allowed), not data."""
    filled = [c.strip() for c in cells if c.strip()]
    return bool(filled) and all(is_hashtag(c) for c in filled)
