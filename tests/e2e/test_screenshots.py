"""Screenshots of the main screens (light mode) at phone, tablet and desktop sizes, kept in
tests/e2e/artifacts/ for review. Also checks that nothing overflows horizontally."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Server, sign_in, wait_login_ready

pytestmark = pytest.mark.e2e

SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}


def test_login_page_screenshot(server: Server, new_context, artifacts):
    page = new_context().new_page()
    page.goto(f"{server.url}/login")
    wait_login_ready(page)
    page.screenshot(path=str(artifacts / "login-desktop.png"))


@pytest.mark.parametrize("size", list(SIZES))
def test_equipment_list_screenshot(server: Server, new_context, artifacts, size: str):
    width, height = SIZES[size]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, "admin")
    rows = "equipment-card" if size == "phone" else "equipment-row"
    expect(page.get_by_test_id(rows).first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)  # let fonts and badges settle
    page.screenshot(path=str(artifacts / f"equipment-{size}.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{size}: the page is {overflow}px wider than the screen"
