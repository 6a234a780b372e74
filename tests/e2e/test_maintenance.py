"""Maintenance in the browser: a Technician raises a request on an item (picker), sees its
history, logs a repair moving the units back to good (after a field message), and the item's
counts follow (also on another user's open page); a log is corrected (versioned edit, also
from the history) and closed after confirmation; a Viewer sees no write controls;
screenshots at phone, tablet and desktop sizes."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, db_execute, db_scalar, sign_in

pytestmark = pytest.mark.e2e

SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}


def insert_item(name: str, quantity: int = 4) -> str:
    """An all-good item written straight to the database."""
    code = f"E2E-{secrets.token_hex(3).upper()}"
    db_execute(
        "INSERT INTO equipment_item (id, version, created_at, updated_at, name, category_id, "
        "item_type, quantity, qty_good, qty_damaged, qty_maintenance, status, location, "
        "daily_rate, asset_code, low_stock_threshold) VALUES (gen_random_uuid(), 1, now(), "
        "now(), :name, (SELECT id FROM category ORDER BY name LIMIT 1), 'equipment', :q, :q, "
        "0, 0, 'good', 'Aisle M · Shelf 2', 10, :code, 0)",
        name=name,
        q=quantity,
        code=code,
    )
    return str(db_scalar("SELECT id FROM equipment_item WHERE asset_code = :c", c=code))


def counts(item_id: str) -> tuple[int, int, int]:
    return (
        db_scalar("SELECT qty_good FROM equipment_item WHERE id = :i", i=item_id),
        db_scalar("SELECT qty_damaged FROM equipment_item WHERE id = :i", i=item_id),
        db_scalar("SELECT qty_maintenance FROM equipment_item WHERE id = :i", i=item_id),
    )


def card(page: Page, item_id: str):
    return page.locator(f"[data-testid=maintenance-item][data-id='{item_id}']")


def open_maintenance(page: Page, server: Server, username: str) -> None:
    sign_in(page, server.url, username, path="/maintenance")
    expect(page.get_by_test_id("maintenance-item").first).to_be_visible(timeout=30_000)


def test_raise_request_then_repair_back_to_good(server: Server, page: Page, new_context):
    name = f"E2E Moving Head {secrets.token_hex(2).upper()}"
    item_id = insert_item(name)
    watcher = new_context().new_page()
    open_maintenance(watcher, server, "viewer")
    open_maintenance(page, server, "tech")
    expect(card(page, item_id)).to_have_count(0)  # all good: not listed

    # Raise a request from the header, choosing the item in the picker.
    page.get_by_test_id("new-request").click()
    page.get_by_test_id("maint-item-search").fill(name)
    option = page.locator(f"[data-testid=maint-option][data-id='{item_id}']")
    option.click()
    expect(page.get_by_test_id("maint-item")).to_contain_text(name)
    page.fill("#maint-units", "2")
    page.fill("#maint-description", "Pan motor noisy, send for service")
    page.get_by_test_id("maint-save").click()
    expect(page.get_by_test_id("maint-form")).to_be_hidden(timeout=15_000)

    row = card(page, item_id)
    expect(row).to_be_visible(timeout=15_000)
    expect(row.locator("[data-field=good]")).to_have_text("2")
    expect(row.locator("[data-field=maintenance]")).to_have_text("2")
    expect(row.get_by_test_id("maintenance-log")).to_have_count(1)
    expect(row.get_by_test_id("maintenance-log")).to_contain_text("Good → Maintenance")
    assert counts(item_id) == (2, 0, 2)
    # Another user's open page follows without a reload.
    expect(card(watcher, item_id).locator("[data-field=maintenance]")).to_have_text(
        "2", timeout=15_000
    )

    row.get_by_test_id("item-history").click()
    expect(page.get_by_test_id("history-list").get_by_test_id("maintenance-log")).to_have_count(1)
    page.get_by_role("button", name="Done").click()

    # Log the repair: a too-short description is refused field by field, then it saves.
    row.get_by_test_id("log-repair").click()
    expect(page.get_by_test_id("maint-item")).to_contain_text(name)
    page.fill("#maint-units", "2")
    page.fill("#maint-description", "abc")
    page.get_by_test_id("maint-save").click()
    expect(page.get_by_test_id("error-description")).to_contain_text("at least 5 characters")
    assert counts(item_id) == (2, 0, 2)
    page.fill("#maint-description", "Belt and bearings replaced")
    page.fill("#maint-cost", "45.50")
    page.get_by_test_id("maint-save").click()
    expect(page.get_by_test_id("maint-form")).to_be_hidden(timeout=15_000)
    # Back to good and the request closed: nothing left to show for the item.
    expect(card(page, item_id)).to_have_count(0, timeout=15_000)
    expect(card(watcher, item_id)).to_have_count(0, timeout=15_000)
    assert counts(item_id) == (4, 0, 0)
    assert (
        db_scalar(
            "SELECT count(*) FROM maintenance_log WHERE equipment_id = :i AND status = 'open'",
            i=item_id,
        )
        == 0
    )
    cost = db_scalar(
        "SELECT cost FROM maintenance_log WHERE equipment_id = :i AND to_status = 'good'",
        i=item_id,
    )
    assert str(cost) == "45.50"

    # The item page shows the counts and both logs.
    page.goto(f"{server.url}/equipment/{item_id}")
    expect(page.get_by_test_id("count-good")).to_have_text("4", timeout=30_000)
    expect(page.get_by_test_id("equipment-maintenance")).to_have_count(2)


def test_close_log_after_confirmation(server: Server, page: Page):
    name = f"E2E Console {secrets.token_hex(2).upper()}"
    item_id = insert_item(name, quantity=2)
    open_maintenance(page, server, "manager")
    page.goto(f"{server.url}/equipment/{item_id}")
    page.get_by_test_id("item-raise-request").click()
    page.fill("#maint-description", "Firmware update and fader clean")
    page.get_by_test_id("maint-save").click()
    expect(page.get_by_test_id("count-maintenance")).to_have_text("1", timeout=15_000)

    page.goto(f"{server.url}/maintenance")
    row = card(page, item_id)
    expect(row).to_be_visible(timeout=30_000)
    # Correct the cost of the log (a versioned edit), then close it.
    row.get_by_test_id("edit-log").click()
    page.fill("#log-cost", "-5")
    page.get_by_test_id("save-log").click()
    expect(page.get_by_test_id("error-cost")).to_contain_text("0 or more")
    page.fill("#log-cost", "30")
    page.get_by_test_id("save-log").click()
    expect(page.get_by_test_id("log-form")).to_be_hidden(timeout=15_000)
    expect(row.get_by_test_id("maintenance-log")).to_contain_text("€30.00")
    row.get_by_test_id("close-log").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Firmware update and fader clean")
    page.get_by_test_id("confirm-close").click()
    expect(row.get_by_test_id("maintenance-log")).to_have_count(0, timeout=15_000)
    # Closing moves no units: the item is still listed with its unit in maintenance.
    expect(row.locator("[data-field=maintenance]")).to_have_text("1")
    assert counts(item_id) == (1, 0, 1)


def test_viewer_sees_no_write_controls(server: Server, page: Page):
    open_maintenance(page, server, "viewer")
    first = page.get_by_test_id("maintenance-item").first
    expect(first.get_by_test_id("item-history")).to_be_visible()
    for testid in ("new-request", "raise-request", "log-repair", "close-log", "edit-log"):
        expect(page.get_by_test_id(testid)).to_have_count(0)
    first.get_by_test_id("item-history").click()
    expect(page.get_by_test_id("history-list")).to_be_visible()
    expect(page.get_by_test_id("close-log")).to_have_count(0)


@pytest.mark.parametrize("size", list(SIZES))
def test_maintenance_screenshots(server: Server, new_context, artifacts, size: str):
    width, height = SIZES[size]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    open_maintenance(page, server, "tech")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"maintenance-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.get_by_test_id("log-repair").first.click()
    expect(page.get_by_test_id("maint-form")).to_be_visible()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"maintenance-repair-{size}.png"))


def test_edit_a_log_from_the_history(server: Server, page: Page):
    name = f"E2E Hoist {secrets.token_hex(2).upper()}"
    item_id = insert_item(name, quantity=3)
    open_maintenance(page, server, "tech")
    page.goto(f"{server.url}/equipment/{item_id}")
    page.get_by_test_id("item-raise-request").click()
    page.fill("#maint-description", "Chain inspection due")
    page.get_by_test_id("maint-save").click()
    expect(page.get_by_test_id("count-maintenance")).to_have_text("1", timeout=15_000)

    page.goto(f"{server.url}/maintenance")
    card(page, item_id).get_by_test_id("item-history").click()
    history = page.get_by_test_id("history-list")
    expect(history.get_by_test_id("maintenance-log")).to_have_count(1)
    history.get_by_test_id("edit-log").click()
    page.fill("#log-description", "Chain inspected, two links replaced")
    page.get_by_test_id("save-log").click()
    expect(page.get_by_test_id("log-form")).to_be_hidden(timeout=15_000)
    expect(history).to_contain_text("Chain inspected, two links replaced", timeout=15_000)
    assert (
        db_scalar("SELECT description FROM maintenance_log WHERE equipment_id = :i", i=item_id)
        == "Chain inspected, two links replaced"
    )
