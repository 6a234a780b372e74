"""Events in the browser: create with field messages, the add-equipment dialog's
"available X of Y" figure (checked against the bookings set up in the database) and its
explanation, a refused booking that writes nothing, two users racing for the last units
(with the open dialog's figure refreshing live), quantity edits, delete after confirmation,
list search / filters, and screenshots at phone, tablet and desktop sizes."""

from __future__ import annotations

import re
import secrets
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, db_execute, db_scalar, display_name, sign_in, url_of

pytestmark = pytest.mark.e2e

SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}
CLIENT = "Vinhos do Douro Wine Society"  # a demo client
D0 = date.today() + timedelta(days=400)  # far from the demo bookings


def tag() -> str:
    return secrets.token_hex(3).upper()


def insert_item(name: str, *, good: int, damaged: int = 0) -> str:
    """A fresh item written straight to the database (copying a seeded hire item's category
    and type): `good` bookable units plus `damaged` ones."""
    db_execute(
        "INSERT INTO equipment_item (id, version, created_at, updated_at, name, category_id, "
        "subcategory_id, item_type, quantity, qty_good, qty_damaged, qty_maintenance, status, "
        "location, daily_rate, asset_code, low_stock_threshold) "
        "SELECT gen_random_uuid(), 1, now(), now(), :name, category_id, subcategory_id, "
        "item_type, :qty, :good, :damaged, 0, 'good', 'Shelf EV', 25.00, :code, 0 "
        "FROM equipment_item WHERE item_type = 'equipment' AND daily_rate > 0 LIMIT 1",
        name=name,
        qty=good + damaged,
        good=good,
        damaged=damaged,
        code=f"EV-{tag()}",
    )
    return str(db_scalar("SELECT id FROM equipment_item WHERE name = :n", n=name))


def insert_event(name: str, start: date, end: date, *, prep: int = 0, ret: int = 0) -> str:
    db_execute(
        "INSERT INTO event (id, version, created_at, updated_at, name, client_id, location, "
        "start_date, end_date, prep_days, return_days) "
        "SELECT gen_random_uuid(), 1, now(), now(), :name, id, 'Porto Coliseu', :s, :e, :p, :r "
        "FROM client WHERE name = :c",
        name=name,
        s=start,
        e=end,
        p=prep,
        r=ret,
        c=CLIENT,
    )
    return str(db_scalar("SELECT id FROM event WHERE name = :n", n=name))


def insert_rental(event_id: str, item_id: str, quantity: int) -> None:
    db_execute(
        "INSERT INTO rental (id, version, created_at, updated_at, event_id, equipment_id, "
        "quantity, prep_status, scanned_out, scanned_in) VALUES (gen_random_uuid(), 1, now(), "
        "now(), :e, :i, :q, 'pending', 0, 0)",
        e=event_id,
        i=item_id,
        q=quantity,
    )


def booked(event_id: str, item_id: str) -> int:
    return db_scalar(
        "SELECT coalesce(sum(quantity), 0) FROM rental WHERE event_id = :e AND equipment_id = :i",
        e=event_id,
        i=item_id,
    )


def open_event(page: Page, server: Server, username: str, event_id: str) -> None:
    sign_in(page, server.url, username, path=f"/events/{event_id}")
    expect(page.get_by_test_id("event-title")).to_be_visible(timeout=30_000)


def pick(page: Page, item_id: str, name: str) -> None:
    """Open the add-equipment dialog, find the item by name and pick it."""
    page.get_by_test_id("add-equipment").click()
    page.get_by_test_id("item-search").fill(name)
    result = page.locator(f"[data-testid=item-result][data-id='{item_id}']")
    expect(result).to_have_count(1, timeout=10_000)
    result.click()
    expect(page.get_by_test_id("picked-item")).to_be_visible()


