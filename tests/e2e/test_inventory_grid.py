"""The inventory list's grid view and filters in the browser: table ↔ grid (remembered on
the device across reloads), every filter against the database (category, subcategory,
status, type, location), subcategory options following the category, filters kept in the
URL, page size, and "Clear filters"."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, api_token, db_scalar, sign_in, table_rows, wait_rows

pytestmark = pytest.mark.e2e


def tiles(page: Page):
    return page.locator("[data-testid=equipment-grid] [data-testid=equipment-tile]")


def label(page: Page):
    return page.get_by_test_id("page-label")


def expect_total(page: Page, total: int) -> None:
    """The list's "Page x of y · n items" names `total` items (or the no-results box)."""
    if total == 0:
        expect(page.get_by_test_id("equipment-no-results")).to_be_visible()
        return
    noun = "item" if total == 1 else "items"
    expect(label(page)).to_have_text(re.compile(rf"· {total} {noun}$"))


def choose(page: Page, testid: str, option: str) -> None:
    page.get_by_test_id(testid).get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()


def db_names(sql: str, **params) -> list[str]:
    import sqlalchemy as sa

    from tests.e2e.conftest import E2E_DATABASE_URL

    engine = sa.create_engine(E2E_DATABASE_URL)
    try:
        with engine.connect() as conn:
            return [r[0] for r in conn.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def test_grid_table_toggle_survives_reload(server: Server, page: Page):
    sign_in(page, server.url, "viewer")
    wait_rows(page)
    expect(page.get_by_test_id("equipment-grid")).to_have_count(0)

    page.get_by_test_id("view-grid").click()
    expect(tiles(page)).to_have_count(20)
    expect(table_rows(page)).to_have_count(0)
    first = tiles(page).first
    expect(first.locator("[data-field=name]")).not_to_be_empty()
    expect(first.locator("[data-field=qty]")).to_have_text(re.compile(r"^\d+/\d+$"))
    expect(first.locator("[data-field=rate]")).to_have_text(re.compile(r"^€"))
    # Seeded items have no photo yet: the category icon stands in.
    expect(first.get_by_test_id("tile-placeholder")).to_be_visible()

    page.reload()
    expect(tiles(page)).to_have_count(20, timeout=30_000)
    expect(table_rows(page)).to_have_count(0)
    assert page.evaluate("localStorage.getItem('avr-equipment-view')") == "grid"

    # A card opens the item page.
    name = tiles(page).nth(2).locator("[data-field=name]").inner_text()
    item_id = tiles(page).nth(2).get_attribute("data-id")
    tiles(page).nth(2).get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/equipment/{item_id}/?$"), timeout=30_000)
    expect(page.get_by_test_id("item-name")).to_have_text(name, timeout=30_000)

    page.go_back()
    expect(tiles(page)).to_have_count(20, timeout=30_000)
    page.get_by_test_id("view-table").click()
    wait_rows(page)
    page.reload()
    wait_rows(page)
    expect(page.get_by_test_id("equipment-grid")).to_have_count(0)


def test_each_filter_narrows_like_the_database(server: Server, page: Page):
    sign_in(page, server.url, "manager")
    wait_rows(page)
    total = db_scalar("SELECT count(*) FROM equipment_item")
    expect_total(page, total)

    # Status
    for status, option in (("damaged", "Damaged"), ("good", "Good")):
        choose(page, "status-filter", option)
        expect_total(
            page, db_scalar("SELECT count(*) FROM equipment_item WHERE status=:s", s=status)
        )
    expect(page).to_have_url(re.compile(r"[?&]status=good"))
    for row in table_rows(page).all():
        expect(row.get_by_text("Good", exact=True)).to_be_visible()
    choose(page, "status-filter", "Any status")
    expect_total(page, total)

    # Type
    consumables = db_scalar("SELECT count(*) FROM equipment_item WHERE item_type='consumable'")
    assert consumables > 0, "the demo data should have consumables"
    choose(page, "type-filter", "Consumables")
    expect_total(page, consumables)
    expect(page).to_have_url(re.compile(r"[?&]type=consumable"))
    names = set(db_names("SELECT name FROM equipment_item WHERE item_type='consumable'"))
    shown = {r.locator("[data-field=name]").inner_text() for r in table_rows(page).all()}
    assert shown and shown <= names

    choose(page, "type-filter", "All types")
    expect_total(page, total)

    # Location: "starts with", case-insensitive.
    location = db_scalar(
        "SELECT location FROM equipment_item WHERE item_type='consumable' ORDER BY location LIMIT 1"
    )
    prefix = location.split("·")[0].strip()[:12]  # e.g. "Aisle M" of "Aisle M · Shelf 2"
    in_location = db_scalar(
        "SELECT count(*) FROM equipment_item WHERE lower(location) LIKE lower(:p) || '%'",
        p=prefix,
    )
    assert 0 < in_location < total
    page.get_by_test_id("location-filter").fill(prefix.lower())
    expect_total(page, in_location)

    # Combined with the type (AND), and kept over a reload through the URL.
    choose(page, "type-filter", "Consumables")
    expected = db_scalar(
        "SELECT count(*) FROM equipment_item WHERE item_type='consumable' "
        "AND lower(location) LIKE lower(:p) || '%'",
        p=prefix,
    )
    expect_total(page, expected)
    expect(page).to_have_url(re.compile(r"type=consumable.*location=|location=.*type=consumable"))
    page.reload()
    expect_total(page, expected)
    expect(page.get_by_test_id("location-filter")).to_have_value(prefix.lower())
    expect(page.get_by_test_id("type-filter")).to_contain_text("Consumables")

    page.get_by_test_id("clear-filters").click()
    expect_total(page, total)
    expect(page.get_by_test_id("location-filter")).to_have_value("")
    expect(page).not_to_have_url(re.compile(r"type=|location="))

    # A filter combination nothing matches: the "no results" state, not the empty one.
    page.get_by_test_id("location-filter").fill("zz-no-such-shelf")
    expect(page.get_by_test_id("equipment-no-results")).to_be_visible()
    expect(page.get_by_test_id("equipment-empty")).to_have_count(0)
    page.get_by_test_id("equipment-no-results").get_by_role("button", name="Clear filters").click()
    expect_total(page, total)


def test_subcategory_options_follow_the_category(server: Server, page: Page):
    sign_in(page, server.url, "employee")
    wait_rows(page)
    sub_trigger = page.get_by_test_id("subcategory-filter").get_by_role("combobox")
    expect(sub_trigger).to_be_disabled()

    # The two categories with the most subcategories.
    cats = db_names(
        "SELECT c.name FROM category c JOIN subcategory s ON s.category_id = c.id "
        "GROUP BY c.name ORDER BY count(*) DESC, c.name LIMIT 2"
    )
    assert len(cats) == 2
    for category in cats:
        choose(page, "category-filter", category)
        expect_total(
            page,
            db_scalar(
                "SELECT count(*) FROM equipment_item e JOIN category c ON c.id = e.category_id "
                "WHERE c.name = :n",
                n=category,
            ),
        )
        expect(sub_trigger).to_be_enabled()
        expect(sub_trigger).to_contain_text("All subcategories")
        subs = db_names(
            "SELECT s.name FROM subcategory s JOIN category c ON c.id = s.category_id "
            "WHERE c.name = :n ORDER BY s.name",
            n=category,
        )
        sub_trigger.click()
        options = page.get_by_role("option")
        expect(options).to_have_count(len(subs) + 1)
        assert [o.inner_text() for o in options.all()][1:] == subs
        page.keyboard.press("Escape")

        sub = subs[0]
        choose(page, "subcategory-filter", sub)
        expected = db_scalar(
            "SELECT count(*) FROM equipment_item e JOIN subcategory s ON s.id = e.subcategory_id "
            "JOIN category c ON c.id = s.category_id WHERE c.name = :c AND s.name = :s",
            c=category,
            s=sub,
        )
        expect_total(page, expected)
        expect(page).to_have_url(re.compile(r"subcategoryId="))
        if expected:
            for row in table_rows(page).all():
                expect(row).to_contain_text(sub)

    # Back to all categories: the subcategory filter is cleared and disabled again.
    choose(page, "category-filter", "All categories")
    expect_total(page, db_scalar("SELECT count(*) FROM equipment_item"))
    expect(sub_trigger).to_be_disabled()
    expect(page).not_to_have_url(re.compile(r"subcategoryId=|categoryId="))


def test_page_size_and_a_shared_link(server: Server, page: Page):
    sign_in(page, server.url, "viewer")
    wait_rows(page)
    total = db_scalar("SELECT count(*) FROM equipment_item")
    page.get_by_role("combobox").filter(has_text=re.compile(r"^20$")).click()
    page.get_by_role("option", name="50").click()
    expect(label(page)).to_have_text(f"Page 1 of {-(-total // 50)} · {total} items")
    expect(table_rows(page)).to_have_count(min(50, total))
    expect(page).to_have_url(re.compile(r"pageSize=50"))
    page.get_by_test_id("view-grid").click()
    expect(tiles(page)).to_have_count(min(50, total))

    # A link with filters, sort and paging opens that list (unknown values are ignored).
    category_id = db_scalar("SELECT id FROM category ORDER BY position, name LIMIT 1")
    count = db_scalar("SELECT count(*) FROM equipment_item WHERE category_id = :c", c=category_id)
    top = db_scalar(
        "SELECT name FROM equipment_item WHERE category_id = :c ORDER BY daily_rate DESC, id "
        "LIMIT 1",
        c=category_id,
    )
    page.goto(
        f"{server.url}/equipment?categoryId={category_id}&sort=-dailyRate&pageSize=100"
        "&status=bogus&type=<b>"
    )
    expect(tiles(page).first).to_be_visible(timeout=30_000)
    expect_total(page, count)
    expect(tiles(page).first.locator("[data-field=name]")).to_have_text(top)
    expect(page.get_by_test_id("sort")).to_contain_text("Daily rate (highest first)")
    expect(page.get_by_test_id("status-filter")).to_contain_text("Any status")

    # A plain /equipment link (the item page's way back, the navigation) returns to this list.
    tiles(page).first.get_by_role("link").click()
    expect(page.get_by_test_id("item-name")).to_have_text(top, timeout=30_000)
    page.get_by_role("link", name="Inventory").first.click()
    expect(tiles(page).first.locator("[data-field=name]")).to_have_text(top, timeout=30_000)
    expect_total(page, count)
    expect(page).to_have_url(re.compile(rf"categoryId={category_id}"))


def _png(color: tuple[int, int, int]) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="PNG")
    return out.getvalue()


