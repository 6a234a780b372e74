"""Live updates between two signed-in users (DESIGN §9) and the version conflict."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    Server,
    display_name,
    saved_location,
    sign_in,
    tab_on_another_worker,
    table_rows,
    wait_rows,
)

pytestmark = pytest.mark.e2e

LATENCY_TARGET_MS = 1000

# Record (browser clock) when an element first shows `expected`, or when it disappears.
WATCH_TEXT_JS = """([selector, expected, key]) => {
  window[key] = null;
  const check = () => {
    if (window[key] !== null) return;
    const el = document.querySelector(selector);
    if (el && el.textContent.trim() === expected) window[key] = Date.now();
  };
  new MutationObserver(check).observe(document.body,
    {subtree: true, childList: true, characterData: true});
  check();
}"""
WATCH_APPEAR_JS = """([selector, key]) => {
  window[key] = null;
  const before = document.querySelectorAll(selector).length;
  const check = () => {
    if (window[key] === null && document.querySelectorAll(selector).length > before)
      window[key] = Date.now();
  };
  new MutationObserver(check).observe(document.body, {subtree: true, childList: true});
}"""
# The moment the browser really dispatches the click (Playwright's own checks come before).
WATCH_CLICK_JS = """(key) => {
  window[key] = null;
  document.addEventListener("click", () => { window[key] = window[key] || Date.now(); },
    {capture: true, once: true});
}"""


def location_cell(page: Page, item_id: str):
    return page.locator(
        f'[data-testid=equipment-table] [data-id="{item_id}"] [data-field=location]'
    )


def open_editor(page: Page, item_id: str) -> None:
    page.locator(
        f'[data-testid=equipment-table] [data-id="{item_id}"] [data-testid=edit-location]'
    ).click()
    expect(page.get_by_test_id("location-input")).to_be_visible()


def two_users(server: Server, new_context) -> tuple[Page, Page]:
    manager = new_context().new_page()
    tech = new_context().new_page()
    sign_in(manager, server.url, "manager")
    sign_in(tech, server.url, "tech")
    wait_rows(manager)
    wait_rows(tech)
    return manager, tech


def test_a_saved_location_appears_on_the_other_users_screen(server: Server, new_context, artifacts):
    check_live_update(server, new_context, artifacts, "PostgreSQL + Redis, 2 workers")


def check_live_update(server: Server, new_context, artifacts, label: str) -> None:
    """Manager saves a location; the technician's list shows it, with the manager's name.

    With Redis (several workers), the technician is a tab whose socket is on another worker
    process than the manager's, so the change really crosses processes."""
    manager, tech = two_users(server, new_context)
    if server.env.get("REDIS_URL"):
        tech = tab_on_another_worker(tech, manager, server, new_context)
        label += " (saver and observer on different worker processes)"
    db = server.env["DATABASE_URL"]
    who = display_name("manager", url=db)
    lines = []
    # Three saves on three items: the first one after start-up pays cold caches.
    for round_no in range(1, 4):
        row = table_rows(manager).nth(round_no - 1)
        item_id = row.get_attribute("data-id")
        item_name = row.locator("th p").first.inner_text().strip()
        new_location = f"Truck {secrets.token_hex(2).upper()}"
        from_ack, from_click, ack = save_and_watch(manager, tech, item_id, new_location)
        slow = f" -- ABOVE {LATENCY_TARGET_MS} ms" if from_ack > LATENCY_TARGET_MS else ""
        lines.append(
            f"round {round_no}: seen {from_ack} ms after the saver's server ack "
            f"({from_click} ms after the save click; the ack came {ack} ms after the click){slow}"
        )
        expect(tech.get_by_test_id("live-notice")).to_have_text(
            f"Location of {item_name} updated by {who}."
        )
        assert saved_location(item_id, url=db) == new_location

    report = f"live update, {label}:\n  " + "\n  ".join(lines)
    print(f"\n[e2e] {report}")
    with (artifacts / "live-latency.txt").open("a") as out:
        out.write(report + "\n")


def save_and_watch(saver: Page, observer: Page, item_id: str, location: str) -> tuple[int, ...]:
    """Save `location` as `saver`; wait until `observer` shows it. Returns (ms from the
    saver's ack toast, ms from the save click, ms from click to ack), all on the browser
    clock."""
    cell = f'[data-testid=equipment-table] [data-id="{item_id}"] [data-field=location]'
    observer.evaluate(WATCH_TEXT_JS, [cell, location, "__seenAt"])
    open_editor(saver, item_id)
    saver.get_by_test_id("location-input").fill(location)
    # The saver's server ack is the "saved" toast: it arrives with the committed result.
    saver.evaluate(WATCH_APPEAR_JS, ["[data-sonner-toast]", "__ackAt"])
    saver.evaluate(WATCH_CLICK_JS, "__clickAt")
    saver.get_by_test_id("save-location").click()

    # Generous for CI noise; the measured latency is reported against the 1 s target.
    expect(location_cell(observer, item_id)).to_have_text(location, timeout=5_000)
    saver.wait_for_function("window.__ackAt !== null", timeout=5_000)
    expect(location_cell(saver, item_id)).to_have_text(location)
    seen_at = observer.evaluate("window.__seenAt")
    ack_at = saver.evaluate("window.__ackAt")
    clicked_at = saver.evaluate("window.__clickAt")
    return seen_at - ack_at, seen_at - clicked_at, ack_at - clicked_at


def test_a_stale_edit_is_refused_with_who_changed_it(server: Server, new_context):
    manager, tech = two_users(server, new_context)
    item_id = table_rows(manager).nth(2).get_attribute("data-id")
    first = f"Bay {secrets.token_hex(2).upper()}"

    open_editor(manager, item_id)
    open_editor(tech, item_id)
    manager.get_by_test_id("location-input").fill(first)
    manager.get_by_test_id("save-location").click()
    expect(manager.get_by_test_id("location-input")).to_have_count(0)
    expect(location_cell(manager, item_id)).to_have_text(first)

    tech.get_by_test_id("location-input").fill("Somewhere else")
    tech.get_by_test_id("save-location").click()
    who = display_name("manager")
    expect(tech.get_by_test_id("edit-conflict")).to_have_text(
        f"{who} changed this item; the saved location is “{first}”."
    )
    expect(tech.get_by_test_id("save-location")).to_have_text("Save anyway")
    expect(location_cell(tech, item_id)).to_have_text(first)
    assert saved_location(item_id) == first


def test_location_validation_is_shown_on_the_field(server: Server, page: Page):
    sign_in(page, server.url, "admin")
    wait_rows(page)
    row = table_rows(page).nth(1)
    item_id = row.get_attribute("data-id")
    before = saved_location(item_id)

    open_editor(page, item_id)
    page.get_by_test_id("location-input").fill("   ")
    page.get_by_test_id("save-location").click()
    expect(page.get_by_test_id("location-error")).to_have_text(
        "Location is required (at most 100 characters)."
    )
    page.get_by_test_id("location-input").fill("x" * 150)
    page.get_by_test_id("save-location").click()
    expect(page.get_by_test_id("location-error")).to_be_visible()
    expect(page.get_by_test_id("location-input")).to_be_visible()
    assert saved_location(item_id) == before
