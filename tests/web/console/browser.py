"""Steps the browser tests share."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from alerts.correlation.models import Incident
from tests.live import LiveSystem
from tests.web.console.helpers import PASSWORD


def log_in(page: Page, username: str) -> None:
    page.goto("/console/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Live queue")).to_be_visible()


def wait_live(page: Page) -> None:
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")


def only_incident(system: LiveSystem) -> Incident:
    with system.factory() as session:
        incidents = list(session.scalars(select(Incident).order_by(Incident.id)))
    assert len(incidents) == 1, [i.ref for i in incidents]
    return incidents[0]
