"""Screenshots of the main screens (light mode) at phone, tablet and desktop sizes, kept in
tests/e2e/artifacts/ for review: sign-in, the inventory list as a table and as a grid, an item
page, and the item edit dialog. Each also checks that nothing overflows horizontally and, for
the dialog, that it fits the screen with its Save button reachable."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, db_scalar, sign_in, wait_login_ready

pytestmark = pytest.mark.e2e

SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}


def no_horizontal_overflow(page: Page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what}: the page is {overflow}px wider than the screen"


def open_page(new_context, server: Server, size: str, path: str = "/equipment") -> Page:
    width, height = SIZES[size]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, "admin", path=path)
    return page


def test_login_page_screenshot(server: Server, new_context, artifacts):
    page = new_context().new_page()
    page.goto(f"{server.url}/login")
    wait_login_ready(page)
    page.screenshot(path=str(artifacts / "login-desktop.png"))


@pytest.mark.parametrize("size", list(SIZES))
def test_equipment_list_screenshots(server: Server, new_context, artifacts, size: str):
    page = open_page(new_context, server, size)
    rows = "equipment-card" if size == "phone" else "equipment-row"
    expect(page.get_by_test_id(rows).first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)  # let fonts and badges settle
    page.screenshot(path=str(artifacts / f"equipment-{size}.png"))
    no_horizontal_overflow(page, f"table {size}")

    filters = page.get_by_test_id("equipment-filters")
    if size == "phone":  # folded behind the Filters button, which says how many are set
        expect(filters).to_be_hidden()
        page.get_by_test_id("filters-toggle").click()
        expect(filters).to_be_visible()
        page.get_by_test_id("status-filter").get_by_role("combobox").click()
        page.get_by_role("option", name="Good", exact=True).click()
        expect(page.get_by_test_id("filters-toggle")).to_have_text("1")
        page.screenshot(path=str(artifacts / "equipment-filters-phone.png"))
        page.get_by_test_id("clear-filters").click()
        expect(page.get_by_test_id("filters-toggle")).to_have_text("")
    else:
        expect(filters).to_be_visible()
        expect(page.get_by_test_id("filters-toggle")).to_be_hidden()

    page.get_by_test_id("view-grid").click()
    tiles = page.get_by_test_id("equipment-tile")
    expect(tiles.first).to_be_visible()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"equipment-grid-{size}.png"))
    no_horizontal_overflow(page, f"grid {size}")
    # Columns per screen: 1 on a phone, 2-3 on a tablet, 4-5 on a desktop.
    columns = page.evaluate(
        "getComputedStyle(document.querySelector('[data-testid=equipment-grid]'))"
        ".gridTemplateColumns.split(' ').length"
    )
    assert columns in {"phone": {1}, "tablet": {2, 3}, "desktop": {4, 5}}[size], columns


@pytest.mark.parametrize("size", list(SIZES))
def test_item_page_and_edit_dialog_screenshots(server: Server, new_context, artifacts, size):
    item_id = db_scalar(
        "SELECT id FROM equipment_item WHERE subcategory_id IS NOT NULL ORDER BY name LIMIT 1"
    )
    page = open_page(new_context, server, size, path=f"/equipment/{item_id}")
    expect(page.get_by_test_id("item-name")).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"equipment-detail-{size}.png"), full_page=True)
    no_horizontal_overflow(page, f"item page {size}")

    page.get_by_test_id("edit-equipment").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(page.get_by_test_id("equipment-name")).to_be_visible()
    page.wait_for_timeout(400)  # the dialog's open animation
    page.screenshot(path=str(artifacts / f"equipment-edit-{size}.png"))
    box = dialog.bounding_box()
    assert box is not None
    width, _height = SIZES[size]
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"dialog off screen: {box}"
    save = page.get_by_test_id("save-equipment")
    save.scroll_into_view_if_needed()
    expect(save).to_be_in_viewport()
    no_horizontal_overflow(page, f"edit dialog {size}")
