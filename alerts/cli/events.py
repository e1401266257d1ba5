"""`alerts events`: the event timeline, as operators know it.

`alerts events verify` is the evaluators' `alerts audit verify` under its older
name: one check of the log, whichever name a runbook uses.
"""

from __future__ import annotations

import click

from alerts.cli.audit import verify


@click.group()
def events() -> None:
    """The event timeline."""


events.add_command(verify, name="verify")
