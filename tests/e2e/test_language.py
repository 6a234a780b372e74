"""English and Portuguese in the browser.

- A browser asking for Portuguese gets the sign-in page in Portuguese with no choice made.
- The header's switch turns the whole interface into Portuguese at once, the choice is stored
  for the user (a reload and another device follow it), and back to English.
- In Portuguese, no screen shows a text of the English catalogue that Portuguese writes
  differently (a label rendered without the catalogue would).
- Screenshots of the dashboard in both languages at phone and desktop sizes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, create_engine, select

from avrentals.domain.enums import Role
from avrentals.domain.models import User
from avrentals.i18n import catalogue
from tests.e2e.conftest import E2E_DATABASE_URL, Server, db_scalar, sign_in, sign_in_with_form

pytestmark = pytest.mark.e2e

SIZES = {"phone": (390, 844), "desktop": (1440, 900)}
SCREENS = ("/", "/equipment", "/clients", "/events", "/calendar", "/quotes", "/prep")


@pytest.fixture
def polyglot(server: Server) -> Iterator[str]:
    """A Manager of their own (the other tests' demo users keep following the browser)."""
    engine = create_engine(E2E_DATABASE_URL)
    username = f"poly{uuid.uuid4().hex[:6]}"
    with Session(engine) as s:
        admin = s.exec(select(User).where(User.username == "admin")).one()
        s.add(
            User(
                username=username,
                name="Ana Poliglota",
                password_hash=admin.password_hash,
                role=Role.MANAGER,
            )
        )
        s.commit()
    try:
        yield username
    finally:
        with Session(engine) as s:
            user = s.exec(select(User).where(User.username == username)).one()
            user.is_active = False
            s.add(user)
            s.commit()
        engine.dispose()


def english_only_texts() -> set[str]:
    """English catalogue texts that Portuguese writes differently, without placeholders
    and long enough not to be a word Portuguese shares."""
    english, portuguese = catalogue("en"), catalogue("pt")
    return {
        text
        for key, text in english.items()
        if text != portuguese[key] and "{" not in text and len(text) >= 5 and " " in text
    }


def switch_to(page: Page, code: str) -> None:
    page.get_by_test_id("language-switch").click()
    page.get_by_test_id(f"language-{code}").click()


def test_a_portuguese_browser_gets_the_sign_in_page_in_portuguese(server: Server, browser):
    context = browser.new_context(locale="pt-PT")
    try:
        page = context.new_page()
        page.goto(f"{server.url}/login")
        expect(page.get_by_role("button", name="Iniciar sessão")).to_be_visible(timeout=30_000)
    finally:
        context.close()


def test_the_switch_translates_everything_and_is_stored_for_the_user(
    server: Server, new_context, polyglot: str, artifacts
) -> None:
    page = new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in(page, server.url, polyglot, path="/")
    nav = page.get_by_test_id("nav-equipment")
    expect(nav).to_contain_text("Inventory")

    switch_to(page, "pt")
    expect(nav).to_contain_text("Inventário", timeout=10_000)
    expect(page).to_have_title("Painel · AV Rentals")
    # The offline page (served by the service worker) opens in the same language.
    assert page.evaluate("localStorage.getItem('avr_language')") == "pt"
    expect(page.get_by_test_id("language-switch")).to_contain_text("PT")
    stored = db_scalar("SELECT language FROM app_user WHERE username = :u", u=polyglot)
    assert stored == "pt"

    page.reload()
    expect(page.get_by_test_id("nav-equipment")).to_contain_text("Inventário", timeout=30_000)
    # Signing in on another device brings the user's language along.
    other_device = new_context(locale="en-GB").new_page()
    sign_in_with_form(other_device, server.url, polyglot, path="/equipment")
    expect(other_device.get_by_test_id("nav-equipment")).to_contain_text("Inventário")

    leftovers: dict[str, list[str]] = {}
    english = english_only_texts()
    for path in SCREENS:
        page.goto(f"{server.url}{path}")
        expect(page.get_by_test_id("user-menu")).to_be_visible(timeout=30_000)
        page.wait_for_load_state("networkidle")
        lines = set(page.evaluate("document.body.innerText").splitlines())
        found = sorted(line.strip() for line in lines if line.strip() in english)
        if found:
            leftovers[path] = found
    assert leftovers == {}, "English texts on Portuguese screens:\n" + json.dumps(
        leftovers, indent=1, ensure_ascii=False
    )

    switch_to(page, "en")
    expect(page.get_by_test_id("nav-equipment")).to_contain_text("Inventory", timeout=10_000)
    assert db_scalar("SELECT language FROM app_user WHERE username = :u", u=polyglot) == "en"


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_screenshots_in_both_languages(
    server: Server, new_context, polyglot: str, artifacts, size: str
) -> None:
    width, height = SIZES[size]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, polyglot, path="/")
    expect(page.get_by_test_id("card-equipment-value")).to_be_visible(timeout=30_000)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / f"dashboard-en-{size}.png"), full_page=True)

    if size == "phone":  # the header switch is in the header on every size
        expect(page.get_by_test_id("language-switch")).to_be_visible()
    switch_to(page, "pt")
    expect(page.locator("html")).to_have_attribute("lang", "pt", timeout=10_000)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / f"dashboard-pt-{size}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the Portuguese dashboard is {overflow}px wider than the screen"
