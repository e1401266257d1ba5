"""`alerts audit`: the evaluator's commands on the transparency log.

Evaluators script these, so the `--json` shapes are fixed (docs/audit.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from alerts.audit.log_proofs import (
    ProofRequestError,
    prove_extension,
    prove_incident,
    prove_leaf,
    signed_head_of,
)
from alerts.audit.log_verify import verify_log
from alerts.cli.common import database_errors_explained, load_settings
from alerts.core.db.session import make_engine, session_factory
from alerts.timeline.domain.merkle import ProofError
from alerts.timeline.domain.tree_head import (
    SignedTreeHead,
    TreeHeadError,
    load_public_key,
    public_key_base64,
)
from alerts.timeline.log_key import LogKeyError, load_log_key
from alerts.timeline.models import TreeHead


@click.group()
def audit() -> None:
    """The evaluator's checks of the transparency log."""


def _session_factory() -> Any:
    settings = load_settings()
    return session_factory(make_engine(settings.database_url, settings.db_timeouts))


def _public_key(given: str | None) -> Ed25519PublicKey:
    try:
        if given:
            return load_public_key(given)
        return load_log_key(load_settings().log_key).public_key()
    except (TreeHeadError, LogKeyError, ValueError) as error:
        raise click.ClickException(
            f"{error} Without the key, give the log's public key with --public-key, as "
            "`alerts audit public-key` prints it."
        ) from None


def _anchors(files: tuple[Path, ...]) -> list[SignedTreeHead]:
    anchors = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                anchors.append(SignedTreeHead.from_json(json.loads(line)))
            except (ValueError, TreeHeadError) as error:
                raise click.BadParameter(
                    f"{path}:{number} is not an anchor as `alerts audit anchor --json` "
                    f"prints it: {error}",
                    param_hint="--anchor-file",
                ) from None
    return anchors


PUBLIC_KEY_OPTION = click.option(
    "--public-key", help="The log's public key (base64); default: from ALERTS_LOG_KEY."
)


@audit.command()
@click.option(
    "--anchor-file",
    "anchor_files",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    help="Anchors kept earlier, one `alerts audit anchor --json` line each.",
)
@PUBLIC_KEY_OPTION
def verify(anchor_files: tuple[Path, ...], public_key: str | None) -> None:
    """Rebuild the log from the events; name the first event edited, deleted, inserted or
    reordered, and any head whose signature fails. Exits 1 if anything was.

    A log cut short or rewritten wholesale leaves no trace inside it: give an anchor
    kept outside the system to catch that too.
    """
    anchors = _anchors(anchor_files)
    with database_errors_explained(), _session_factory()() as session:
        session.execute(select(TreeHead.tree_size).limit(1))  # no tables: say so first
        outcome = verify_log(session, _public_key(public_key), anchors)
    if outcome.intact:
        held = "".join(f"; holds the kept anchor of size {size}" for size in outcome.anchors_held)
        unchecked = "" if anchors else " (no anchor given: a cut-off end would not show)"
        click.echo(
            f"OK: {outcome.leaves} leaves rebuilt from their events, {outcome.heads} signed "
            f"heads hold{held}{unchecked}"
        )
        return
    for finding in outcome.findings:
        click.echo(f"TAMPERED ({finding.kind}): {finding.detail}", err=True)
    first = outcome.first
    assert first is not None
    click.echo(f"first: {first.kind}: {first.detail}", err=True)
    raise SystemExit(1)


@audit.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
def anchor(as_json: bool) -> None:
    """Print the latest signed tree head. Keep it where the database's administrators
    cannot change it; `alerts audit verify --anchor-file` then proves the log still holds it."""
    with database_errors_explained(), _session_factory()() as session:
        head = _or_explain(lambda: signed_head_of(session))
    if as_json:
        click.echo(json.dumps(head.to_json()))
        return
    record = head.to_json()
    click.echo(f"tree_size {record['tree_size']}  root_hash {record['root_hash']}")
    click.echo(f"  signed {record['timestamp']} by key {record['key_id']}")


@audit.command(name="public-key")
def public_key_command() -> None:
    """Print the log's Ed25519 public key: base64 of its 32 raw bytes."""
    click.echo(public_key_base64(_public_key(None)))


@audit.command()
@click.argument("index", type=int, required=False)
@click.option("--incident", "incident_ref", help="Prove every event of this incident.")
@click.option("--size", type=int, help="Against the signed head of this size (default latest).")
@click.option("--json", "as_json", is_flag=True, help="JSON, in the shape docs/audit.md gives.")
@PUBLIC_KEY_OPTION
def prove(
    index: int | None,
    incident_ref: str | None,
    size: int | None,
    as_json: bool,
    public_key: str | None,
) -> None:
    """An RFC 9162 inclusion proof of leaf INDEX, or of every event of --incident REF."""
    if (index is None) == (incident_ref is None):
        raise click.UsageError("give a leaf INDEX or --incident REF, not both")
    key = _public_key(public_key)
    with database_errors_explained(), _session_factory()() as session:
        if incident_ref is not None:
            found = _or_explain(lambda: prove_incident(session, incident_ref, key, size))
            record: dict[str, Any] = {
                "tree_size": found.head.head.tree_size,
                "root_hash": found.head.head.root_hash.hex(),
                "proofs": [proof.to_json() for proof in found.proofs],
            }
            if found.pending:
                click.echo(f"note: {found.pending} newer event(s) not yet sealed", err=True)
        else:
            assert index is not None
            record = _or_explain(lambda: prove_leaf(session, index, key, size)).to_json()
    click.echo(json.dumps(record) if as_json else json.dumps(record, indent=2))


@audit.command()
@click.argument("first", type=int)
@click.argument("second", type=int, required=False)
@click.option("--json", "as_json", is_flag=True, help="JSON, in the shape docs/audit.md gives.")
@PUBLIC_KEY_OPTION
def consistency(first: int, second: int | None, as_json: bool, public_key: str | None) -> None:
    """An RFC 9162 proof that the log of size FIRST is a prefix of the log of size SECOND
    (default: the latest signed head)."""
    key = _public_key(public_key)
    with database_errors_explained(), _session_factory()() as session:
        proof = _or_explain(lambda: prove_extension(session, first, key, second))
    record = proof.to_json()
    click.echo(json.dumps(record) if as_json else json.dumps(record, indent=2))


def _or_explain(make: Any) -> Any:
    try:
        return make()
    except (ProofRequestError, ProofError, TreeHeadError) as error:
        raise click.ClickException(str(error)) from None
