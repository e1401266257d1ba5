"""Real headless Chromium (Debian's), driven by Playwright, started by the suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.live import LiveSystem

CHROMIUM = Path(os.environ.get("ALERTS_TEST_CHROMIUM", "/usr/bin/chromium"))
# No internet here: without these, Chromium's background connections misbehave.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, system: LiveSystem) -> Iterator[Page]:
    """A fresh browser context per test (no shared cookies), closed before the system stops."""
    context = browser.new_context(
        base_url=system.web_url,
        viewport={"width": 1400, "height": 900},
        timezone_id="Africa/Kinshasa",
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    context.close()
    assert errors == [], f"script errors or CSP violations in the page: {errors}"