def choose(page: Page, testid: str, option: str) -> None:
    page.get_by_test_id(testid).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_create_event_after_field_messages(server: Server, page: Page):
    sign_in(page, server.url, "employee", path="/events")
    expect(page.get_by_test_id("event-row").first).to_be_visible(timeout=30_000)
    name = f"E2E Launch {tag()}"
    page.get_by_test_id("new-event").click()
    page.get_by_test_id("event-name").fill("Ab")
    page.get_by_test_id("event-client-search").fill("vinhos")
    choose(page, "event-client_id", CLIENT)
    page.get_by_test_id("event-location").fill("Lisbon Congress Centre")
    page.get_by_test_id("event-start_date").fill("2031-05-10")
    page.get_by_test_id("event-end_date").fill("2031-05-08")
    page.get_by_test_id("save-event").click()
    expect(page.get_by_test_id("error-name")).to_have_text("Name must be 3 to 100 characters.")
    expect(page.get_by_test_id("error-end_date")).to_have_text(
        "End date must be on or after the start date."
    )
    assert db_scalar("SELECT count(*) FROM event WHERE location = 'Lisbon Congress Centre'") == 0

    page.get_by_test_id("event-name").fill(name)
    page.get_by_test_id("event-end_date").fill("2031-05-12")
    page.get_by_test_id("event-prep_days").fill("1")
    page.get_by_test_id("save-event").click()
    expect(page.get_by_test_id("event-title")).to_have_text(name, timeout=10_000)
    event_id = str(db_scalar("SELECT id FROM event WHERE name = :n", n=name))
    expect(page).to_have_url(url_of(f"/events/{event_id}"))
    expect(page.get_by_test_id("fact-client")).to_contain_text(CLIENT)
    expect(page.get_by_test_id("fact-dates")).to_contain_text("10\u201312 May 2031")
    expect(page.get_by_test_id("fact-dates")).to_contain_text("1 prep day")
    assert db_scalar("SELECT prep_days FROM event WHERE id = :e", e=event_id) == 1
    assert str(db_scalar("SELECT end_date FROM event WHERE id = :e", e=event_id)) == "2031-05-12"


def test_list_search_and_filters(server: Server, page: Page):
    name = f"E2E Findable {tag()}"
    insert_event(name, D0, D0 + timedelta(days=1))
    sign_in(page, server.url, "viewer", path="/events")
    rows = page.locator("[data-testid=event-table] [data-testid=event-row]")
    expect(rows.first).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("new-event")).to_have_count(0)  # viewer: no events:write
    page.get_by_test_id("event-search").fill(name.lower())
    expect(rows).to_have_count(1)
    expect(rows.first.locator("[data-field=client]")).to_have_text(CLIENT)
    expect(rows.first.get_by_test_id("event-status")).to_have_text("Upcoming")
    choose(page, "status-filter", "Completed")
    expect(page.get_by_test_id("event-no-results")).to_be_visible()
    page.get_by_role("button", name="Clear filters").click()
    completed = db_scalar("SELECT count(*) FROM event WHERE end_date < current_date")
    choose(page, "status-filter", "Completed")
    expect(page.get_by_test_id("page-label")).to_contain_text(
        f"{completed} event" if completed == 1 else f"{completed} events"
    )
    page.get_by_test_id("view-toggle").locator("button").nth(1).click()
    expect(page.get_by_test_id("event-cards")).to_be_visible()


