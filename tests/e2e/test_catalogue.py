"""The catalogue in the browser: a Manager creates a service (after a field message), edits
it and deactivates it behind a confirmation; an Employee creates a required percentage fee;
a Viewer sees both lists with the "Required" badge but no write controls."""

from __future__ import annotations

import secrets
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, db_execute, db_scalar, display_name, sign_in

pytestmark = pytest.mark.e2e


def open_catalogue(page: Page, server: Server, username: str) -> None:
    sign_in(page, server.url, username, path="/catalogue")
    expect(rows(page, "service").first).to_be_visible(timeout=30_000)


def rows(page: Page, kind: str):
    return page.locator(f"[data-testid={kind}-table] [data-testid={kind}-row]")


def row_named(page: Page, kind: str, name: str):
    return rows(page, kind).filter(has=page.get_by_text(name, exact=True))


def choose(page: Page, testid: str, option: str) -> None:
    page.get_by_test_id(testid).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_manager_creates_edits_and_deactivates_a_service(server: Server, page: Page):
    open_catalogue(page, server, "manager")
    name = f"E2E Rigger {secrets.token_hex(2).upper()}"
    page.get_by_test_id("new-service").first.click()
    page.get_by_test_id("service-name").fill(name)
    page.get_by_test_id("service-unit_price").fill("12.345")
    page.get_by_test_id("service-unit_price").press("Enter")
    expect(page.get_by_test_id("error-unit_price")).to_have_text(
        "Price can have at most 2 decimals."
    )
    assert db_scalar("SELECT count(*) FROM service WHERE name = :n", n=name) == 0

    page.get_by_test_id("service-unit_price").fill("95.5")
    choose(page, "service-unit", "per hour")
    page.get_by_test_id("service-category").fill("Crew")
    page.get_by_test_id("save-service").click()
    expect(page.get_by_test_id("service-form")).to_have_count(0)
    page.get_by_test_id("service-search").fill(name)
    row = row_named(page, "service", name)
    expect(row).to_have_count(1)
    expect(row.locator("[data-field=price]")).to_have_text("€95.50")
    expect(row.locator("[data-field=unit]")).to_have_text("per hour")
    assert db_scalar("SELECT unit_price FROM service WHERE name = :n", n=name) == Decimal("95.50")
    assert db_scalar("SELECT unit FROM service WHERE name = :n", n=name) == "hour"

    # Edit: the saved values are in the form; only the price changes (version 2).
    row.get_by_test_id("edit-service").click()
    expect(page.get_by_test_id("service-unit_price")).to_have_value("95.50")
    page.get_by_test_id("service-unit_price").fill("110")
    page.get_by_test_id("save-service").click()
    expect(page.get_by_test_id("service-form")).to_have_count(0)
    expect(row.locator("[data-field=price]")).to_have_text("€110.00")
    assert db_scalar("SELECT version FROM service WHERE name = :n", n=name) == 2

    # Deactivate: cancelling changes nothing; confirming hides it from the active list.
    row.get_by_test_id("deactivate-service").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(name)
    expect(dialog).to_contain_text("no longer be offered on new quotes")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    assert db_scalar("SELECT is_active FROM service WHERE name = :n", n=name) is True
    row.get_by_test_id("deactivate-service").click()
    page.get_by_test_id("confirm-toggle").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    expect(page.get_by_test_id("service-no-results")).to_be_visible()
    assert db_scalar("SELECT is_active FROM service WHERE name = :n", n=name) is False

    choose(page, "service-filter-status", "Inactive")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("inactive-badge")).to_be_visible()
    row.get_by_test_id("activate-service").click()
    page.get_by_test_id("confirm-toggle").click()
    expect(page.get_by_test_id("service-no-results")).to_be_visible()
    assert db_scalar("SELECT is_active FROM service WHERE name = :n", n=name) is True
    assert db_scalar("SELECT version FROM service WHERE name = :n", n=name) == 4


def test_employee_creates_a_required_percentage_fee(server: Server, page: Page):
    open_catalogue(page, server, "employee")
    page.get_by_test_id("tab-fees").click()
    expect(rows(page, "fee").first).to_be_visible()
    name = f"E2E Venue Levy {secrets.token_hex(2).upper()}"
    page.get_by_test_id("new-fee").first.click()
    page.get_by_test_id("fee-name").fill(name)
    choose(page, "fee-fee_type", "Percentage")
    page.get_by_test_id("fee-amount").fill("150")
    page.get_by_test_id("fee-is_required").click()
    page.get_by_test_id("save-fee").click()
    expect(page.get_by_test_id("error-amount")).to_have_text("A percentage fee can be at most 100.")
    page.get_by_test_id("fee-amount").fill("2.5")
    page.get_by_test_id("save-fee").click()
    expect(page.get_by_test_id("fee-form")).to_have_count(0)
    page.get_by_test_id("fee-search").fill(name)
    row = row_named(page, "fee", name)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("required-badge")).to_have_text("Required")
    expect(row.locator("[data-field=amount]")).to_have_text("2.5 %")
    expect(row.locator("[data-field=type]")).to_have_text("Percentage")
    assert (
        db_scalar(
            "SELECT fee_type || ' ' || amount || ' ' || is_required FROM fee WHERE name = :n",
            n=name,
        )
        == "percentage 2.50 true"
    )


