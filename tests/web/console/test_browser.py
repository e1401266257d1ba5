"""The console in real headless Chromium: what a JOC officer, an evaluator and a
CLA see and do, with SMS and unit replies going through the Twilio sandbox."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.live import FOCAL_POINT_MAVIVI, QRF_BENI_PRIMARY, LiveSystem
from tests.web.console.browser import log_in, only_incident, wait_live
from tests.web.console.helpers import add_user


def test_1_log_in(page: Page, system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    page.goto("/console/")
    expect(page).to_have_url(re.compile(r"/console/login"))
    page.get_by_label("Username").fill("amina")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    log_in(page, "amina")
    expect(page.get_by_text("amina · joc_officer · MONUSCO")).to_be_visible()


def test_2_sms_appears_in_the_queue_without_reload(page: Page, system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    log_in(page, "amina")
    wait_live(page)
    expect(page.get_by_text("Nothing open in your scope.")).to_be_visible()
    page.evaluate("window.__notReloaded = true")

    system.text(FOCAL_POINT_MAVIVI, "Attaque en cours à Mavivi 0.5447, 29.4639")
    system.run_workers()

    incident = only_incident(system)
    row = page.locator(f'tr[data-incident-id="{incident.id}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text(incident.ref)
    expect(row).to_contain_text("1 report · 1 informant")
    assert page.evaluate("window.__notReloaded") is True

    # New corroboration shows too: a second informant about the same attack.
    system.text("+243990000123", "Tirs à Mavivi maintenant 0.5450, 29.4641")
    system.run_workers()
    expect(row).to_contain_text("2 reports · 2 informants")
    assert page.evaluate("window.__notReloaded") is True


def test_queue_keyboard_navigation(page: Page, system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    system.text(FOCAL_POINT_MAVIVI, "Attaque en cours 0.5447, 29.4639")
    system.text("+243990000124", "pillage à Goma -1.6792, 29.2228")
    system.run_workers()
    log_in(page, "amina")
    rows = page.locator("#queue-rows tr[data-incident-id]")
    expect(rows).to_have_count(2)
    # Tab reaches the queue; arrows move between rows; Enter opens the focused one.
    rows.first.focus()
    page.keyboard.press("ArrowDown")
    second = rows.nth(1)
    expect(second).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(rows.first).to_be_focused()
    target = rows.first.get_attribute("data-href")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(target or "")))
    # Severity is written out, not only coloured.
    expect(page.locator(".incident-head .sev")).to_contain_text("severity")


def open_incident(page: Page, system: LiveSystem) -> str:
    """Open the only incident from the queue; returns its reference."""
    incident = only_incident(system)
    page.locator(f'tr[data-incident-id="{incident.id}"] a.ref').click()
    expect(page.get_by_role("heading", name=f"Incident {incident.ref}")).to_be_visible()
    return incident.ref


def verify_if_needed(page: Page) -> None:
    page.get_by_role("button", name="Verify").click()
    expect(page.locator(".flash-ok")).to_have_text("Verified.")
    expect(page.locator(".incident-head")).to_contain_text("verified")


def test_3_officer_verifies_tasks_a_unit_and_sees_the_tasking(
    page: Page, system: LiveSystem
) -> None:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    system.text(FOCAL_POINT_MAVIVI, "Attaque en cours 0.5447, 29.4639")
    system.run_workers()
    log_in(page, "amina")
    open_incident(page, system)
    verify_if_needed(page)

    # Override the routing choice: a reason is required, and goes into the timeline.
    unit = page.get_by_label("Task a unit")
    patrol = unit.locator("option", has_text="PATROL-BENI").get_attribute("value")
    assert patrol is not None
    unit.select_option(patrol)
    page.get_by_label("Reason (required to override the routing choice)").fill(
        "patrol already near Mavivi"
    )
    replace = page.get_by_label(re.compile("Re-task"))
    if replace.count():  # the policy tasked the QRF on verification: re-task
        replace.check()
    page.get_by_role("button", name="Send tasking").click()
    expect(page.locator(".flash-ok")).to_have_text(re.compile("Tasking sent.|Unit re-tasked."))
    tasking = page.locator("#taskings tr", has_text="PATROL-BENI")
    expect(tasking).to_contain_text("pending")
    expect(page.locator("#timeline")).to_contain_text("user:amina")


def test_4_unit_ack_through_the_sandbox_appears_live(page: Page, system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "amina", "joc_officer")
    system.text(FOCAL_POINT_MAVIVI, "Attaque en cours 0.5447, 29.4639")
    system.run_workers()
    log_in(page, "amina")
    ref = open_incident(page, system)
    if page.get_by_role("button", name="Verify").count():
        verify_if_needed(page)
    qrf = page.locator("#taskings tr", has_text="QRF-BENI")
    if not qrf.count():
        page.get_by_label("Task a unit").select_option(
            page.get_by_label("Task a unit")
            .locator("option", has_text="QRF-BENI")
            .get_attribute("value")
        )
        page.get_by_role("button", name="Send tasking").click()
    expect(qrf.locator(".tasking-status")).to_have_text("pending")
    system.run_workers()  # the tasking SMS goes out through the sandbox
    wait_live(page)
    page.evaluate("window.__notReloaded = true")

    system.text(QRF_BENI_PRIMARY, f"ACK {ref}")
    system.run_workers()

    expect(qrf.locator(".tasking-status")).to_have_text("acknowledged")
    expect(page.locator("#timeline")).to_contain_text("tasking.acknowledged")
    assert page.evaluate("window.__notReloaded") is True


def test_5_an_evaluator_cannot_act(page: Page, system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "eva", "evaluator")
    system.text(FOCAL_POINT_MAVIVI, "Attaque en cours 0.5447, 29.4639")
    system.run_workers()
    log_in(page, "eva")
    open_incident(page, system)
    expect(page.get_by_text("can view this incident but not act on it")).to_be_visible()
    for name in ("Verify", "Send tasking", "Relocate", "Close incident", "Reveal"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    expect(page.get_by_role("link", name="Relay an alert")).to_have_count(0)

    # Even a hand-made POST with a valid CSRF token is refused.
    token = page.locator('input[name="csrf_token"]').first.get_attribute("value")
    incident = only_incident(system)
    response = page.request.post(
        f"/console/incidents/{incident.id}/verify", form={"csrf_token": token or ""}
    )
    assert response.status == 403
    assert page.request.get("/console/relay").status == 403
    assert only_incident(system).verified_at is None


def test_6_a_cla_relays_an_alert(page: Page, system: LiveSystem) -> None:
    add_user(system.factory, system.clock, "claire", "cla", cla=True)
    log_in(page, "claire")
    page.get_by_role("link", name="Relay an alert").click()
    page.get_by_label("Radio").check()
    page.get_by_label("When the source reported").fill("2026-03-01T04:50")
    words = "Ba ADF bazali kobundisa bato na Mavivi, bazali kotumba ndako"
    page.get_by_label("What they said (verbatim)").fill(words)
    page.get_by_label("Place, if known").fill("Mavivi")
    page.get_by_role("button", name="Relay alert").click()
    expect(page.locator(".flash-ok")).to_contain_text("Alert relayed")
    wait_live(page)

    system.run_workers()
    incident = only_incident(system)
    row = page.locator(f'tr[data-incident-id="{incident.id}"]')
    expect(row).to_be_visible()
    row.locator("a.ref").click()
    expect(page.locator("blockquote")).to_have_text(words)
    note = page.locator(".relay-note")
    expect(note).to_contain_text("radio")
    expect(note).to_contain_text("Mavivi")
    # Typed in Kinshasa time (UTC+1): stored as UTC.
    expect(note).to_contain_text("2026-03-01T03:50:00+00:00")
