"""Local keys for a checkout: made once by `alerts up` (`make run`), then used by every
command run from the same folder whose environment names no keys of its own."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import click

from alerts.core.vault import generate_key
from alerts.timeline.log_key import generate_log_key

SECRETS_FILE = Path("instance") / "dev-secrets.env"
GENERATORS = {
    "ALERTS_SECRET_KEY": generate_key,
    "ALERTS_DATA_KEY": generate_key,
    "ALERTS_LOG_KEY": generate_log_key,
}
KEYS = tuple(GENERATORS)


def make_local_keys(instance: Path) -> dict[str, str]:
    """Keys for local use, made once and kept: numbers stored under a data key
    can only be read with that same key."""
    path = instance / SECRETS_FILE.name
    instance.mkdir(parents=True, exist_ok=True)
    kept = read_keys(path) if path.exists() else {}
    # A checkout from before the log key gets one added; the others are never replaced.
    missing = [key for key in KEYS if not kept.get(key)]
    if missing:
        with path.open("a", encoding="utf-8") as file:
            file.writelines(f"{key}={GENERATORS[key]()}\n" for key in missing)
        path.chmod(0o600)
    return read_keys(path)


def read_keys(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text("utf-8").splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def with_local_keys(env: Mapping[str, str], path: Path = SECRETS_FILE) -> dict[str, str]:
    """`env`, plus the checkout's local keys for those it does not set.

    Says so once on stderr, so nobody mistakes local keys for the deployment's.
    """
    missing = [key for key in KEYS if not env.get(key)]
    if not missing or not path.is_file():
        return dict(env)
    local = read_keys(path)
    taken = [key for key in missing if local.get(key)]
    if taken:
        click.echo(
            f"using {', '.join(taken)} from {path} (the local keys `make run` made); "
            "set them in the environment to use others",
            err=True,
        )
    return {**env, **{key: local[key] for key in taken}}