def test_add_equipment_shows_available_x_of_y_and_why(server: Server, page: Page, artifacts):
    t = tag()
    item = f"E2E Moving Head {t}"
    item_id = insert_item(item, good=10, damaged=2)  # Y = 10 good units
    ours = insert_event(f"E2E Festival {t}", D0, D0 + timedelta(days=5))
    early = insert_event(f"E2E Early Gig {t}", D0 - timedelta(days=1), D0 + timedelta(days=1))
    late = insert_event(f"E2E Late Gig {t}", D0 + timedelta(days=4), D0 + timedelta(days=8))
    insert_rental(early, item_id, 3)
    insert_rental(late, item_id, 4)
    insert_rental(ours, item_id, 2)  # already on this event: taken off what can be added
    # The two other events never overlap: the peak is 4 (not 3 + 4); 10 - 4 - 2 = 4.
    open_event(page, server, "employee", ours)
    pick(page, item_id, item)
    expect(page.get_by_test_id("availability")).to_have_text("Available 4 of 10 for these dates")
    page.get_by_test_id("add-qty").fill("5")
    expect(page.get_by_test_id("qty-warning")).to_have_text("Only 4 can be added for these dates.")

    page.get_by_test_id("availability-toggle").click()
    explain = page.get_by_test_id("availability-explain")
    expect(explain).to_be_visible()
    expect(page.get_by_test_id("ledger-summary")).to_have_text(
        re.compile(rf"^Busiest on .* \(and 1 more days\): 4 held by E2E Late Gig {t} \(4\)\.$")
    )
    expect(explain.get_by_test_id("ledger-day")).to_have_count(6)
    peaks = explain.locator("[data-testid=ledger-day][data-peak='1']")
    expect(peaks).to_have_count(2)
    expect(peaks.first).to_contain_text(f"E2E Late Gig {t} (4)")
    first_day = explain.get_by_test_id("ledger-day").first
    expect(first_day).to_contain_text(f"E2E Early Gig {t} (3)")
    page.screenshot(path=str(artifacts / "event-add-equipment-desktop.png"))

    page.get_by_test_id("add-qty").fill("4")
    expect(page.get_by_test_id("qty-warning")).to_have_count(0)
    page.get_by_test_id("book-equipment").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    row = page.locator(f"[data-testid=rental-row]:has-text('{item}')")
    expect(row.locator("[data-field=quantity]")).to_have_text("6")
    assert booked(ours, item_id) == 6  # the existing line grew


def test_refused_booking_shows_the_conflict_and_writes_nothing(server: Server, page: Page):
    t = tag()
    item = f"E2E Subwoofer {t}"
    item_id = insert_item(item, good=5)
    other_name = f"E2E Club Night {t}"
    other = insert_event(other_name, D0 + timedelta(days=2), D0 + timedelta(days=2))
    insert_rental(other, item_id, 3)
    ours = insert_event(f"E2E Gala {t}", D0 + timedelta(days=3), D0 + timedelta(days=3), prep=1)
    # Our prep day (D0+2) overlaps the club night: 5 - 3 = 2 free.
    open_event(page, server, "employee", ours)
    pick(page, item_id, item)
    expect(page.get_by_test_id("availability")).to_have_text("Available 2 of 5 for these dates")
    page.get_by_test_id("add-qty").fill("4")
    page.get_by_test_id("book-equipment").click()
    conflict = page.get_by_test_id("add-conflict")
    expect(conflict).to_contain_text("Nothing was saved")
    line = conflict.get_by_test_id("conflict-line")
    expect(line).to_have_count(1)
    expect(line).to_contain_text(item)
    expect(line).to_contain_text("Asked for 4, only 2 of 5 bookable units are free")
    expect(line).to_contain_text(f"3 booked by: {other_name} (3)")
    assert booked(ours, item_id) == 0
    assert db_scalar("SELECT count(*) FROM rental WHERE event_id = :e", e=ours) == 0


def test_two_users_race_for_the_last_units(server: Server, new_context):
    t = tag()
    item = f"E2E Laser {t}"
    item_id = insert_item(item, good=3)
    first_event = insert_event(f"E2E Stage A {t}", D0 + timedelta(days=10), D0 + timedelta(days=11))
    second_event = insert_event(
        f"E2E Stage B {t}", D0 + timedelta(days=11), D0 + timedelta(days=12)
    )
    a, b = new_context().new_page(), new_context().new_page()
    open_event(a, server, "manager", first_event)
    open_event(b, server, "employee", second_event)
    for page in (a, b):
        pick(page, item_id, item)
        expect(page.get_by_test_id("availability")).to_have_text("Available 3 of 3 for these dates")
        page.get_by_test_id("add-qty").fill("3")

    a.get_by_test_id("book-equipment").click()
    expect(a.get_by_role("dialog")).to_have_count(0)
    # B's open dialog refreshes on its own and names who booked.
    expect(b.get_by_test_id("availability")).to_have_text(
        "Available 0 of 3 for these dates", timeout=5_000
    )
    expect(b.get_by_test_id("availability-notice")).to_contain_text(display_name("manager"))
    b.get_by_test_id("book-equipment").click()
    expect(b.get_by_test_id("add-conflict")).to_contain_text("Nothing was saved")
    expect(b.get_by_test_id("conflict-line")).to_contain_text(f"E2E Stage A {t} (3)")
    assert booked(first_event, item_id) == 3
    assert booked(second_event, item_id) == 0


