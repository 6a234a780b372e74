"""The dashboard, the reports page and the audit log in the browser.

- An Admin sees the greeting with their name and role, the four stat cards (numbers equal to
  the database's own aggregates, each linking to its page), quick actions, the revenue chart,
  top clients, top items and the utilisation chart and table; the utilisation period picker
  works. Screenshots at phone (390x844) and desktop (1440x900) with no horizontal overflow.
- A stat card follows a change made elsewhere without a reload (live update).
- A Viewer sees the cards, no report panel and no quick action (tests/integration/
  test_reports.py checks that their tab never holds a figure), and /reports refuses them.
- /reports shows the fuller views; /audit lists entries, filters them, exports a CSV and
  shows a change made elsewhere live with its old -> new diff; a Manager is refused the log.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain.changes import Change, RedisBus
from avrentals.domain.models import Category, EquipmentItem, User
from avrentals.domain.services.auth import actor_of
from avrentals.domain.services.clients import create_client, update_client
from tests.e2e.conftest import E2E_DATABASE_URL, E2E_REDIS_URL, Server, db_scalar, sign_in, url_of

pytestmark = pytest.mark.e2e

SIZES = {"phone": (390, 844), "desktop": (1440, 900)}


def no_horizontal_overflow(page: Page, what: str) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what}: the page is {overflow}px wider than the screen"


def open_dashboard(new_context, server: Server, user: str, size: str = "desktop") -> Page:
    width, height = SIZES[size]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, user, path="/")
    expect(page.get_by_test_id("card-equipment-value")).to_be_visible(timeout=30_000)
    return page


def units_owned() -> int:
    return int(db_scalar("SELECT COALESCE(SUM(quantity), 0) FROM equipment_item"))


@pytest.mark.parametrize("size", list(SIZES))
def test_admin_sees_cards_and_reports(server: Server, new_context, artifacts, size: str):
    page = open_dashboard(new_context, server, "admin", size)
    expect(page.get_by_test_id("greeting")).to_contain_text(
        re.compile(r"^(Good (morning|afternoon|evening)|Hello), ")
    )
    expect(page.get_by_test_id("greeting-role")).to_have_text("Admin")

    expect(page.get_by_test_id("card-equipment-value")).to_have_text(f"{units_owned():,}")
    clients = int(db_scalar("SELECT COUNT(*) FROM client"))
    expect(page.get_by_test_id("card-clients-value")).to_have_text(f"{clients:,}")
    out = int(
        db_scalar("SELECT COALESCE(SUM(qty_damaged + qty_maintenance), 0) FROM equipment_item")
    )
    expect(page.get_by_test_id("card-maintenance-value")).to_have_text(f"{out:,}")
    for card, path in (
        ("card-equipment", "/equipment"),
        ("card-clients", "/clients"),
        ("card-upcoming", "/events"),
        ("card-maintenance", "/maintenance"),
    ):
        expect(page.get_by_test_id(card)).to_have_attribute("href", path)

    for action in ("quick-new-event", "quick-new-quote", "quick-scan-prep", "quick-add-item"):
        expect(page.get_by_test_id(action)).to_be_visible()

    # The latest five of the user's notifications (the header bell's list), or "caught up".
    panel = page.get_by_test_id("dashboard-notifications")
    expect(panel).to_be_visible()
    received = int(
        db_scalar(
            "SELECT COUNT(*) FROM notification n JOIN app_user u ON u.id = n.user_id "
            "WHERE u.username = 'admin'"
        )
    )
    rows = panel.get_by_test_id("dashboard-notification")
    if received:
        expect(rows).to_have_count(min(received, 5), timeout=15_000)
    else:
        expect(panel.get_by_test_id("dashboard-notifications-empty")).to_be_visible()

    # The demo data has accepted quotes in the last months, rentals and stock.
    expect(page.get_by_test_id("revenue-chart")).to_be_visible()
    expect(
        page.locator("[data-testid=revenue-chart] .recharts-bar-rectangle").first
    ).to_be_visible()
    expect(page.get_by_test_id("top-clients-row").first).to_be_visible()
    expect(page.get_by_test_id("top-items-row").first).to_be_visible()
    expect(page.get_by_test_id("utilisation-chart")).to_be_visible()
    expect(page.get_by_test_id("utilisation-item").first).to_be_visible()
    expect(page.get_by_test_id("utilisation-overall")).to_have_text(re.compile(r"^\d+\.\d%$"))
    page.wait_for_timeout(800)  # chart animation
    page.screenshot(path=str(artifacts / f"dashboard-admin-{size}.png"), full_page=True)
    no_horizontal_overflow(page, f"dashboard {size}")

    if size == "desktop":
        # The period picker re-reads the utilisation over the new period.
        page.get_by_test_id("period-7").click()
        expect(page.get_by_test_id("util-start")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))
        page.get_by_test_id("util-start").fill("2020-01-01")
        expect(page.get_by_test_id("range-error")).to_contain_text("366")


def test_cards_update_live(server: Server, new_context):
    page = open_dashboard(new_context, server, "manager")
    before = units_owned()
    expect(page.get_by_test_id("card-equipment-value")).to_have_text(f"{before:,}")
    engine = sa.create_engine(E2E_DATABASE_URL)
    try:
        with Session(engine) as s:
            category = s.execute(sa.select(Category).limit(1)).scalar_one()
            item = EquipmentItem(
                name="Live Dashboard Probe",
                category_id=category.id,
                quantity=7,
                qty_good=7,
                location="Aisle L",
                daily_rate=Decimal("5"),
                asset_code=f"LDP-{uuid.uuid4().hex[:6].upper()}",
            )
            s.add(item)
            s.commit()
            item_id = str(item.id)
    finally:
        engine.dispose()
    RedisBus(E2E_REDIS_URL).publish(
        Change(entity="equipment", action="create", id=item_id, actor="warehouse")
    )
    expect(page.get_by_test_id("card-equipment-value")).to_have_text(
        f"{before + 7:,}", timeout=15_000
    )


def test_viewer_sees_no_reports(server: Server, new_context, artifacts):
    page = open_dashboard(new_context, server, "viewer", "phone")
    expect(page.get_by_test_id("greeting-role")).to_have_text("Viewer")
    expect(page.get_by_test_id("my-events")).to_be_visible()
    expect(page.get_by_test_id("quick-actions-empty")).to_be_visible()
    expect(page.get_by_test_id("report-panels")).to_have_count(0)
    expect(page.get_by_test_id("revenue-panel")).to_have_count(0)
    expect(page.get_by_test_id("quick-new-event")).to_have_count(0)
    page.screenshot(path=str(artifacts / "dashboard-viewer-phone.png"), full_page=True)
    no_horizontal_overflow(page, "viewer dashboard phone")
    page.goto(f"{server.url}/reports")
    expect(page.get_by_role("alert").or_(page.locator(".rt-CalloutRoot"))).to_contain_text(
        "may not", timeout=30_000
    )
    expect(page.get_by_test_id("revenue-panel")).to_have_count(0)


def test_reports_page(server: Server, new_context, artifacts):
    page = new_context().new_page()
    sign_in(page, server.url, "manager", path="/reports")
    expect(page.get_by_test_id("utilisation-panel")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("utilisation-item").first).to_be_visible()
    expect(page.get_by_test_id("revenue-panel")).to_be_visible()
    page.get_by_test_id("months").click()
    page.get_by_role("option", name="Last 12 months").click()
    expect(page.get_by_test_id("revenue-month")).to_have_count(12, timeout=15_000)
    page.get_by_test_id("report-category").click()
    page.get_by_role("option").nth(1).click()
    expect(page.get_by_test_id("utilisation-category")).to_have_count(1, timeout=15_000)
    page.wait_for_timeout(600)
    page.screenshot(path=str(artifacts / "reports-desktop.png"), full_page=True)
    no_horizontal_overflow(page, "reports desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(600)
    page.screenshot(path=str(artifacts / "reports-phone.png"), full_page=True)
    no_horizontal_overflow(page, "reports phone")


def test_audit_log(server: Server, new_context, artifacts):
    page = new_context().new_page()
    sign_in(page, server.url, "admin", path="/audit")
    expect(page.get_by_test_id("audit-entry").first).to_be_visible(timeout=30_000)
    # Signing in wrote audit entries; filter down to logins of this admin.
    page.get_by_test_id("audit-entity").click()
    page.get_by_role("option", name="user", exact=True).click()
    expect(page.get_by_test_id("audit-count")).to_contain_text("Entries 1", timeout=15_000)
    with page.expect_download() as download:
        page.get_by_test_id("audit-export").click()
    path = download.value.path()
    text = Path(path).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "time,user,action,entityType,entityId,ip,changes"
    assert all(",user," in line for line in text.splitlines()[1:])
    page.get_by_test_id("audit-clear").click()
    expect(page.get_by_test_id("audit-clear")).to_have_count(0)

    # A change made elsewhere appears live with its field-by-field diff.
    engine = sa.create_engine(E2E_DATABASE_URL)
    try:
        with Session(engine) as s:
            actor = actor_of(s.exec(select(User).where(User.username == "admin")).one())
        old_name = f"Audit Probe {uuid.uuid4().hex[:6]}"
        with transaction(engine) as s:
            client = create_client(s, actor, {"name": old_name})
            client_id, version = client.id, client.version
        with transaction(engine) as s:
            update_client(s, actor, client_id, version, {"name": "Audit Probe Lda"})
    finally:
        engine.dispose()
    RedisBus(E2E_REDIS_URL).publish(
        Change(entity="client", action="update", id=str(client_id), actor="admin")
    )
    change = page.get_by_test_id("audit-entry").first.get_by_test_id("audit-change")
    expect(change).to_contain_text("name", timeout=15_000)
    expect(change).to_contain_text(old_name)
    expect(change).to_contain_text("Audit Probe Lda")
    page.screenshot(path=str(artifacts / "audit-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_test_id("audit-change").first).to_be_visible()
    page.screenshot(path=str(artifacts / "audit-phone.png"))
    no_horizontal_overflow(page, "audit phone")

    other = new_context().new_page()
    sign_in(other, server.url, "manager", path="/audit")
    expect(other.locator(".rt-CalloutRoot")).to_contain_text("may not", timeout=30_000)
    expect(other.get_by_test_id("audit-entry")).to_have_count(0)
    expect(other).to_have_url(url_of("/audit"))
