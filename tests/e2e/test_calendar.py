"""The calendar in the browser: month grid with events, a red conflict day, drag and drop to a
free day (saved) and into an overbooked window (snaps back with the reason, nothing saved),
the feed dialog with revoke, and screenshots of month and week at three sizes."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from avrentals.domain.models import Category, Client, EquipmentItem, Event, Rental
from avrentals.domain.services import calendar as cal
from tests.e2e.conftest import E2E_DATABASE_URL, ROOT, Server, sign_in

pytestmark = pytest.mark.e2e

CLIENT = "Calendar Test Co"
SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}


def grid_monday() -> date:
    """The Monday of the month grid's second row: rows 2 and 3 always lie in this month."""
    return cal.visible_range("month", date.today()).start + timedelta(days=7)


@pytest.fixture(scope="module")
def plan(server: Server) -> dict[str, object]:
    """Our own client, two items and four events in this month (rows 2-3 of the grid)."""
    base = grid_monday()
    engine = sa.create_engine(E2E_DATABASE_URL)
    try:
        with Session(engine, expire_on_commit=False) as s:
            category = s.exec(select(Category)).first()
            assert category is not None
            client = Client(name=CLIENT)
            s.add(client)
            s.flush()

            def item(name: str, qty: int) -> EquipmentItem:
                row = EquipmentItem(
                    name=name,
                    category_id=category.id,
                    quantity=qty,
                    qty_good=qty,
                    location="Cal aisle",
                    daily_rate=Decimal("10.00"),
                    asset_code=f"CAL-{uuid.uuid4().hex[:8].upper()}",
                )
                s.add(row)
                s.flush()
                return row

            def event(name: str, first: int, last: int, lines: list[tuple[EquipmentItem, int]]):
                row = Event(
                    name=name,
                    client_id=client.id,
                    location="Cal Hall",
                    start_date=base + timedelta(days=first),
                    end_date=base + timedelta(days=last),
                )
                s.add(row)
                s.flush()
                for equipment, qty in lines:
                    s.add(Rental(event_id=row.id, equipment_id=equipment.id, quantity=qty))
                return row

            mixer = item("Cal Test Mixer", 2)
            truss = item("Cal Test Truss", 2)
            mover = event("Cal Mover", 0, 1, [(mixer, 2)])
            event("Cal Blocker", 9, 10, [(mixer, 1)])
            event("Cal Over A", 4, 4, [(truss, 1)])
            event("Cal Over B", 4, 5, [(truss, 1)])
            # One truss reported damaged: day 4 now needs 2 of 1 -> a conflict day.
            truss.qty_good, truss.qty_damaged = 1, 1
            s.add(truss)
            s.commit()
            return {"base": base, "mover": str(mover.id)}
    finally:
        engine.dispose()


def mover_start(event_id: str) -> date:
    engine = sa.create_engine(E2E_DATABASE_URL)
    try:
        with Session(engine) as s:
            row = s.get(Event, uuid.UUID(event_id))
            assert row is not None
            return row.start_date
    finally:
        engine.dispose()


def day_cell(page: Page, day: date):
    return page.locator(f"[data-testid=calendar-month] [data-day='{day.isoformat()}']")


def open_filtered(page: Page, server: Server, username: str) -> None:
    sign_in(page, server.url, username, path="/calendar")
    expect(page.get_by_test_id("calendar-month")).to_be_visible(timeout=30_000)
    page.get_by_test_id("filter-client").get_by_role("combobox").click()
    page.get_by_role("option", name=CLIENT, exact=True).click()
    expect(page.get_by_test_id("calendar-month").get_by_test_id("calendar-chip")).to_have_count(
        7, timeout=15_000
    )


def test_month_shows_events_and_conflict_day(server: Server, page: Page, plan):
    base: date = plan["base"]  # type: ignore[assignment]
    open_filtered(page, server, "viewer")
    expect(page.get_by_test_id("calendar-title")).to_have_text(f"{date.today():%B %Y}")
    first = day_cell(page, base)
    expect(first.get_by_test_id("calendar-chip")).to_have_text("Cal Mover")
    # Read-only roles get no draggable chips.
    expect(first.get_by_test_id("calendar-chip")).to_have_attribute("draggable", "false")
    conflict = day_cell(page, base + timedelta(days=4))
    expect(conflict).to_have_attribute("data-conflict", "true")
    expect(conflict).to_have_class(re.compile("avr-cal-conflict"))
    expect(conflict.get_by_test_id("conflict-badge")).to_have_text("1")
    expect(day_cell(page, base + timedelta(days=5))).to_have_attribute("data-conflict", "false")
    background = conflict.evaluate("n => getComputedStyle(n).backgroundColor")
    red, green, _blue, *_ = (float(x) for x in re.findall(r"[\d.]+", background))
    assert red > green, background
    # Clicking the day opens its panel with the events and the overbooked item.
    conflict.get_by_role("button", name=re.compile("^Show ")).click()
    panel = page.get_by_test_id("day-panel")
    expect(panel.get_by_test_id("day-conflicts")).to_contain_text("Cal Test Truss")
    expect(panel.get_by_test_id("agenda-event")).to_have_count(2)
    expect(panel.get_by_role("link", name="Cal Over A")).to_have_attribute(
        "href", re.compile(r"/events/[0-9a-f-]{36}$")
    )


