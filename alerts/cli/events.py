"""`alerts events`: the hash-chained event timeline, as operators know it.

`alerts events verify` is the evaluators' `alerts audit verify` under its older
name: one check of the chain, whichever name a runbook uses.
"""

from __future__ import annotations

import click

from alerts.cli.audit import verify


@click.group()
def events() -> None:
    """The hash-chained event timeline."""


events.add_command(verify, name="verify")
