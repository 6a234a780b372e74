"""Notifications in the browser: a change made by one user (the admin, through the API)
that concerns another (a manager) raises the manager's bell count live, without a reload;
the high-priority one pops a toast; a click opens its object and marks it read; "Mark all
read" clears the badge."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, api_token, db_scalar, sign_in, url_of

pytestmark = pytest.mark.e2e

UNREAD_SQL = (
    "SELECT count(*) FROM notification n JOIN app_user u ON u.id = n.user_id "
    "WHERE u.username = :u AND NOT n.is_read"
)


def _badge_count(page: Page) -> int:
    badge = page.get_by_test_id("notification-count")
    if badge.count() == 0:
        return 0
    text = badge.inner_text().strip()
    return 100 if text == "99+" else int(text)


def badge_matches_database(page: Page, username: str, timeout_s: float = 15.0) -> int:
    """Wait until the badge shows the user's unread count in the database (which the
    periodic generators may raise at any moment); return it."""
    deadline = time.monotonic() + timeout_s
    while True:
        unread = db_scalar(UNREAD_SQL, u=username)
        shown = _badge_count(page)
        if shown == min(unread, 100):
            return shown
        if time.monotonic() > deadline:
            raise AssertionError(f"badge shows {shown}, the database has {unread} unread")
        page.wait_for_timeout(250)


@pytest.fixture
def spare_item(server: Server, page: Page) -> Iterator[dict[str, Any]]:
    """An all-good equipment item with a few units; its counts are put back afterwards."""
    token = api_token(server.url, "admin")
    auth = {"Authorization": f"Bearer {token}"}
    listed = page.request.get(
        f"{server.url}/api/equipment", params={"pageSize": 100, "sort": "name"}, headers=auth
    )
    assert listed.ok, listed.text()
    item = next(
        i
        for i in listed.json()["data"]
        if i["quantityGood"] >= 2 and i["quantity"] == i["quantityGood"]
    )
    yield {**item, "auth": auth}
    current = page.request.get(f"{server.url}/api/equipment/{item['id']}", headers=auth).json()
    page.request.patch(
        f"{server.url}/api/equipment/{item['id']}",
        data={
            "version": current["data"]["version"],
            "quantityGood": item["quantity"],
            "quantityDamaged": 0,
            "quantityMaintenance": 0,
        },
        headers=auth,
    )


def test_bell_counts_live_toasts_and_marks_read(
    server: Server, new_context, page: Page, spare_item: dict[str, Any], artifacts
) -> None:
    manager = new_context().new_page()
    sign_in(manager, server.url, "manager")
    bell = manager.get_by_test_id("notification-bell")
    expect(bell).to_be_visible()
    # The badge shows what the database holds once the bell has loaded.
    before = badge_matches_database(manager, "manager")

    # The admin reports one unit damaged through the API: a high-priority
    # equipment_status_change for every Manager and Technician.
    moved = manager.request.patch(
        f"{server.url}/api/equipment/{spare_item['id']}",
        data={
            "version": spare_item["version"],
            "quantityGood": spare_item["quantity"] - 1,
            "quantityDamaged": 1,
        },
        headers=spare_item["auth"],
    )
    assert moved.ok, moved.text()
    title = f"Status change: {spare_item['name']}"

    # Live: no reload, the count goes up and the toast names the item.
    expect(manager.get_by_text(title).first).to_be_visible(timeout=10_000)
    manager.wait_for_function(
        "n => { const b = document.querySelector('[data-testid=notification-count]');"
        " return b && (b.textContent === '99+' || Number(b.textContent) > n); }",
        arg=before,
        timeout=10_000,
    )
    assert _badge_count(manager) >= before + 1
    toast = manager.locator("[data-sonner-toast]", has_text=title)
    expect(toast).to_be_visible()
    manager.screenshot(path=str(artifacts / "notifications-toast-desktop.png"))

    # The bell lists it (newest first: the scheduler may add more meanwhile), in red (high
    # priority); a click opens the item and marks it read.
    bell.click()
    item = manager.get_by_test_id("notification-item").filter(has_text=title)
    expect(item).to_have_attribute("data-priority", "high")
    expect(item).to_have_attribute("data-read", "false")
    manager.screenshot(path=str(artifacts / "notifications-bell-desktop.png"))
    status_read = (
        "SELECT bool_and(n.is_read) FROM notification n JOIN app_user u ON u.id = n.user_id "
        "WHERE u.username = 'manager' AND n.link = :link"
    )
    link = f"/equipment/{spare_item['id']}"
    assert db_scalar(status_read, link=link) is False
    item.click()
    expect(manager).to_have_url(url_of(link), timeout=15_000)
    assert db_scalar(status_read, link=link) is True
    badge_matches_database(manager, "manager")

    # Mark all read: every notification that existed is read, and the badge agrees.
    clicked_at = db_scalar("SELECT now()")
    manager.get_by_test_id("notification-bell").click()
    manager.get_by_test_id("notifications-mark-all").click()
    expect(manager.get_by_test_id("notification-count")).to_have_count(0, timeout=10_000)
    assert db_scalar(UNREAD_SQL + " AND n.created_at <= :t", u="manager", t=clicked_at) == 0


def test_notifications_page_and_mute(server: Server, page: Page, artifacts) -> None:
    sign_in(page, server.url, "tech", path="/notifications")
    expect(page.get_by_test_id("notification-preferences")).to_be_visible(timeout=15_000)
    rows = page.get_by_test_id("notification-row")
    expect(rows.first.or_(page.get_by_test_id("notifications-empty-page"))).to_be_visible()
    unread = db_scalar(UNREAD_SQL, u="tech")
    if unread:
        page.get_by_test_id("page-mark-all").click()
        expect(page.locator("[data-testid=notification-row][data-read=false]")).to_have_count(
            0, timeout=10_000
        )
        assert db_scalar(UNREAD_SQL, u="tech") == 0
    for name, size in (("phone", (390, 844)), ("tablet", (820, 1180)), ("desktop", (1440, 900))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.screenshot(path=str(artifacts / f"notifications-page-{name}.png"), full_page=True)
    mute = page.get_by_test_id("mute-new_equipment")
    expect(mute).to_have_attribute("data-state", "unchecked")
    mute.click()
    expect(mute).to_have_attribute("data-state", "checked", timeout=10_000)
    muted = db_scalar("SELECT muted_notification_types::text FROM app_user WHERE username = 'tech'")
    assert "new_equipment" in muted
    page.reload()
    expect(page.get_by_test_id("mute-new_equipment")).to_have_attribute(
        "data-state", "checked", timeout=15_000
    )
    page.get_by_test_id("mute-new_equipment").click()
    expect(page.get_by_test_id("mute-new_equipment")).to_have_attribute(
        "data-state", "unchecked", timeout=10_000
    )
