"""How a benchmark runs: a time limit, clean-up whatever happens, logs kept on failure."""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

Measure = Callable[[argparse.Namespace, Path, ExitStack], int]


class Deadline(Exception):
    """--timeout ran out."""


def _raise(error: type[BaseException]) -> Callable[[int, FrameType | None], None]:
    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise error

    return handler


def run(args: argparse.Namespace, measure: Measure, name: str) -> int:
    """Run `measure` in a fresh work folder within `args.timeout` seconds.

    Ctrl-C, SIGTERM and the time limit all unwind through the same clean-up (the
    ExitStack `measure` registers its servers on). The folder is removed after a
    clean run and kept, with the servers' logs, after any other.
    """
    signal.signal(signal.SIGTERM, _raise(KeyboardInterrupt))  # the same clean-up as Ctrl-C
    signal.signal(signal.SIGALRM, _raise(Deadline))
    signal.alarm(args.timeout)
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    code = 2
    try:
        with ExitStack() as cleanup:
            try:
                code = measure(args, workdir, cleanup)
            finally:
                # Let clean-up finish: a second Ctrl-C or the alarm would leave things behind.
                signal.alarm(0)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
    except Deadline:
        print(f"\nstopped: the run took longer than --timeout {args.timeout}s", file=sys.stderr)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        code = 130
    except Exception as error:
        if not isinstance(error, RuntimeError):  # not a server that failed: trace the bug
            traceback.print_exc()
        print(f"\nfailed: {error}", file=sys.stderr)
    if code == 0:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"logs kept in {workdir}", file=sys.stderr)
    return code
