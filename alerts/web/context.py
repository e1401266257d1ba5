from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import Session, sessionmaker

from alerts.core.clock import Clock
from alerts.core.context import ServiceContext
from alerts.core.ports import JobQueue
from alerts.core.settings import Settings
from alerts.core.vault import PhoneVault
from alerts.intake.spool import Spool
from alerts.messaging.outbox import RelayedMarks


@dataclass(frozen=True)
class WebContext:
    settings: Settings
    factory: sessionmaker[Session]
    vault: PhoneVault
    clock: Clock
    queue: JobQueue
    # This process's hand-overs, marked relayed in batches off the request path.
    relayed: RelayedMarks
    # What the console's actions hand to services (the recipe workers use too).
    services: ServiceContext
    # Where an SMS goes when the database cannot take it (see `alerts.intake.spool`).
    spool: Spool


def web_context() -> WebContext:
    context: WebContext = current_app.extensions["alerts"]
    return context