def test_a_card_shows_the_items_photo(server: Server, page: Page):
    """An item with a photo (uploaded through the API) shows its thumbnail on its card;
    the other cards keep the category icon."""
    item_id, name = (
        str(v)
        for v in db_names(
            "SELECT id::text || '|' || name FROM equipment_item WHERE image IS NULL "
            "ORDER BY name LIMIT 1"
        )[0].split("|", 1)
    )
    api = page.request
    token = api_token(server.url, "manager")
    upload = api.post(
        f"{server.url}/api/equipment/{item_id}/image",
        headers={"Authorization": f"Bearer {token}"},
        multipart={
            "file": {"name": "photo.png", "mimeType": "image/png", "buffer": _png((200, 40, 40))}
        },
    )
    assert upload.status == 201, upload.text()
    thumb = upload.json()["data"]["thumbnailUrl"]

    sign_in(page, server.url, "viewer")
    wait_rows(page)
    page.get_by_test_id("view-grid").click()
    page.get_by_test_id("equipment-search").fill(name)
    tile = page.locator(f'[data-testid=equipment-tile][data-id="{item_id}"]')
    photo = tile.get_by_test_id("tile-photo")
    expect(photo).to_be_visible(timeout=30_000)
    expect(photo).to_have_attribute("src", thumb)
    expect(photo).to_have_attribute("alt", name)
    page.wait_for_function(
        "el => el.complete && el.naturalWidth > 0", arg=photo.element_handle(), timeout=10_000
    )
    expect(tile.get_by_test_id("tile-placeholder")).to_have_count(0)


