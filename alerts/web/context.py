from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import Session, sessionmaker

from alerts.adapters.vault import PhoneVault
from alerts.clock import Clock
from alerts.services.context import ServiceContext
from alerts.services.ports import JobQueue
from alerts.settings import Settings


@dataclass(frozen=True)
class WebContext:
    settings: Settings
    factory: sessionmaker[Session]
    vault: PhoneVault
    clock: Clock
    queue: JobQueue
    # What the console's actions hand to services (the recipe workers use too).
    services: ServiceContext


def web_context() -> WebContext:
    context: WebContext = current_app.extensions["alerts"]
    return context
