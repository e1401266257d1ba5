"""`alerts audit`: check the timeline for tampering, and take anchors of it."""

from __future__ import annotations

import json
from pathlib import Path

import click

from alerts.audit.domain.tampering import Anchor, anchors_in, parse_anchor
from alerts.audit.verify import head_anchor, verify_ledger
from alerts.cli.common import database_errors_explained, load_settings
from alerts.core.db.session import make_engine, session_factory
from alerts.timeline.domain.chain import canonical_time


@click.group()
def audit() -> None:
    """The evaluator's checks of the hash-chained timeline."""


def _anchors(values: tuple[str, ...], files: tuple[Path, ...]) -> list[Anchor]:
    anchors = []
    for value in values:
        try:
            anchors.append(parse_anchor(value))
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--anchor") from None
    for path in files:
        found = anchors_in(path.read_text(encoding="utf-8", errors="replace"))
        if not found:
            raise click.BadParameter(
                f"{path} holds no anchor (HASH:COUNT, as `alerts audit anchor` prints)",
                param_hint="--anchor-file",
            )
        anchors.extend(found)
    return anchors


@audit.command()
@click.option(
    "--anchor",
    "anchor_values",
    metavar="HASH:COUNT",
    multiple=True,
    help="A head saved earlier by `alerts audit anchor`; the chain must still hold it.",
)
@click.option(
    "--anchor-file",
    "anchor_files",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    multiple=True,
    help="A file of saved anchors (one `alerts audit anchor` output after another).",
)
def verify(anchor_values: tuple[str, ...], anchor_files: tuple[Path, ...]) -> None:
    """Walk the hash chain; name the first event altered, deleted, inserted or reordered.

    Exits 1 if anything was. Deleting the newest events leaves no trace inside
    the chain: give an anchor taken earlier to catch that too.
    """
    anchors = _anchors(anchor_values, anchor_files)
    settings = load_settings()
    factory = session_factory(make_engine(settings.database_url, settings.db_timeouts))
    with database_errors_explained(), factory() as session:
        outcome = verify_ledger(session, anchors)
    if outcome.superuser:
        click.echo(
            "note: connected as a PostgreSQL superuser, which the append-only trigger does not "
            "bind; run the application as an ordinary role (deploy/README.md)",
            err=True,
        )
    finding = outcome.audit.finding
    if finding is None:
        matched = "".join(
            f"; holds anchor {a.count}:{a.hash[:12]}…" for a in outcome.audit.anchors_matched
        )
        unchecked = "" if anchors else " (no anchor given: deletions at the end would not show)"
        click.echo(f"OK: {outcome.audit.checked} events, chain intact{matched}{unchecked}")
        return
    named = ""
    if outcome.named is not None:
        n = outcome.named
        named = f" [{n.kind} at {canonical_time(n.occurred_at)}, row id {n.id}]"
    click.echo(
        f"TAMPERED at event seq {finding.seq} ({finding.kind}){named}: {finding.detail}. "
        f"{outcome.audit.checked} events before it are intact; {outcome.total} rows in all.",
        err=True,
    )
    raise SystemExit(1)


@audit.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
def anchor(as_json: bool) -> None:
    """Print the head of the chain: its hash, its count and its time.

    Keep the output somewhere the database's administrators cannot change (a
    signed e-mail, a printed page, another organisation); `alerts audit verify
    --anchor HASH:COUNT` then proves the history up to it was not rewritten.
    """
    settings = load_settings()
    factory = session_factory(make_engine(settings.database_url, settings.db_timeouts))
    with database_errors_explained(), factory() as session:
        head = head_anchor(session)
    if head is None:
        raise click.ClickException("the timeline is empty: there is nothing to anchor yet")
    if as_json:
        record = {
            "anchor": str(head.anchor),
            "hash": head.anchor.hash,
            "count": head.anchor.count,
            "head_at": canonical_time(head.head_at),
        }
        click.echo(json.dumps(record))
        return
    click.echo(f"anchor {head.anchor}")
    click.echo(f"  {head.anchor.count} events, the last at {canonical_time(head.head_at)}")
