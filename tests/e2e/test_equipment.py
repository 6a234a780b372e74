"""The inventory list: server-side paging, search, category filter, sort, empty results."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, db_scalar, sign_in, table_rows, wait_rows

pytestmark = pytest.mark.e2e


def test_paging_and_page_size(server: Server, page: Page):
    total = db_scalar("SELECT count(*) FROM equipment_item")
    pages = -(-total // 20)
    sign_in(page, server.url, "viewer")
    wait_rows(page)
    label = page.get_by_test_id("page-label")
    expect(label).to_have_text(f"Page 1 of {pages} · {total} items")

    first_name = table_rows(page).first.locator("th p").first.inner_text()
    page.get_by_role("button", name="Next page").click()
    expect(label).to_have_text(f"Page 2 of {pages} · {total} items")
    expect(table_rows(page).first.locator("th p").first).not_to_have_text(first_name)
    page.get_by_role("button", name="Previous page").click()
    expect(label).to_have_text(f"Page 1 of {pages} · {total} items")

    page.get_by_role("combobox").filter(has_text=re.compile(r"^20$")).click()
    page.get_by_role("option", name="50").click()
    expect(label).to_have_text(f"Page 1 of {-(-total // 50)} · {total} items")
    expect(table_rows(page)).to_have_count(min(50, total))


def test_search_no_results_and_clear(server: Server, page: Page):
    sign_in(page, server.url, "employee")
    wait_rows(page)
    code = db_scalar("SELECT asset_code FROM equipment_item ORDER BY name LIMIT 1 OFFSET 5")
    search = page.get_by_test_id("equipment-search")

    search.fill(code)
    expect(table_rows(page)).to_have_count(1)
    expect(table_rows(page).first).to_contain_text(code)
    expect(page.get_by_test_id("page-label")).to_have_text("Page 1 of 1 · 1 item")

    search.fill("no such thing anywhere")
    expect(page.get_by_test_id("equipment-no-results")).to_be_visible()
    page.get_by_test_id("equipment-no-results").get_by_role("button", name="Clear filters").click()
    wait_rows(page)
    expect(page.get_by_test_id("equipment-search")).to_have_value("")


def test_category_filter_and_sort(server: Server, page: Page):
    sign_in(page, server.url, "manager")
    wait_rows(page)
    category = db_scalar("SELECT name FROM category ORDER BY position, name LIMIT 1")
    count = db_scalar(
        "SELECT count(*) FROM equipment_item e JOIN category c ON c.id = e.category_id "
        "WHERE c.name = :n",
        n=category,
    )
    page.get_by_test_id("category-filter").get_by_role("combobox").click()
    page.get_by_role("option", name=category, exact=True).click()
    expect(page.get_by_test_id("page-label")).to_have_text(re.compile(rf"· {count} items?$"))

    page.get_by_test_id("sort").get_by_role("combobox").click()
    page.get_by_role("option", name="Daily rate (highest first)").click()
    top_rate = db_scalar(
        "SELECT max(e.daily_rate) FROM equipment_item e JOIN category c "
        "ON c.id = e.category_id WHERE c.name = :n",
        n=category,
    )
    expect(table_rows(page).first.locator("td[data-field=rate]")).to_have_text(f"€{top_rate:,.2f}")
