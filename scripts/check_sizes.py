"""House rule: no module over 400 lines and no function over 80, so each reads in one sitting.

Run by .ci/run and `make lint`. Prints every offender with its size and exits 1 if any.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 80
CHECKED = ("alerts", "workers", "tests", "bench", "scripts")


def offences(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    found = []
    lines = source.count("\n")
    if lines > MAX_MODULE_LINES:
        found.append(f"{path}: module has {lines} lines (at most {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(
                    f"{path}:{node.lineno}: {node.name}() has {length} lines "
                    f"(at most {MAX_FUNCTION_LINES})"
                )
    return found


def main(roots: list[str]) -> int:
    found = [o for root in roots for p in sorted(Path(root).rglob("*.py")) for o in offences(p)]
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} over the size limits: split them by meaning.", file=sys.stderr)
        return 1
    print(
        f"sizes ok: no module over {MAX_MODULE_LINES} lines, no function over {MAX_FUNCTION_LINES}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or list(CHECKED)))
