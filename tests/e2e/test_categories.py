"""The categories manager in the browser: create with an icon, rename, add a subcategory,
delete refused while equipment uses the category, delete of an unused one, and who sees it."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, db_execute, db_scalar, sign_in

pytestmark = pytest.mark.e2e


def category_row(page: Page, name: str):
    return page.get_by_test_id("category-row").filter(
        has=page.locator("[data-field=name]", has_text=name)
    )


def open_categories(page: Page, server: Server, username: str) -> None:
    sign_in(page, server.url, username, path="/categories")
    expect(page.get_by_test_id("category-row").first).to_be_visible(timeout=30_000)


def test_create_rename_add_subcategory_and_delete(server: Server, page: Page, artifacts):
    open_categories(page, server, "manager")
    name = f"E2E Cat {secrets.token_hex(2).upper()}"
    page.get_by_test_id("new-category").click()
    page.get_by_test_id("category-name").fill("x" * 60)
    page.get_by_test_id("icon-projector").click()
    page.get_by_test_id("save-category").click()
    expect(page.get_by_test_id("error-name")).to_have_text("Name must be at most 50 characters.")
    page.get_by_test_id("category-name").fill(name)
    page.get_by_test_id("save-category").click()
    expect(category_row(page, name)).to_have_count(1)
    assert db_scalar("SELECT icon FROM category WHERE name = :n", n=name) == "projector"
    expect(category_row(page, name)).to_contain_text("0 items")

    renamed = name + " Renamed"
    category_row(page, name).get_by_test_id("rename-category").click()
    expect(page.get_by_test_id("category-name")).to_have_value(name)
    page.get_by_test_id("category-name").fill(renamed)
    page.get_by_test_id("category-name").press("Enter")
    expect(category_row(page, renamed)).to_have_count(1)
    assert db_scalar("SELECT count(*) FROM category WHERE name = :n", n=renamed) == 1

    category_row(page, renamed).get_by_test_id("new-subcategory").click()
    page.get_by_test_id("category-name").fill("Wedges")
    page.get_by_test_id("save-category").click()
    sub = category_row(page, renamed).get_by_test_id("subcategory-row")
    expect(sub.locator("[data-field=name]")).to_have_text("Wedges")
    expect(sub).to_contain_text("0 items")
    page.screenshot(path=str(artifacts / "categories-desktop.png"), full_page=True)

    category_row(page, renamed).get_by_test_id("delete-category").click()
    expect(page.get_by_role("alertdialog")).to_contain_text(renamed)
    page.get_by_test_id("confirm-delete").click()
    expect(category_row(page, renamed)).to_have_count(0)
    assert db_scalar("SELECT count(*) FROM category WHERE name = :n", n=renamed) == 0


def test_delete_of_a_category_in_use_is_refused_with_the_reason(server: Server, page: Page):
    name, items = (
        "Audio",
        db_scalar(
            "SELECT count(*) FROM equipment_item e JOIN category c ON c.id = e.category_id "
            "WHERE c.name = 'Audio'"
        ),
    )
    assert items > 0
    open_categories(page, server, "admin")
    category_row(page, name).first.get_by_test_id("delete-category").click()
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("delete-error")).to_contain_text(f"Category '{name}' is used by")
    expect(page.get_by_test_id("confirm-delete")).to_have_count(0)
    assert db_scalar("SELECT count(*) FROM category WHERE name = :n", n=name) == 1


def test_technician_manages_but_cannot_delete_and_viewer_has_no_entry(server: Server, new_context):
    tech = new_context().new_page()
    open_categories(tech, server, "tech")
    expect(tech.get_by_test_id("new-category")).to_be_visible()
    expect(tech.get_by_test_id("delete-category")).to_have_count(0)
    viewer = new_context().new_page()
    sign_in(viewer, server.url, "viewer")
    expect(viewer.locator("aside").get_by_test_id("nav-categories")).to_have_count(0)


def test_rename_after_someone_else_saved_compares_and_applies_mine(server: Server, page: Page):
    open_categories(page, server, "manager")
    name = f"E2E Clash {secrets.token_hex(2).upper()}"
    page.get_by_test_id("new-category").click()
    page.get_by_test_id("category-name").fill(name)
    page.get_by_test_id("icon-projector").click()
    page.get_by_test_id("save-category").click()
    expect(category_row(page, name)).to_have_count(1)

    category_row(page, name).get_by_test_id("rename-category").click()
    page.get_by_test_id("category-name").fill(name + " Mine")
    # Another person renames it and changes its icon in the meantime.
    db_execute(
        "UPDATE category SET name = :t, icon = 'speaker', version = version + 1 WHERE name = :n",
        n=name,
        t=name + " Theirs",
    )
    page.get_by_test_id("save-category").click()
    expect(page.get_by_test_id("edit-conflict")).to_be_visible()
    rows = page.get_by_test_id("conflict-row")
    name_row = rows.filter(has=page.locator("[data-col=mine]", has_text=name + " Mine"))
    expect(name_row.locator("[data-col=saved]")).to_have_text(name + " Theirs")
    icon_row = page.locator("[data-testid=conflict-row][data-field=icon]")
    expect(icon_row.locator("[data-col=saved]")).to_have_text("speaker")
    expect(icon_row).to_contain_text("Saved")
    assert db_scalar("SELECT count(*) FROM category WHERE name = :n", n=name + " Mine") == 0

    page.get_by_test_id("apply-mine").click()
    expect(category_row(page, name + " Mine")).to_have_count(1)
    assert db_scalar("SELECT icon FROM category WHERE name = :n", n=name + " Mine") == "speaker"
