"""docs/benchmarks.md is shared: each benchmark rewrites its own section only."""

from __future__ import annotations

import os
import platform
import subprocess
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "benchmarks.md"


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


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def code_state(measured: str) -> str:
    """The commit, and whether the code under `measured` differed from it."""

    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--", measured)
    return f"commit {commit}" + (f", with uncommitted changes in {measured}" if changed else "")
