"""docs/benchmarks.md is shared: each benchmark rewrites its own section only."""

from __future__ import annotations

import textwrap
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md"


def wrap(paragraph: str, indent: str = "") -> str:
    return textwrap.fill(paragraph, width=100, subsequent_indent=indent, break_long_words=False)


def write_section(path: Path, title: str, content: str, header: str = "# Benchmarks\n") -> None:
    """Replace the section headed `title` (up to the next `## `), or append it.

    Read just before writing: other benchmarks write their sections of the same file.
    """
    existing = path.read_text(encoding="utf-8") if path.exists() else header
    lines = existing.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.rstrip() == title), None)
    if start is None:
        path.write_text(existing.rstrip("\n") + "\n\n" + content, encoding="utf-8")
        return
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    tail = "".join(lines[end:])
    path.write_text("".join(lines[:start]) + content + ("\n" + tail if tail else ""), "utf-8")