def test_quantity_edit_refused_then_smaller_and_remove_line(server: Server, page: Page):
    t = tag()
    item = f"E2E Truss {t}"
    item_id = insert_item(item, good=6)
    other = insert_event(f"E2E Expo {t}", D0 + timedelta(days=20), D0 + timedelta(days=20))
    ours = insert_event(f"E2E Fair {t}", D0 + timedelta(days=20), D0 + timedelta(days=21))
    insert_rental(other, item_id, 4)
    insert_rental(ours, item_id, 2)
    open_event(page, server, "manager", ours)
    row = page.get_by_test_id("rental-row").filter(has_text=item)
    row.get_by_test_id("edit-qty").click()
    row.get_by_test_id("qty-input").fill("3")
    row.get_by_test_id("qty-input").press("Enter")
    expect(page.get_by_test_id("qty-conflict")).to_contain_text(
        "Asked for 3, only 2 of 6 bookable units are free"
    )
    assert booked(ours, item_id) == 2
    row.get_by_test_id("qty-input").fill("1")
    row.get_by_test_id("qty-save").click()
    expect(row.locator("[data-field=quantity]")).to_have_text("1")
    assert booked(ours, item_id) == 1

    row.get_by_test_id("remove-line").click()
    expect(page.get_by_role("alertdialog")).to_contain_text(f"1 \u00d7 {item}")
    page.get_by_test_id("confirm-remove").click()
    expect(page.get_by_test_id("rental-empty")).to_be_visible()
    assert db_scalar("SELECT count(*) FROM rental WHERE event_id = :e", e=ours) == 0


def test_delete_event_after_confirmation_naming_its_lines(server: Server, page: Page):
    t = tag()
    name = f"E2E Farewell {t}"
    event_id = insert_event(name, D0 + timedelta(days=30), D0 + timedelta(days=30))
    for n in range(2):
        insert_rental(event_id, insert_item(f"E2E Cable {n} {t}", good=4), 1)
    open_event(page, server, "manager", event_id)
    page.get_by_test_id("delete-event").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"{name} will be deleted permanently")
    expect(page.get_by_test_id("delete-lines")).to_have_text(
        "Its 2 rental lines will be removed with it, freeing the equipment."
    )
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    assert db_scalar("SELECT count(*) FROM event WHERE id = :e", e=event_id) == 1

    page.get_by_test_id("delete-event").click()
    page.get_by_test_id("confirm-delete").click()
    expect(page).to_have_url(url_of("/events"), timeout=10_000)
    assert db_scalar("SELECT count(*) FROM event WHERE id = :e", e=event_id) == 0
    assert db_scalar("SELECT count(*) FROM rental WHERE event_id = :e", e=event_id) == 0


@pytest.mark.parametrize("size", list(SIZES))
def test_event_screenshots(server: Server, new_context, artifacts, size: str):
    width, height = SIZES[size]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, "admin", path="/events")
    rows = "event-card" if size == "phone" else "event-row"
    expect(page.get_by_test_id(rows).first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"events-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    event_id = str(
        db_scalar(
            "SELECT e.id FROM event e JOIN rental r ON r.event_id = e.id "
            "GROUP BY e.id, e.start_date ORDER BY count(*) DESC, e.start_date LIMIT 1"
        )
    )
    page.goto(f"{server.url}/events/{event_id}")
    expect(page.get_by_test_id("rental-row").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"event-detail-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    item_id = str(
        db_scalar("SELECT equipment_id FROM rental WHERE event_id = :e LIMIT 1", e=event_id)
    )
    item = db_scalar("SELECT name FROM equipment_item WHERE id = :i", i=item_id)
    pick(page, item_id, item)
    page.get_by_test_id("availability-toggle").click()
    expect(page.get_by_test_id("availability-explain")).to_be_visible()
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"event-add-equipment-{size}.png"))


