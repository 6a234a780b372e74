"""User administration, profile and settings in the browser: an Admin creates a user who signs
in; deactivating them signs their open browser out on its next action; a password change
keeps this browser signed in and revokes older tokens; a new company name shows live in
another signed-in browser; a Manager sees neither Users nor Settings."""

from __future__ import annotations

import json
import re
import secrets
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, api_token, db_scalar, sign_in, url_of, wait_login_ready

pytestmark = pytest.mark.e2e


def api(
    server: Server, method: str, path: str, body: Any = None, token: str = ""
) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{server.url}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def make_account(server: Server, username: str, password: str) -> None:
    token = api_token(server.url, "admin")
    status, body = api(
        server,
        "POST",
        "/api/users",
        {"username": username, "name": username.title(), "password": password, "role": "employee"},
        token,
    )
    assert status == 201, body


def sign_in_as(page: Page, server: Server, username: str, password: str, path: str = "/equipment"):
    page.goto(f"{server.url}{path}")
    expect(page).to_have_url(re.compile(r"/login"), timeout=30_000)
    wait_login_ready(page)
    page.fill("#username", username)
    page.fill("#password", password)
    page.press("#password", "Enter")
    expect(page.get_by_test_id("user-menu")).to_be_visible(timeout=30_000)


def user_row(page: Page, username: str):
    return page.locator("[data-testid=user-table] [data-testid=user-row]").filter(
        has=page.locator("[data-field=username]", has_text=re.compile(rf"^{username}$"))
    )


def test_admin_creates_a_user_then_deactivation_signs_their_browser_out(
    server: Server, new_context, artifacts
):
    admin = new_context().new_page()
    sign_in(admin, server.url, "admin", path="/users")
    expect(admin.locator("[data-testid=user-table] [data-testid=user-row]").first).to_be_visible(
        timeout=30_000
    )
    username = f"crew{secrets.token_hex(3)}"
    password = f"stage-{secrets.token_hex(6)}"

    admin.get_by_test_id("new-user").click()
    form = admin.get_by_test_id("user-form")
    expect(form).to_be_visible()
    expect(admin.get_by_test_id("role-description")).to_contain_text("Sales and crew")
    form.get_by_test_id("user-username").fill(username)
    form.get_by_test_id("user-name").fill("Crew Member")
    form.get_by_test_id("user-password").fill("short1")  # refused in place
    admin.get_by_test_id("save-user").click()
    expect(admin.get_by_test_id("error-password")).to_have_text(
        "Password must be at least 8 characters."
    )
    form.get_by_test_id("user-password").fill("password1")
    admin.get_by_test_id("save-user").click()
    expect(admin.get_by_test_id("error-password")).to_have_text("This password is too common.")
    form.get_by_test_id("user-password").fill(password)
    admin.get_by_test_id("save-user").click()
    expect(form).to_be_hidden(timeout=15_000)
    row = user_row(admin, username)
    expect(row).to_be_visible(timeout=15_000)
    admin.screenshot(path=str(artifacts / "users-desktop.png"), full_page=True)

    crew = new_context().new_page()
    sign_in_as(crew, server, username, password, path="/clients")
    expect(crew).to_have_url(url_of("/clients"), timeout=30_000)

    row.get_by_test_id("user-actions").click()
    admin.get_by_test_id("deactivate-user").click()
    dialog = admin.get_by_test_id("action-dialog")
    expect(dialog).to_contain_text("Crew Member")
    admin.get_by_test_id("confirm-action").click()
    expect(dialog).to_be_hidden(timeout=15_000)
    expect(row.get_by_test_id("user-inactive")).to_be_visible(timeout=15_000)
    assert db_scalar("SELECT is_active FROM app_user WHERE username = :u", u=username) is False

    crew.get_by_test_id("nav-equipment").click()  # their next action
    expect(crew).to_have_url(re.compile(r"/login"), timeout=30_000)