def test_live_changes_respect_the_filters(server: Server, page: Page, new_context):
    """A filtered list refreshes live: an item moved INTO the filtered location by another
    user appears (with the banner naming them), and disappears when moved out again."""
    sign_in(page, server.url, "employee")
    wait_rows(page)
    page.get_by_test_id("view-grid").click()
    page.get_by_test_id("location-filter").fill("Live Zone")
    expect(page.get_by_test_id("equipment-no-results")).to_be_visible()
    expect(page).to_have_url(re.compile(r"location=Live"))

    item_id, name, version = db_names(
        "SELECT id::text || '|' || name || '|' || version FROM equipment_item "
        "ORDER BY name DESC LIMIT 1"
    )[0].split("|")
    other = new_context().new_page()
    token = api_token(server.url, "manager")
    headers = {"Authorization": f"Bearer {token}"}
    moved = other.request.patch(
        f"{server.url}/api/equipment/{item_id}",
        headers=headers,
        data={"version": int(version), "location": "Live Zone · Bay 9"},
    )
    assert moved.ok, moved.text()

    tile = page.locator(f'[data-testid=equipment-tile][data-id="{item_id}"]')
    expect(tile).to_be_visible(timeout=15_000)
    expect(tile.locator("[data-field=name]")).to_have_text(name)
    expect_total(page, 1)
    expect(page.get_by_test_id("live-notice")).to_contain_text(name)

    back = other.request.patch(
        f"{server.url}/api/equipment/{item_id}",
        headers=headers,
        data={"version": moved.json()["data"]["version"], "location": "Aisle Z · Shelf 1"},
    )
    assert back.ok, back.text()
    expect(page.get_by_test_id("equipment-no-results")).to_be_visible(timeout=15_000)
