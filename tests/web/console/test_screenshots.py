"""A busy queue and an incident page, rendered in Chromium.

Always run (a page that fails to render or breaks the CSP fails here); the
pictures go to a temporary folder, or to ALERTS_SCREENSHOTS_DIR, which is how
docs/img/ is refreshed:

    ALERTS_SCREENSHOTS_DIR=docs/img .venv/bin/pytest tests/web/console/test_screenshots.py
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from alerts.correlation.models import Incident
from tests.live import FOCAL_POINT_KIWANJA, FOCAL_POINT_MAVIVI, LiveSystem
from tests.web.console.browser import log_in, wait_live
from tests.web.console.helpers import add_user


def busy_morning(system: LiveSystem) -> None:
    system.text(FOCAL_POINT_MAVIVI, "Attaque ADF en cours à Mavivi, tirs 0.5447, 29.4639")
    system.text("+243990000201", "Watu wanapigwa risasi Mavivi sasa hivi 0.5452, 29.4645")
    system.run_workers()
    system.clock.advance(timedelta(hours=5, minutes=20))
    system.text("+243990000202", "Pillage en cours au marché de Goma -1.6792, 29.2228")
    system.text("+243990000203", "Watu wameuawa Mabanga usiku huu")
    system.text(FOCAL_POINT_KIWANJA, "Tirs entendus, venez vite svp")
    system.run_workers()
    system.clock.advance(timedelta(minutes=2))


def test_screenshots_of_the_queue_and_an_incident(
    page: Page, system: LiveSystem, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("ALERTS_SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    add_user(system.factory, system.clock, "amina", "joc_officer")
    busy_morning(system)
    log_in(page, "amina")
    wait_live(page)
    expect(page.locator("#queue-rows tr[data-incident-id]")).to_have_count(4)
    page.locator("#queue-rows tr[data-incident-id]").first.focus()
    page.screenshot(path=str(folder / "console-queue.png"), full_page=True)

    with system.factory() as session:
        mavivi = session.scalars(select(Incident).order_by(Incident.id)).first()
        assert mavivi is not None
    page.goto(f"/console/incidents/{mavivi.id}")
    expect(page.locator("#map[data-drawn='1']")).to_be_visible()
    page.screenshot(path=str(folder / "console-incident.png"), full_page=True)

    with system.factory() as session:
        ambiguous = session.scalars(
            select(Incident).where(Incident.triage_reason == "ambiguous")
        ).first()
    if ambiguous is not None:
        page.goto(f"/console/incidents/{ambiguous.id}")
        expect(page.get_by_role("heading", name="Which place is meant?")).to_be_visible()
        expect(page.locator("#map[data-drawn='1']")).to_be_visible()
        page.screenshot(path=str(folder / "console-candidates.png"), full_page=True)
