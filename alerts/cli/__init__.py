"""The `alerts` command line."""

from __future__ import annotations

import click

from alerts.cli.audit import audit
from alerts.cli.db import db
from alerts.cli.events import events
from alerts.cli.gazetteer import gazetteer
from alerts.cli.geolocate import geolocate_command
from alerts.cli.history import history
from alerts.cli.network import network
from alerts.cli.numbers import retention, rotate
from alerts.cli.processes import keys, scheduler, worker
from alerts.cli.replay import replay_command
from alerts.cli.report import report
from alerts.cli.sandbox import sandbox
from alerts.cli.up import up
from alerts.cli.users import users


@click.group()
def main() -> None:
    """community-alerts: SMS alerts to tasked QRFs, with an auditable timeline."""


for command in (db, events, gazetteer, network, keys, worker, scheduler, sandbox, up, users):
    main.add_command(command)
main.add_command(geolocate_command, name="geolocate")
main.add_command(replay_command, name="replay")
for command in (audit, history, report, retention):
    main.add_command(command)
keys.add_command(rotate)
