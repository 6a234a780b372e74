"""Equipment create / edit / delete in the browser and the item page: a field message then a
save, the live count check and consumable rate, a manager's edit (asset code shown), the
versioned edit conflict between two users, role-based actions, delete refused while booked,
delete after confirmation, the item page (counts, upcoming bookings, history, not found) and
screenshots of the dialog and the item page."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, db_execute, db_scalar, display_name, sign_in, table_rows

pytestmark = pytest.mark.e2e

SIZES = {"phone": (390, 844), "desktop": (1440, 900)}


def open_inventory(page: Page, server: Server, username: str) -> None:
    sign_in(page, server.url, username, path="/equipment")
    expect(table_rows(page).first).to_be_visible(timeout=30_000)


def search(page: Page, term: str) -> None:
    page.get_by_test_id("equipment-search").fill(term)


def row_named(page: Page, name: str):
    return table_rows(page).filter(has=page.get_by_text(name, exact=True))


def find_row(page: Page, name: str):
    search(page, name)
    expect(row_named(page, name)).to_have_count(1)
    return row_named(page, name)


def insert_item(name: str, *, location: str = "Shelf E2E") -> str:
    """A fresh all-good item (4 units) written straight to the database, copying the
    category and type of a seeded hire item (no change published)."""
    code = f"E2E-{secrets.token_hex(3).upper()}"
    db_execute(
        "INSERT INTO equipment_item (id, version, created_at, updated_at, name, category_id, "
        "subcategory_id, item_type, quantity, qty_good, qty_damaged, qty_maintenance, status, "
        "location, daily_rate, asset_code, low_stock_threshold) "
        "SELECT gen_random_uuid(), 1, now(), now(), :name, category_id, subcategory_id, "
        "item_type, 4, 4, 0, 0, status, :loc, 25.00, :code, 0 FROM equipment_item "
        "WHERE qty_damaged = 0 AND qty_maintenance = 0 AND daily_rate > 0 LIMIT 1",
        name=name,
        loc=location,
        code=code,
    )
    return str(db_scalar("SELECT id FROM equipment_item WHERE name = :n", n=name))


def booked_item() -> tuple[str, str, str]:
    """(id, name, event name) of an item booked on a current or future event."""
    item_id = str(
        db_scalar(
            "SELECT r.equipment_id FROM rental r JOIN event e ON e.id = r.event_id "
            "WHERE e.end_date >= current_date ORDER BY e.start_date, r.equipment_id LIMIT 1"
        )
    )
    name = db_scalar("SELECT name FROM equipment_item WHERE id = :i", i=item_id)
    event = db_scalar(
        "SELECT e.name FROM rental r JOIN event e ON e.id = r.event_id "
        "WHERE r.equipment_id = :i AND e.end_date >= current_date "
        "ORDER BY e.start_date LIMIT 1",
        i=item_id,
    )
    return item_id, name, event


def choose(page: Page, field: str, option: str) -> None:
    page.get_by_test_id(f"equipment-{field}").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_technician_creates_an_item_after_a_field_message(server: Server, page: Page):
    open_inventory(page, server, "tech")
    expect(page.get_by_test_id("delete-equipment")).to_have_count(0)  # no equipment:delete
    category = db_scalar("SELECT name FROM category ORDER BY position, name LIMIT 1")
    name = f"E2E Wireless Mic {secrets.token_hex(2).upper()}"
    page.get_by_test_id("new-equipment").click()
    expect(page.get_by_test_id("equipment-asset_code")).to_have_count(0)  # tech: generated
    page.get_by_test_id("equipment-name").fill(name)
    choose(page, "category_id", category)
    page.get_by_test_id("equipment-location").fill("Shelf E2E-1")
    page.get_by_test_id("equipment-quantity").fill("4")
    expect(page.get_by_test_id("counts-check")).to_have_text("4 of 4 will be good.")
    page.get_by_test_id("equipment-quantity_good").fill("3")
    expect(page.get_by_test_id("counts-check")).to_contain_text("must sum to quantity 4")
    page.get_by_test_id("equipment-quantity_good").fill("")

    choose(page, "type", "Consumable")
    expect(page.get_by_test_id("equipment-daily_rate")).to_be_disabled()
    expect(page.get_by_test_id("equipment-daily_rate")).to_have_value("0.00")
    choose(page, "type", "Equipment")
    page.get_by_test_id("equipment-daily_rate").fill("-5")
    page.get_by_test_id("equipment-daily_rate").press("Enter")
    expect(page.get_by_test_id("error-daily_rate")).to_have_text("Daily rate must be 0 or more.")
    assert db_scalar("SELECT count(*) FROM equipment_item WHERE name = :n", n=name) == 0

    page.get_by_test_id("equipment-daily_rate").fill("45.50")
    page.get_by_test_id("save-equipment").click()
    expect(page.get_by_test_id("equipment-form")).to_have_count(0)
    row = find_row(page, name)
    expect(row.locator("td[data-field=rate]")).to_have_text("€45.50")
    assert db_scalar("SELECT qty_good FROM equipment_item WHERE name = :n", n=name) == 4
    code = db_scalar("SELECT asset_code FROM equipment_item WHERE name = :n", n=name)
    assert code and "-" in code  # generated from the category prefix


def test_manager_edits_an_item_and_sets_its_asset_code(server: Server, page: Page):
    name = f"E2E Edit Me {secrets.token_hex(2).upper()}"
    insert_item(name)
    code = f"MGR-{secrets.token_hex(2).upper()}"
    open_inventory(page, server, "manager")
    find_row(page, name).get_by_test_id("edit-equipment").click()
    expect(page.get_by_test_id("equipment-name")).to_have_value(name)
    expect(page.get_by_test_id("equipment-quantity_good")).to_have_value("4")
    page.get_by_test_id("equipment-location").fill("Rack M-7")
    page.get_by_test_id("equipment-quantity_damaged").fill("1")
    page.get_by_test_id("equipment-quantity_good").fill("3")
    page.get_by_test_id("equipment-asset_code").fill(code.lower())
    page.get_by_test_id("save-equipment").click()
    expect(page.get_by_test_id("equipment-form")).to_have_count(0)
    expect(row_named(page, name).locator("[data-field=location]")).to_have_text("Rack M-7")
    assert db_scalar("SELECT asset_code FROM equipment_item WHERE name = :n", n=name) == code
    assert db_scalar("SELECT qty_damaged FROM equipment_item WHERE name = :n", n=name) == 1
    assert db_scalar("SELECT version FROM equipment_item WHERE name = :n", n=name) == 2


def test_edit_conflict_shows_each_field_and_applies_mine_on_top(
    server: Server, new_context, artifacts
):
    name = f"E2E Conflict Item {secrets.token_hex(2).upper()}"
    insert_item(name, location="Shelf C-1")
    first, second = new_context().new_page(), new_context().new_page()
    for page, user in ((first, "manager"), (second, "admin")):
        open_inventory(page, server, user)
        find_row(page, name).get_by_test_id("edit-equipment").click()
        expect(page.get_by_test_id("equipment-name")).to_have_value(name)

    first.get_by_test_id("equipment-location").fill("Shelf C-2")
    first.get_by_test_id("equipment-description").fill("Spare capsule in the case.")
    first.get_by_test_id("save-equipment").click()
    expect(first.get_by_test_id("equipment-form")).to_have_count(0)

    who = display_name("manager")
    expect(second.get_by_test_id("form-stale")).to_contain_text(f"{who} just saved changes")
    second.get_by_test_id("equipment-location").fill("Shelf C-9")
    second.get_by_test_id("equipment-low_stock_threshold").fill("2")
    second.get_by_test_id("save-equipment").click()

    expect(second.get_by_test_id("edit-conflict")).to_have_text(
        f"{who} changed this item while you were editing."
    )
    rows = second.get_by_test_id("conflict-row")
    expect(rows).to_have_count(3)
    location = second.locator("[data-testid=conflict-row][data-field=location]")
    expect(location.locator("[data-col=mine]")).to_have_text("Shelf C-9")
    expect(location.locator("[data-col=saved]")).to_have_text("Shelf C-2")
    description = second.locator("[data-testid=conflict-row][data-field=description]")
    expect(description.locator("[data-col=mine]")).to_have_text("(empty)")
    expect(description.locator("[data-col=saved]")).to_have_text("Spare capsule in the case.")
    expect(second.get_by_test_id("save-equipment")).to_have_count(0)  # no blind overwrite
    second.screenshot(path=str(artifacts / "equipment-conflict-desktop.png"))
    assert db_scalar("SELECT location FROM equipment_item WHERE name = :n", n=name) == "Shelf C-2"

    second.get_by_test_id("apply-mine").click()
    expect(second.get_by_test_id("equipment-form")).to_have_count(0)
    assert db_scalar("SELECT location FROM equipment_item WHERE name = :n", n=name) == "Shelf C-9"
    assert db_scalar("SELECT low_stock_threshold FROM equipment_item WHERE name = :n", n=name) == 2
    assert db_scalar("SELECT description FROM equipment_item WHERE name = :n", n=name) == (
        "Spare capsule in the case."
    )


@pytest.mark.parametrize("username", ["viewer", "employee"])
def test_read_only_roles_see_no_create_edit_or_delete(server: Server, page: Page, username):
    item_id, _name, _event = booked_item()
    open_inventory(page, server, username)
    expect(page.get_by_test_id("new-equipment")).to_have_count(0)
    expect(page.get_by_test_id("edit-equipment")).to_have_count(0)
    expect(page.get_by_test_id("delete-equipment")).to_have_count(0)
    page.goto(f"{server.url}/equipment/{item_id}")
    expect(page.get_by_test_id("item-name")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("edit-equipment")).to_have_count(0)
    expect(page.get_by_test_id("delete-equipment")).to_have_count(0)


def test_delete_of_a_booked_item_is_refused_with_the_reason(server: Server, page: Page):
    item_id, name, event = booked_item()
    sign_in(page, server.url, "manager", path=f"/equipment/{item_id}")
    expect(page.get_by_test_id("item-name")).to_have_text(name, timeout=30_000)
    page.get_by_test_id("delete-equipment").click()
    expect(page.get_by_role("alertdialog")).to_contain_text(f"{name} (")
    page.get_by_test_id("confirm-delete").click()
    error = page.get_by_test_id("delete-error")
    expect(error).to_contain_text(f"'{name}' has rentals on current or future events")
    expect(error).to_contain_text(event)
    expect(page.get_by_test_id("confirm-delete")).to_have_count(0)
    assert db_scalar("SELECT count(*) FROM equipment_item WHERE id = :i", i=item_id) == 1


def test_delete_of_a_fresh_item_after_confirmation(server: Server, page: Page):
    name = f"E2E Delete Item {secrets.token_hex(2).upper()}"
    insert_item(name)
    open_inventory(page, server, "admin")
    find_row(page, name).get_by_test_id("delete-equipment").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    assert db_scalar("SELECT count(*) FROM equipment_item WHERE name = :n", n=name) == 1

    row_named(page, name).get_by_test_id("delete-equipment").click()
    expect(page.get_by_role("alertdialog")).to_contain_text(name)
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("equipment-no-results")).to_be_visible()
    assert db_scalar("SELECT count(*) FROM equipment_item WHERE name = :n", n=name) == 0


def test_item_page_shows_counts_bookings_and_history(server: Server, page: Page):
    item_id, name, event = booked_item()
    sign_in(page, server.url, "viewer", path=f"/equipment/{item_id}")
    expect(page.get_by_test_id("item-name")).to_have_text(name, timeout=30_000)
    for status, column in (("good", "qty_good"), ("damaged", "qty_damaged")):
        count = db_scalar(f"SELECT {column} FROM equipment_item WHERE id = :i", i=item_id)
        expect(page.get_by_test_id(f"count-{status}")).to_have_text(str(count))
    bookings = db_scalar(
        "SELECT count(*) FROM rental r JOIN event e ON e.id = r.event_id "
        "WHERE r.equipment_id = :i AND e.end_date >= current_date",
        i=item_id,
    )
    expect(page.get_by_test_id("equipment-booking")).to_have_count(bookings)
    expect(page.get_by_test_id("equipment-bookings")).to_contain_text(event)
    code = db_scalar("SELECT asset_code FROM equipment_item WHERE id = :i", i=item_id)
    expect(page.locator("[data-field=asset_code]")).to_have_text(code)

    page.goto(f"{server.url}/equipment/00000000-0000-4000-8000-000000000000")
    expect(page.get_by_test_id("equipment-not-found")).to_be_visible(timeout=30_000)
    page.goto(f"{server.url}/equipment/not-a-uuid")
    expect(page.get_by_test_id("equipment-not-found")).to_be_visible(timeout=30_000)


def test_item_page_shows_history_and_follows_edits(server: Server, new_context):
    name = f"E2E Watched Item {secrets.token_hex(2).upper()}"
    item_id = insert_item(name, location="Shelf W-1")
    writer, watcher = new_context().new_page(), new_context().new_page()
    sign_in(watcher, server.url, "viewer", path=f"/equipment/{item_id}")
    expect(watcher.get_by_test_id("item-name")).to_have_text(name, timeout=30_000)
    sign_in(writer, server.url, "tech", path=f"/equipment/{item_id}")
    writer.get_by_test_id("edit-equipment").click()
    expect(writer.get_by_test_id("equipment-name")).to_have_value(name)
    writer.get_by_test_id("equipment-location").fill("Shelf W-2")
    writer.get_by_test_id("equipment-location").press("Enter")
    expect(writer.get_by_test_id("equipment-form")).to_have_count(0)
    expect(writer.locator("[data-field=location]")).to_have_text("Shelf W-2")
    history = writer.get_by_test_id("equipment-history").first
    expect(history).to_contain_text("Changed by tech")
    expect(history).to_contain_text("Location: Shelf W-1 → Shelf W-2")

    who = display_name("tech")
    expect(watcher.locator("[data-field=location]")).to_have_text("Shelf W-2", timeout=5_000)
    expect(watcher.get_by_test_id("live-notice")).to_have_text(f"{name} was updated by {who}.")


@pytest.mark.parametrize("size", list(SIZES))
def test_inventory_form_and_item_page_screenshots(
    server: Server, new_context, artifacts, size: str
):
    width, height = SIZES[size]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    item_id, _name, _event = booked_item()
    sign_in(page, server.url, "admin", path=f"/equipment/{item_id}")
    expect(page.get_by_test_id("equipment-booking").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"equipment-detail-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.get_by_test_id("edit-equipment").click()
    expect(page.get_by_test_id("equipment-quantity")).to_be_visible()
    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts / f"equipment-form-{size}.png"))
