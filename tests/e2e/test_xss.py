"""Markup in user data renders as text: an item named `<img src=x onerror=alert(1)>` in the
inventory table, the grid and the item page, and a client named `<script>alert(1)</script>`
in the client list and the client page. No dialog may open and no element may be created
from the payload."""

from __future__ import annotations

import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, db_execute, db_scalar, sign_in, table_rows, wait_rows

pytestmark = pytest.mark.e2e

IMG_PAYLOAD = "<img src=x onerror=alert(1)>"
SCRIPT_PAYLOAD = "<script>alert(1)</script>"


def insert_item(name: str) -> str:
    """An item written straight to the database (as an import or the API could store it)."""
    code = f"XSS-{secrets.token_hex(3).upper()}"
    db_execute(
        "INSERT INTO equipment_item (id, version, created_at, updated_at, name, description, "
        "category_id, subcategory_id, item_type, quantity, qty_good, qty_damaged, "
        "qty_maintenance, status, location, daily_rate, asset_code, low_stock_threshold) "
        "SELECT gen_random_uuid(), 1, now(), now(), :name, :name, category_id, subcategory_id, "
        "item_type, 2, 2, 0, 0, 'good', :name, 10.00, :code, 0 FROM equipment_item "
        "WHERE item_type = 'equipment' LIMIT 1",
        name=name,
        code=code,
    )
    return str(db_scalar("SELECT id FROM equipment_item WHERE asset_code = :c", c=code))


def insert_client(name: str) -> str:
    db_execute(
        "INSERT INTO client (id, version, created_at, updated_at, name, notes) "
        "VALUES (gen_random_uuid(), 1, now(), now(), :n, :n)",
        n=name,
    )
    return str(db_scalar("SELECT id FROM client WHERE name = :n", n=name))


def watch_dialogs(page: Page) -> list[str]:
    fired: list[str] = []

    def on_dialog(dialog) -> None:
        fired.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return fired


def assert_inert(page: Page, fired: list[str]) -> None:
    page.wait_for_timeout(500)  # an onerror handler of a broken image runs asynchronously
    assert fired == [], f"a dialog opened: {fired}"
    assert page.locator('img[src="x"]').count() == 0
    # Neither payload became an element: no <script> holding it, no <img> pointing at "x".
    assert page.evaluate("[...document.scripts].every(s => !s.textContent.includes('alert(1)'))"), (
        "a <script> element with the payload exists"
    )


def test_item_name_renders_as_text_in_table_grid_and_detail(server: Server, page: Page):
    fired = watch_dialogs(page)
    item_id = insert_item(IMG_PAYLOAD)
    sign_in(page, server.url, "manager")
    wait_rows(page)
    page.get_by_test_id("equipment-search").fill("XSS-")
    row = table_rows(page).filter(has=page.get_by_text(IMG_PAYLOAD, exact=True))
    expect(row).to_have_count(1)
    expect(row.locator("[data-field=name]")).to_have_text(IMG_PAYLOAD)
    expect(row.locator("[data-field=location]")).to_have_text(IMG_PAYLOAD)
    assert_inert(page, fired)

    page.get_by_test_id("view-grid").click()
    tile = page.locator(f'[data-testid=equipment-tile][data-id="{item_id}"]')
    expect(tile.locator("[data-field=name]")).to_have_text(IMG_PAYLOAD)
    expect(tile.get_by_test_id("tile-placeholder")).to_be_visible()
    assert_inert(page, fired)

    tile.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/equipment/{item_id}/?$"), timeout=30_000)
    expect(page.get_by_test_id("item-name")).to_have_text(IMG_PAYLOAD, timeout=30_000)
    expect(page.get_by_text(IMG_PAYLOAD, exact=True).first).to_be_visible()
    assert_inert(page, fired)

    # The edit dialog shows it as a field value, still inert.
    page.get_by_test_id("edit-equipment").first.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert_inert(page, fired)


def test_client_name_renders_as_text_in_list_and_detail(server: Server, page: Page):
    fired = watch_dialogs(page)
    client_id = insert_client(SCRIPT_PAYLOAD)
    sign_in(page, server.url, "manager", path="/clients")
    page.get_by_test_id("client-search").fill("script")
    row = page.locator(f'[data-testid=client-table] [data-id="{client_id}"]')
    expect(row).to_contain_text(SCRIPT_PAYLOAD, timeout=30_000)
    assert_inert(page, fired)

    page.goto(f"{server.url}/clients/{client_id}")
    expect(page.get_by_test_id("client-name")).to_have_text(SCRIPT_PAYLOAD, timeout=30_000)
    assert_inert(page, fired)
