"""Signing in and out, staying signed in, and refusing a tampered token."""

from __future__ import annotations

import base64
import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    DEMO_PASSWORD,
    ROLES,
    Server,
    db_execute,
    sign_in,
    sign_in_with_form,
    table_rows,
    url_of,
    wait_login_ready,
    wait_rows,
)

pytestmark = pytest.mark.e2e

# Navigation entries a role sees (DESIGN §6): everyone sees the operational pages.
EVERYONE = ("dashboard", "equipment", "clients", "events", "calendar", "quotes", "prep")
ROLE_ONLY = {
    "admin": {"reports", "users", "settings"},
    "manager": {"reports"},
    "tech": set(),
    "employee": set(),
    "viewer": set(),
}
CAN_EDIT_EQUIPMENT = {"admin", "manager", "tech"}
ROLE_LABELS = {
    "admin": "Admin",
    "manager": "Manager",
    "tech": "Technician",
    "employee": "Employee",
    "viewer": "Viewer",
}


@pytest.mark.parametrize("username", ROLES)
def test_each_role_signs_in_and_sees_the_inventory(server: Server, page: Page, username: str):
    sign_in_with_form(page, server.url, username)
    wait_rows(page)
    expect(page.get_by_test_id("page-label")).to_have_text(re.compile(r"Page 1 of \d+ · \d+ items"))
    assert table_rows(page).count() == 20  # the default page size, of the ~80 seeded items

    page.get_by_test_id("user-menu").click()
    expect(page.get_by_test_id("user-role")).to_have_text(ROLE_LABELS[username])
    page.keyboard.press("Escape")

    nav = page.locator("aside")
    for entry in EVERYONE:
        expect(nav.get_by_test_id(f"nav-{entry}")).to_be_visible()
    for entry in ("reports", "users", "settings"):
        link = nav.get_by_test_id(f"nav-{entry}")
        if entry in ROLE_ONLY[username]:
            expect(link).to_be_visible()
        else:
            expect(link).to_have_count(0)

    edit = page.locator("[data-testid=equipment-table] [data-testid=edit-location]")
    if username in CAN_EDIT_EQUIPMENT:
        expect(edit.first).to_be_visible()
    else:
        expect(edit).to_have_count(0)


def test_wrong_password_shows_the_generic_error(server: Server, page: Page):
    page.goto(f"{server.url}/login")
    wait_login_ready(page)
    page.fill("#username", "manager")
    page.fill("#password", "not-the-password")
    page.press("#password", "Enter")
    expect(page.get_by_test_id("login-error")).to_have_text("Invalid username or password.")
    expect(page).to_have_url(url_of("/login"))

    # An unknown user gets exactly the same message.
    page.fill("#username", "nobody-here")
    page.fill("#password", DEMO_PASSWORD)
    page.press("#password", "Enter")
    expect(page.get_by_test_id("login-error")).to_have_text("Invalid username or password.")


def test_sign_out_and_protected_pages_redirect_to_login(server: Server, page: Page):
    sign_in(page, server.url, "employee")
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("sign-out").click()
    expect(page).to_have_url(url_of("/login"))
    wait_login_ready(page)
    assert page.evaluate("localStorage.getItem('avr_token')") in (None, "")

    for path in ("/", "/equipment", "/clients", "/users", "/settings"):
        page.goto(f"{server.url}{path}")
        expect(page).to_have_url(re.compile(r"/login"), timeout=15_000)
        expect(page.get_by_test_id("user-menu")).to_have_count(0)

    # The requested page is kept and reached after signing in.
    page.goto(f"{server.url}/quotes")
    expect(page).to_have_url(re.compile(r"/login\?next=/quotes"), timeout=15_000)
    wait_login_ready(page)
    page.fill("#username", "employee")
    page.fill("#password", DEMO_PASSWORD)
    page.press("#password", "Enter")
    expect(page).to_have_url(url_of("/quotes"), timeout=15_000)
    expect(page.get_by_test_id("quote-status-filter")).to_be_visible(timeout=30_000)


def test_reload_and_a_new_tab_stay_signed_in(server: Server, page: Page):
    sign_in(page, server.url, "tech")
    wait_rows(page)
    page.reload()
    expect(page).to_have_url(url_of("/equipment"))
    wait_rows(page)

    second = page.context.new_page()
    second.goto(f"{server.url}/clients")
    expect(second.get_by_test_id("client-row").first).to_be_visible(timeout=30_000)
    expect(second).to_have_url(url_of("/clients"))
    second.close()


def test_a_tampered_token_is_rejected(server: Server, page: Page):
    sign_in(page, server.url, "viewer")
    wait_rows(page)
    token = page.evaluate("localStorage.getItem('avr_token')")
    header, payload, signature = token.split(".")
    # Same header and signature, payload now claiming the admin role: the signature no longer
    # fits the payload, so the server must refuse it.
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["role"] == "viewer"
    claims["role"] = "admin"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    page.evaluate("t => localStorage.setItem('avr_token', t)", f"{header}.{forged}.{signature}")
    page.reload()
    expect(page).to_have_url(re.compile(r"/login\?next=/equipment"), timeout=30_000)
    wait_login_ready(page)
    assert page.evaluate("localStorage.getItem('avr_token')") in (None, "")


@pytest.mark.parametrize(
    ("revoke", "restore"),
    [
        (
            "UPDATE app_user SET token_version = token_version + 1 WHERE username = 'employee'",
            None,
        ),
        (
            "UPDATE app_user SET is_active = false WHERE username = 'employee'",
            "UPDATE app_user SET is_active = true WHERE username = 'employee'",
        ),
    ],
    ids=["sign-out-everywhere", "deactivated"],
)
def test_a_revoked_session_is_signed_out_on_its_next_event(
    server: Server, page: Page, revoke: str, restore: str | None
):
    sign_in(page, server.url, "employee")
    wait_rows(page)
    db_execute(revoke)
    try:
        # No reload: the very next event (paging) must re-verify and refuse the token.
        page.get_by_role("button", name="Next page").click()
        expect(page).to_have_url(re.compile(r"/login"), timeout=15_000)
        wait_login_ready(page)
        assert page.evaluate("localStorage.getItem('avr_token')") in (None, "")
    finally:
        if restore:
            db_execute(restore)