def test_viewer_sees_the_catalogue_without_write_controls(server: Server, page: Page):
    open_catalogue(page, server, "viewer")
    active = db_scalar("SELECT count(*) FROM service WHERE is_active")
    expect(rows(page, "service")).to_have_count(min(active, 20))
    for testid in ("new-service", "edit-service", "deactivate-service", "activate-service"):
        expect(page.get_by_test_id(testid)).to_have_count(0)
    page.get_by_test_id("tab-fees").click()
    required = db_scalar(
        "SELECT name FROM fee WHERE is_required AND is_active ORDER BY name LIMIT 1"
    )
    row = row_named(page, "fee", required)
    expect(row.get_by_test_id("required-badge")).to_be_visible()
    for testid in ("new-fee", "edit-fee", "deactivate-fee", "activate-fee"):
        expect(page.get_by_test_id(testid)).to_have_count(0)


def test_edit_conflict_compares_fields_and_applies_mine_on_top(server: Server, page: Page):
    name = f"E2E Conflict Fee {secrets.token_hex(2).upper()}"
    db_execute(
        "INSERT INTO fee (id, version, created_at, updated_at, name, amount, fee_type, "
        "is_active, is_required) VALUES (gen_random_uuid(), 1, now(), now(), :n, 45, 'fixed', "
        "true, false)",
        n=name,
    )
    open_catalogue(page, server, "manager")
    page.get_by_test_id("tab-fees").click()
    page.get_by_test_id("fee-search").fill(name)
    row_named(page, "fee", name).get_by_test_id("edit-fee").click()
    expect(page.get_by_test_id("fee-amount")).to_have_value("45.00")
    # Someone else saves a new category while the form is open (straight to the database).
    db_execute(
        "UPDATE fee SET category = 'Logistics', version = version + 1 WHERE name = :n", n=name
    )
    page.get_by_test_id("fee-amount").fill("50")
    page.get_by_test_id("save-fee").click()
    expect(page.get_by_test_id("edit-conflict")).to_be_visible()
    conflict = page.locator("[data-testid=conflict-row][data-field=amount]")
    expect(conflict.locator("[data-col=mine]")).to_have_text("50")
    expect(conflict.locator("[data-col=saved]")).to_have_text("45.00")
    page.get_by_test_id("apply-mine").click()
    expect(page.get_by_test_id("fee-form")).to_have_count(0)
    assert (
        db_scalar(
            "SELECT amount || ' ' || category || ' ' || version FROM fee WHERE name = :n", n=name
        )
        == "50.00 Logistics 3"
    )


def test_a_deactivation_shows_up_live_in_another_tab(server: Server, new_context):
    name = f"E2E Live Service {secrets.token_hex(2).upper()}"
    db_execute(
        "INSERT INTO service (id, version, created_at, updated_at, name, unit_price, unit, "
        "is_active) VALUES (gen_random_uuid(), 1, now(), now(), :n, 75, 'event', true)",
        n=name,
    )
    writer, watcher = new_context().new_page(), new_context().new_page()
    open_catalogue(watcher, server, "viewer")
    watcher.get_by_test_id("service-search").fill(name)
    expect(row_named(watcher, "service", name)).to_have_count(1)
    open_catalogue(writer, server, "employee")
    writer.get_by_test_id("service-search").fill(name)
    row_named(writer, "service", name).get_by_test_id("deactivate-service").click()
    writer.get_by_test_id("confirm-toggle").click()
    who = display_name("employee")
    expect(watcher.get_by_test_id("live-notice")).to_have_text(
        f"{name} was updated by {who}.", timeout=15_000
    )
    expect(watcher.get_by_test_id("service-no-results")).to_be_visible()


SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}


@pytest.mark.parametrize("size", list(SIZES))
def test_catalogue_fits_phone_tablet_and_desktop(server: Server, new_context, artifacts, size):
    width, height = SIZES[size]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, "admin", path="/catalogue")
    shown = "service-card" if size == "phone" else "service-row"
    expect(page.get_by_test_id(shown).first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"catalogue-services-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.get_by_test_id("tab-fees").click()
    expect(page.get_by_test_id(shown.replace("service", "fee")).first).to_be_visible()
    page.get_by_test_id("new-fee").first.click()
    expect(page.get_by_test_id("fee-form")).to_be_visible()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"catalogue-fee-form-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
