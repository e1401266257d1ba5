"""Accounts and logins for console tests."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.console import users
from alerts.core.clock import Clock
from alerts.core.db.session import write_transaction
from alerts.registry.models import Sender
from tests.live import LiveSystem

PASSWORD = "a long test password"
CLA_NUMBER = "+243970000003"


def add_user(
    factory: sessionmaker[Session],
    clock: Clock,
    username: str,
    role: str,
    *,
    mission: str = "MONUSCO",
    sector: str | None = None,
    cla: bool = False,
) -> None:
    with write_transaction(factory) as session:
        pseudonym = None
        if cla:
            pseudonym = session.scalars(
                select(Sender.pseudonym).where(Sender.role == "cla")
            ).first()
        users.add_user(
            session,
            clock.now(),
            username=username,
            password=PASSWORD,
            role=role,
            mission=mission,
            sector=sector,
            sender_pseudonym=pseudonym,
        )


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def logged_in_client(system: LiveSystem, username: str) -> FlaskClient:
    client = system.web_app.test_client()
    page = client.get("/console/login").get_data(as_text=True)
    response = client.post(
        "/console/login",
        data={"username": username, "password": PASSWORD, "csrf_token": csrf_from(page)},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return client