def test_moving_dates_that_overbook_is_refused_readably(server: Server, page: Page):
    t = tag()
    item = f"E2E Projector {t}"
    item_id = insert_item(item, good=2)
    busy = insert_event(f"E2E Keynote {t}", D0 + timedelta(days=40), D0 + timedelta(days=40))
    insert_rental(busy, item_id, 2)
    ours = insert_event(f"E2E Workshop {t}", D0 + timedelta(days=41), D0 + timedelta(days=41))
    insert_rental(ours, item_id, 1)
    open_event(page, server, "manager", ours)
    page.get_by_test_id("edit-event").click()
    moved = (D0 + timedelta(days=40)).isoformat()
    page.get_by_test_id("event-start_date").fill(moved)
    page.get_by_test_id("save-event").click()
    conflict = page.get_by_test_id("event-rental-conflict")
    expect(conflict).to_contain_text("The event cannot move to these dates.")
    line = conflict.get_by_test_id("conflict-line")
    expect(line).to_contain_text(item)
    expect(line).to_contain_text("Asked for 1, only 0 of 2 bookable units are free")
    expect(line).to_contain_text(f"2 booked by: E2E Keynote {t} (2)")
    expect(page.get_by_test_id("event-form")).to_be_visible()  # nothing saved, still open
    start = db_scalar("SELECT start_date FROM event WHERE id = :e", e=ours)
    assert start == D0 + timedelta(days=41)
    assert db_scalar("SELECT version FROM event WHERE id = :e", e=ours) == 1


def test_duplicate_refused_then_copied_to_free_dates(server: Server, page: Page):
    t = tag()
    item = f"E2E Hazer {t}"
    item_id = insert_item(item, good=2)
    name = f"E2E Premiere {t}"
    ours = insert_event(name, D0 + timedelta(days=50), D0 + timedelta(days=51))
    insert_rental(ours, item_id, 2)
    open_event(page, server, "employee", ours)
    page.get_by_test_id("duplicate-event").click()
    page.get_by_test_id("dup-start_date").fill((D0 + timedelta(days=51)).isoformat())
    page.get_by_test_id("confirm-duplicate").click()
    conflict = page.get_by_test_id("dup-rental-conflict")
    expect(conflict.get_by_test_id("conflict-line")).to_contain_text(
        "Asked for 2, only 0 of 2 bookable units are free"
    )
    assert db_scalar("SELECT count(*) FROM event WHERE name = :n", n=f"{name} (copy)") == 0

    page.get_by_test_id("dup-start_date").fill((D0 + timedelta(days=53)).isoformat())
    page.get_by_test_id("confirm-duplicate").click()
    expect(page.get_by_test_id("event-title")).to_have_text(f"{name} (copy)", timeout=10_000)
    copy = str(db_scalar("SELECT id FROM event WHERE name = :n", n=f"{name} (copy)"))
    assert str(db_scalar("SELECT end_date FROM event WHERE id = :e", e=copy)) == (
        (D0 + timedelta(days=54)).isoformat()
    )
    assert booked(copy, item_id) == 2
    expect(page.get_by_test_id("rental-row").filter(has_text=item)).to_have_count(1)