def test_drag_refused_then_accepted(server: Server, page: Page, plan):
    base: date = plan["base"]  # type: ignore[assignment]
    mover_id: str = plan["mover"]  # type: ignore[assignment]
    open_filtered(page, server, "manager")
    chip = day_cell(page, base).get_by_test_id("calendar-chip")
    expect(chip).to_have_attribute("draggable", "true")

    # Into the blocker's window: 2 mixers wanted, 1 free -> refused, snaps back.
    chip.drag_to(day_cell(page, base + timedelta(days=9)))
    refused = page.get_by_test_id("move-refused")
    expect(refused).to_be_visible(timeout=15_000)
    expect(refused).to_contain_text("Cal Test Mixer")
    expect(refused).to_contain_text("Cal Blocker")
    expect(refused).to_contain_text((base + timedelta(days=9)).isoformat())
    expect(day_cell(page, base).get_by_test_id("calendar-chip")).to_have_text("Cal Mover")
    assert mover_start(mover_id) == base

    # To a free day: saved, length kept.
    day_cell(page, base).get_by_test_id("calendar-chip").drag_to(
        day_cell(page, base + timedelta(days=2))
    )
    expect(page.get_by_test_id("move-saved")).to_contain_text("Cal Mover", timeout=15_000)
    expect(day_cell(page, base + timedelta(days=3)).get_by_test_id("calendar-chip")).to_have_count(
        1
    )
    expect(day_cell(page, base).get_by_test_id("calendar-chip")).to_have_count(0)
    assert mover_start(mover_id) == base + timedelta(days=2)

    # The keyboard alternative: open the day, Move…, type a date.
    day_cell(page, base + timedelta(days=2)).get_by_role(
        "button", name=re.compile("^Show ")
    ).click()
    page.get_by_test_id("day-panel").get_by_test_id("move-event").click()
    page.get_by_test_id("move-date").fill(base.isoformat())
    page.get_by_test_id("confirm-move").click()
    # The notice of the drag above already names the event: wait for the grid instead.
    expect(page.get_by_test_id("confirm-move")).to_be_hidden(timeout=15_000)
    expect(day_cell(page, base).get_by_test_id("calendar-chip")).to_have_count(1)
    expect(day_cell(page, base + timedelta(days=3)).get_by_test_id("calendar-chip")).to_have_count(
        0
    )
    assert mover_start(mover_id) == base


def test_feed_dialog_issue_and_revoke(server: Server, page: Page, plan):
    sign_in(page, server.url, "employee", path="/calendar")
    expect(page.get_by_test_id("calendar-month")).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        page.get_by_test_id("export-ics").click()
    exported = Path(download.value.path()).read_bytes()
    summaries = {str(e["SUMMARY"]) for e in Calendar.from_ical(exported).walk("VEVENT")}
    assert {"Cal Mover", "Cal Blocker", "Cal Over A"} <= summaries
    page.get_by_test_id("open-feed").click()
    expect(page.get_by_test_id("feed-none")).to_be_visible()
    page.get_by_test_id("issue-feed").click()
    url_box = page.get_by_test_id("feed-url")
    expect(url_box).to_have_value(re.compile(r"/api/calendar/feed/[\w-]+\.ics$"), timeout=15_000)
    url = url_box.input_value()
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/calendar")
        assert b"BEGIN:VCALENDAR" in response.read()
    page.get_by_test_id("revoke-feed").click()
    page.get_by_test_id("confirm-revoke").click()
    expect(page.get_by_test_id("feed-none")).to_be_visible(timeout=15_000)
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(url, timeout=10)
    assert gone.value.code == 404


@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots(server: Server, new_context, plan, size: str):
    width, height = SIZES[size]
    context = new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    sign_in(page, server.url, "manager", path="/calendar")
    out = ROOT / "tests" / "e2e" / "artifacts"
    if size == "phone":
        expect(page.get_by_test_id("calendar-agenda")).to_be_visible(timeout=30_000)
        expect(page.get_by_test_id("calendar-month")).to_be_hidden()
    else:
        expect(page.get_by_test_id("calendar-month")).to_be_visible(timeout=30_000)
    page.screenshot(path=str(out / f"calendar-month-{size}.png"), full_page=True)
    page.get_by_test_id("calendar-view").get_by_role("radio", name="Week").click()
    if size == "phone":
        expect(page.get_by_test_id("calendar-title")).to_contain_text("Week of")
    else:
        expect(page.get_by_test_id("calendar-week")).to_be_visible(timeout=15_000)
    page.screenshot(path=str(out / f"calendar-week-{size}.png"), full_page=True)


def test_live_refresh_when_another_user_moves(server: Server, page: Page, new_context, plan):
    base: date = plan["base"]  # type: ignore[assignment]
    mover_id: str = plan["mover"]  # type: ignore[assignment]
    open_filtered(page, server, "manager")
    other = new_context().new_page()
    open_filtered(other, server, "employee")
    expect(day_cell(page, base).get_by_test_id("calendar-chip")).to_have_count(1)

    day_cell(other, base).get_by_role("button", name=re.compile("^Show ")).click()
    other.get_by_test_id("day-panel").get_by_test_id("move-event").click()
    other.get_by_test_id("move-date").fill((base + timedelta(days=1)).isoformat())
    other.get_by_test_id("confirm-move").click()
    expect(other.get_by_test_id("confirm-move")).to_be_hidden(timeout=15_000)

    # The first tab follows without a reload and names who moved it.
    expect(day_cell(page, base).get_by_test_id("calendar-chip")).to_have_count(0, timeout=15_000)
    expect(day_cell(page, base + timedelta(days=2)).get_by_test_id("calendar-chip")).to_have_count(
        1
    )
    expect(page.get_by_test_id("live-notice")).to_contain_text("Cal Mover")
    assert mover_start(mover_id) == base + timedelta(days=1)