def test_profile_password_change_keeps_this_browser_and_revokes_old_tokens(
    server: Server, new_context
):
    username = f"prof{secrets.token_hex(3)}"
    old_password, new_password = f"first-{secrets.token_hex(6)}", f"second-{secrets.token_hex(6)}"
    make_account(server, username, old_password)
    old_token = api_token(server.url, username, old_password)

    page = new_context().new_page()
    sign_in_as(page, server, username, old_password)
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("open-profile").click()
    expect(page).to_have_url(url_of("/profile"), timeout=30_000)
    form = page.get_by_test_id("password-form")
    form.get_by_test_id("pw-current_password").fill("not-my-password")
    form.get_by_test_id("pw-new_password").fill(new_password)
    form.get_by_test_id("pw-confirm_password").fill(new_password)
    page.get_by_test_id("change-password").click()
    expect(page.get_by_test_id("error-current_password")).to_have_text(
        "The current password is not right."
    )
    form.get_by_test_id("pw-current_password").fill(old_password)
    form.get_by_test_id("pw-new_password").fill(new_password)
    form.get_by_test_id("pw-confirm_password").fill(new_password)
    page.get_by_test_id("change-password").click()
    expect(page.get_by_text("Password changed.")).to_be_visible(timeout=15_000)

    status, _ = api(server, "GET", "/api/profile", token=old_token)
    assert status == 401
    page.get_by_test_id("nav-clients").click()  # this browser stays signed in
    expect(page).to_have_url(url_of("/clients"), timeout=30_000)
    expect(page.get_by_test_id("user-menu")).to_be_visible()
    assert api_token(server.url, username, new_password)


def test_company_name_change_shows_live_in_another_browser(server: Server, new_context):
    viewer = new_context().new_page()
    sign_in(viewer, server.url, "viewer")
    brand = viewer.get_by_test_id("brand-name")
    expect(brand).to_have_text(re.compile(r"\S"), timeout=30_000)
    before = brand.inner_text()

    admin = new_context().new_page()
    sign_in(admin, server.url, "admin", path="/settings")
    name_input = admin.get_by_test_id("settings-company_name")
    expect(name_input).to_be_visible(timeout=30_000)
    new_name = f"Stage Co {secrets.token_hex(2)}"
    name_input.fill(new_name)
    admin.get_by_test_id("save-settings").click()
    expect(admin.get_by_text("Settings saved.")).to_be_visible(timeout=15_000)
    expect(brand).to_have_text(new_name, timeout=10_000)  # no reload
    expect(admin.get_by_test_id("brand-name")).to_have_text(new_name)

    token = api_token(server.url, "admin")
    status, body = api(server, "GET", "/api/settings", token=token)
    assert status == 200 and "smtpPassword" not in body["data"]
    api(
        server,
        "PATCH",
        "/api/settings",
        {"version": body["data"]["version"], "companyName": before},
        token,
    )


def test_a_manager_sees_neither_users_nor_settings(server: Server, page: Page):
    sign_in(page, server.url, "manager")
    expect(page.get_by_test_id("nav-clients")).to_be_visible()
    expect(page.get_by_test_id("nav-users")).to_have_count(0)
    expect(page.get_by_test_id("nav-settings")).to_have_count(0)
    expect(page.get_by_test_id("nav-team")).to_be_visible()
    page.goto(f"{server.url}/settings")
    expect(page.get_by_test_id("settings-forbidden")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("settings-form")).to_have_count(0)


SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}
SCREENS = {
    "/users": "user-table",
    "/profile": "profile-form",
    "/settings": "settings-form",
    "/team": "team-member",
}


@pytest.mark.parametrize("size", list(SIZES))
def test_screens_fit_phone_tablet_and_desktop(server: Server, new_context, artifacts, size: str):
    width, height = SIZES[size]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, "admin", path="/team")
    for path, testid in SCREENS.items():
        page.goto(f"{server.url}{path}")
        target = page.get_by_test_id(testid).first
        if path == "/users" and size == "phone":
            target = page.get_by_test_id("user-card").first
        expect(target).to_be_visible(timeout=30_000)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{path} overflows by {overflow}px at {size}"
        page.screenshot(
            path=str(artifacts / f"admin{path.replace('/', '-')}-{size}.png"), full_page=True
        )
    page.goto(f"{server.url}/users")
    page.get_by_test_id("new-user").click()
    expect(page.get_by_test_id("user-form")).to_be_visible()
    page.screenshot(path=str(artifacts / f"admin-user-form-{size}.png"))