def test_event_list_follows_another_users_changes(server: Server, new_context):
    t = tag()
    name = f"E2E Watched {t}"
    event_id = insert_event(name, D0 + timedelta(days=60), D0 + timedelta(days=60))
    writer, watcher = new_context().new_page(), new_context().new_page()
    sign_in(watcher, server.url, "viewer", path="/events")
    watcher.get_by_test_id("event-search").fill(name)
    rows = watcher.locator("[data-testid=event-table] [data-testid=event-row]")
    expect(rows).to_have_count(1, timeout=30_000)
    open_event(writer, server, "manager", event_id)
    writer.get_by_test_id("edit-event").click()
    writer.get_by_test_id("event-location").fill("Coliseu dos Recreios")
    writer.get_by_test_id("save-event").click()
    expect(writer.get_by_test_id("fact-location")).to_contain_text("Coliseu dos Recreios")
    expect(watcher.get_by_test_id("live-notice")).to_have_text(
        f"{name} was updated by {display_name('manager')}.", timeout=5_000
    )
    expect(rows.first).to_contain_text("Coliseu dos Recreios")


def test_edit_conflict_shows_each_field_and_applies_mine_on_top(server: Server, new_context):
    t = tag()
    name = f"E2E Contested {t}"
    event_id = insert_event(name, D0 + timedelta(days=70), D0 + timedelta(days=70))
    first, second = new_context().new_page(), new_context().new_page()
    for page, user in ((first, "manager"), (second, "admin")):
        open_event(page, server, user, event_id)
        page.get_by_test_id("edit-event").click()
        expect(page.get_by_test_id("event-name")).to_have_value(name)

    first.get_by_test_id("event-location").fill("Super Bock Arena")
    first.get_by_test_id("save-event").click()
    expect(first.get_by_test_id("event-form")).to_have_count(0)
    who = display_name("manager")
    expect(second.get_by_test_id("form-stale")).to_contain_text(f"{who} just saved changes")
    second.get_by_test_id("event-name").fill(f"{name} Renamed")
    second.get_by_test_id("save-event").click()
    expect(second.get_by_test_id("edit-conflict")).to_have_text(
        f"{who} changed this event while you were editing."
    )
    rows = second.get_by_test_id("conflict-row")
    expect(rows).to_have_count(2)
    location = rows.filter(has=second.locator("th", has_text="Location"))
    expect(location.locator("[data-col=saved]")).to_have_text("Super Bock Arena")
    expect(second.get_by_test_id("save-event")).to_have_count(0)
    assert db_scalar("SELECT name FROM event WHERE id = :e", e=event_id) == name

    second.get_by_test_id("apply-mine").click()
    expect(second.get_by_test_id("event-form")).to_have_count(0)
    assert db_scalar("SELECT name FROM event WHERE id = :e", e=event_id) == f"{name} Renamed"
    assert db_scalar("SELECT location FROM event WHERE id = :e", e=event_id) == "Super Bock Arena"
    assert db_scalar("SELECT version FROM event WHERE id = :e", e=event_id) == 3


def test_several_lines_are_booked_together_or_not_at_all(server: Server, page: Page):
    t = tag()
    mic, amp = f"E2E Mic {t}", f"E2E Amp {t}"
    mic_id, amp_id = insert_item(mic, good=6), insert_item(amp, good=2)
    ours = insert_event(f"E2E Conference {t}", D0 + timedelta(days=80), D0 + timedelta(days=81))
    open_event(page, server, "employee", ours)
    pick(page, mic_id, mic)
    page.get_by_test_id("add-qty").fill("4")
    page.get_by_test_id("queue-line").click()
    expect(page.get_by_test_id("queued-line")).to_have_count(1)
    page.get_by_test_id("item-search").fill(amp)
    page.locator(f"[data-testid=item-result][data-id='{amp_id}']").click()
    expect(page.get_by_test_id("availability")).to_have_text("Available 2 of 2 for these dates")
    page.get_by_test_id("add-qty").fill("3")
    page.get_by_test_id("add-qty").press("Enter")  # Enter books
    lines = page.get_by_test_id("add-conflict").get_by_test_id("conflict-line")
    expect(lines).to_have_count(1)
    expect(lines).to_contain_text(amp)
    assert db_scalar("SELECT count(*) FROM rental WHERE event_id = :e", e=ours) == 0

    page.get_by_test_id("add-qty").fill("2")
    page.get_by_test_id("book-equipment").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("rental-count")).to_have_text("2 lines · 6 units")
    assert booked(ours, mic_id) == 4
    assert booked(ours, amp_id) == 2
