"""The availability timeline and the conflicts panel in the browser.

Set-up (in the e2e database, next to the demo data): "Timeline Probe Console", 3 units.
  Gala      today+2..+3, prep 1  -> blocks +1..+3   x2
  Launch    today+3              -> blocks +3       x1
  Rehearsal today+6              -> blocks +6       x1
Then one unit is reported damaged through the equipment service: 2 good units, so day +3
(3 booked) is a conflict, and Admins/Managers get a `conflict_alert`.

The grid must show 2/2 (fully booked) on +1, 3/2 (red) on +3, 1/2 on +6, 0/2 on +8; the
cell opens the events using it; a booking added from the service side shows up without a
reload. The conflicts panel lists the conflict with working links, and shows "No conflicts"
once the booking causing it is gone. Screenshots of both pages at three sizes.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from avrentals.db import transaction
from avrentals.domain.changes import Change, RedisBus
from avrentals.domain.enums import NotificationType
from avrentals.domain.models import (
    Category,
    Client,
    EquipmentItem,
    Event,
    Notification,
    Rental,
    User,
)
from avrentals.domain.services.auth import actor_of
from avrentals.domain.services.equipment import update_equipment
from tests.e2e.conftest import E2E_DATABASE_URL, E2E_REDIS_URL, Server, sign_in

pytestmark = pytest.mark.e2e

SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}
ITEM_NAME = "Timeline Probe Console"
TODAY = date.today()


def plus(n: int) -> date:
    return TODAY + timedelta(days=n)


@dataclass(frozen=True)
class Probe:
    item_id: str
    events: dict[str, str]  # name -> id
    launch_rental_id: str


def _publish(entity: str, action: str, row_id: str) -> None:
    """Announce a change written from outside the app, as the services do after commit."""
    RedisBus(E2E_REDIS_URL).publish(
        Change(entity=entity, action=action, id=row_id, actor="warehouse", actorName="Warehouse")
    )


@pytest.fixture(scope="module")
def probe(server: Server) -> Probe:
    engine = sa.create_engine(E2E_DATABASE_URL)
    try:
        with Session(engine, expire_on_commit=False) as s:
            category = Category(name="Timeline probes", position=99)
            client = Client(name="Probe Productions")
            s.add_all([category, client])
            s.flush()
            item = EquipmentItem(
                name=ITEM_NAME,
                category_id=category.id,
                quantity=3,
                qty_good=3,
                location="Aisle T",
                daily_rate=Decimal("40"),
                asset_code=f"TLP-{uuid.uuid4().hex[:6].upper()}",
            )
            s.add(item)
            events = {}
            for name, start, end, prep in (
                ("Gala", plus(2), plus(3), 1),
                ("Launch", plus(3), plus(3), 0),
                ("Rehearsal", plus(6), plus(6), 0),
            ):
                event = Event(
                    name=f"Probe {name}",
                    client_id=client.id,
                    location="Probe Hall",
                    start_date=start,
                    end_date=end,
                    prep_days=prep,
                )
                s.add(event)
                events[name] = event
            s.flush()
            rentals = {
                name: Rental(event_id=events[name].id, equipment_id=item.id, quantity=qty)
                for name, qty in (("Gala", 2), ("Launch", 1), ("Rehearsal", 1))
            }
            s.add_all(rentals.values())
            s.commit()
            admin = s.exec(select(User).where(User.username == "admin")).one()
            actor = actor_of(admin)
        with transaction(engine) as s:  # one unit damaged: day +3 is now overbooked
            update_equipment(
                s,
                actor,
                item.id,
                item.version,
                {"quantity_good": 2, "quantity_damaged": 1, "quantity_maintenance": 0},
            )
        return Probe(
            str(item.id),
            {name: str(e.id) for name, e in events.items()},
            str(rentals["Launch"].id),
        )
    finally:
        engine.dispose()


def open_timeline(page: Page, server: Server) -> None:
    sign_in(page, server.url, "admin", path="/availability")
    expect(page.get_by_test_id("timeline-row").first).to_be_visible(timeout=30_000)
    page.get_by_test_id("timeline-search").fill("Timeline Probe")
    expect(page.get_by_test_id("timeline-row")).to_have_count(1, timeout=10_000)


def cell(page: Page, item_id: str, day: date):
    """The grid cell of `item_id` on `day` (columns follow the day header)."""
    days = page.locator(".tl-head .tl-day").evaluate_all("els => els.map(e => e.title)")
    column = days.index(day.isoformat())
    row = page.locator(f'[data-testid=timeline-row][data-item="{item_id}"]')
    return row.locator(".tl-cell").nth(column)


def test_grid_shows_booked_of_bookable_and_the_conflict(server: Server, page: Page, probe):
    open_timeline(page, server)
    expect(cell(page, probe.item_id, plus(1))).to_have_text("2/2")
    expect(cell(page, probe.item_id, plus(1))).to_have_class(re.compile(r"\bfull\b"))
    over = cell(page, probe.item_id, plus(3))
    expect(over).to_have_text("3/2")
    expect(over).to_have_class(re.compile(r"\bover\b"))
    red = over.evaluate("e => getComputedStyle(e).backgroundColor")
    assert red.startswith("rgb(") and red != "rgba(0, 0, 0, 0)", red
    expect(cell(page, probe.item_id, plus(6))).to_have_text("1/2")
    expect(cell(page, probe.item_id, plus(6))).to_have_class(re.compile(r"\bpart\b"))
    expect(cell(page, probe.item_id, plus(8))).to_have_text("0/2")
    expect(page.locator(".tl-head .tl-day.td")).to_have_count(1)  # today is marked
    expect(page.get_by_test_id("timeline-conflicts")).to_contain_text("1 over")

    over.click()  # the events using the item that day, with links
    dialog = page.get_by_test_id("cell-dialog")
    expect(dialog).to_be_visible()
    expect(page.get_by_test_id("cell-summary")).to_have_text(
        "3 of 2 bookable units booked \u2014 over by 1"
    )
    links = page.get_by_test_id("cell-event")
    expect(links).to_have_count(2)
    hrefs = sorted(links.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    assert hrefs == sorted(f"/events/{probe.events[n]}" for n in ("Gala", "Launch"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    # A booking added from the service side appears without a reload.
    engine = sa.create_engine(E2E_DATABASE_URL)
    try:
        with Session(engine, expire_on_commit=False) as s:
            rental = s.exec(
                select(Rental).where(
                    Rental.event_id == uuid.UUID(probe.events["Rehearsal"]),
                    Rental.equipment_id == uuid.UUID(probe.item_id),
                )
            ).one()
            event = s.get(Event, uuid.UUID(probe.events["Rehearsal"]))
            assert event is not None
            rental.quantity = 2  # the rehearsal now runs +6..+8 with 2 units
            event.end_date = plus(8)
            s.add_all([rental, event])
            s.commit()
    finally:
        engine.dispose()
    _publish("rental", "update", str(rental.id))
    expect(cell(page, probe.item_id, plus(8))).to_have_text("2/2", timeout=10_000)
    expect(cell(page, probe.item_id, plus(6))).to_have_text("2/2")
    expect(page.get_by_test_id("live-notice")).to_contain_text("Warehouse")


@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots(server: Server, new_context, artifacts, probe, size: str):
    width, height = SIZES[size]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, "admin", path="/availability")
    expect(page.get_by_test_id("timeline-row").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(400)
    page.screenshot(path=str(artifacts / f"timeline-{size}.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"timeline {size}: page {overflow}px wider than the screen"
    # The item column and the day header stay put while the grid scrolls.
    grid = page.get_by_test_id("timeline-grid")
    grid.evaluate("e => { e.scrollLeft = 400; e.scrollTop = 300; }")
    page.wait_for_timeout(200)
    name_box = page.locator(".tl-name").first.bounding_box()
    grid_box = grid.bounding_box()
    head_box = page.locator(".tl-head").bounding_box()
    assert name_box and grid_box and head_box
    assert abs(name_box["x"] - grid_box["x"]) <= 2, (name_box, grid_box)
    assert abs(head_box["y"] - grid_box["y"]) <= 2, (head_box, grid_box)
    page.screenshot(path=str(artifacts / f"timeline-scrolled-{size}.png"))

    page.goto(f"{server.url}/conflicts")
    expect(page.get_by_test_id("conflict-group").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"conflicts-{size}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"conflicts {size}: page {overflow}px wider than the screen"


def test_conflicts_panel_lists_the_conflict_with_links(
    server: Server, page: Page, artifacts, probe
):
    engine = sa.create_engine(E2E_DATABASE_URL)
    try:
        with Session(engine) as s:  # the damage report alerted the admins and managers
            alerts = s.exec(
                select(Notification).where(
                    Notification.type == NotificationType.CONFLICT_ALERT,
                    Notification.link == f"/equipment/{probe.item_id}",
                )
            ).all()
        assert alerts and all(ITEM_NAME in a.title for a in alerts)
    finally:
        engine.dispose()

    sign_in(page, server.url, "manager", path="/conflicts")
    group = page.locator(f'[data-testid=conflict-group][data-item="{probe.item_id}"]')
    expect(group).to_be_visible(timeout=30_000)
    expect(group.get_by_test_id("conflict-span")).to_have_count(1)
    expect(group.get_by_test_id("conflict-numbers")).to_have_text(
        "3 booked \u00b7 2 bookable \u00b7 1 short"
    )
    events = group.get_by_test_id("conflict-event")
    expect(events).to_have_count(2)
    hrefs = sorted(events.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    assert hrefs == sorted(f"/events/{probe.events[n]}" for n in ("Gala", "Launch"))
    item_link = group.get_by_test_id("conflict-item")
    expect(item_link).to_have_attribute("href", f"/equipment/{probe.item_id}")

    # The booking behind the conflict goes away (from the service side): the panel clears.
    engine = sa.create_engine(E2E_DATABASE_URL)
    try:
        with Session(engine) as s:
            rental = s.get(Rental, uuid.UUID(probe.launch_rental_id))
            assert rental is not None
            s.delete(rental)
            s.commit()
    finally:
        engine.dispose()
    _publish("rental", "delete", probe.launch_rental_id)
    expect(page.get_by_test_id("no-conflicts")).to_be_visible(timeout=10_000)
    page.screenshot(path=str(artifacts / "conflicts-empty-desktop.png"))

    # The reverse: reload, then follow the item link (a working link to the item page).
    page.goto(f"{server.url}/availability")
    page.get_by_test_id("timeline-search").fill("Timeline Probe")
    expect(page.get_by_test_id("timeline-row")).to_have_count(1, timeout=10_000)
    page.get_by_test_id("timeline-row").locator(".tl-name a").click()
    expect(page).to_have_url(re.compile(rf"/equipment/{probe.item_id}/?$"), timeout=15_000)
    expect(page.get_by_text(ITEM_NAME).first).to_be_visible(timeout=15_000)


def test_category_filter_and_range_picker(server: Server, page: Page, probe):
    sign_in(page, server.url, "viewer", path="/availability")
    rows = page.get_by_test_id("timeline-row")
    expect(rows.first).to_be_visible(timeout=30_000)
    assert rows.count() > 1
    page.get_by_test_id("category-filter").locator("button").click()
    page.get_by_role("option", name="Timeline probes").click()
    expect(rows).to_have_count(1, timeout=10_000)
    expect(rows.first).to_have_attribute("data-item", probe.item_id)

    label = page.get_by_test_id("range-label")
    expect(label).to_contain_text("28 days")
    first_day = page.locator(".tl-head .tl-day").first
    monday = TODAY - timedelta(days=TODAY.weekday())
    expect(first_day).to_have_attribute("title", monday.isoformat())
    page.get_by_test_id("range-next").click()  # the next four weeks
    expect(first_day).to_have_attribute("title", (monday + timedelta(days=28)).isoformat())
    expect(page.locator(".tl-head .tl-day")).to_have_count(28)

    too_far = monday + timedelta(days=28 + 120)
    page.get_by_test_id("range-end").fill(too_far.isoformat())
    expect(page.get_by_test_id("range-error")).to_contain_text("at most 92 days")
    expect(page.locator(".tl-head .tl-day")).to_have_count(28)  # the grid stays as it was

    page.get_by_test_id("range-reset").click()
    expect(first_day).to_have_attribute("title", monday.isoformat())
    expect(page.get_by_test_id("range-error")).to_have_count(0)
