"""Quotes in the browser: build a quote as an employee (a demo client, two equipment lines and
a service, a changed quantity) with the server's totals updating and the draft autosaved,
the same draft on a second device, the PDF preview, sending it to a real SMTP server started
here, approving it into an event with its rentals, a refused approval that lists the failing
line and changes nothing, the Viewer's read-only view, and screenshots of the list and the
builder at phone, tablet and desktop sizes."""

from __future__ import annotations

import re
import secrets
import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    Server,
    db_execute,
    db_row,
    db_scalar,
    display_name,
    sign_in,
    url_of,
)
from tests.smtp_server import running_server

pytestmark = pytest.mark.e2e

SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}
CLIENT = "Vinhos do Douro Wine Society"  # a demo client
SERVICE = "Sound Engineer"  # a demo service
D0 = date.today() + timedelta(days=430)  # far from the demo bookings
DAYS = 2
SENDER = "quotes@avrentals.test"
QUOTE_URL = re.compile(r"/quotes/[0-9a-f-]{36}/?$")


def tag() -> str:
    return secrets.token_hex(3).upper()


def insert_item(name: str, *, good: int, rate: str = "25.00") -> str:
    """A fresh bookable item (copying a seeded hire item's category and type)."""
    db_execute(
        "INSERT INTO equipment_item (id, version, created_at, updated_at, name, category_id, "
        "subcategory_id, item_type, quantity, qty_good, qty_damaged, qty_maintenance, status, "
        "location, daily_rate, asset_code, low_stock_threshold) "
        "SELECT gen_random_uuid(), 1, now(), now(), :name, category_id, subcategory_id, "
        "item_type, :qty, :qty, 0, 0, 'good', 'Shelf Q', :rate, :code, 0 "
        "FROM equipment_item WHERE item_type = 'equipment' AND daily_rate > 0 LIMIT 1",
        name=name,
        qty=good,
        rate=Decimal(rate),
        code=f"QT-{tag()}",
    )
    return str(db_scalar("SELECT id FROM equipment_item WHERE name = :n", n=name))


def money(value: Decimal) -> str:
    return f"€{value:,.2f}"


def wait_saved(page: Page) -> None:
    expect(page.get_by_test_id("save-status")).to_have_attribute(
        "data-status", "saved", timeout=20_000
    )


def line_of(page: Page, item_id: str):
    return page.locator(f"[data-testid=quote-line][data-ref='{item_id}']")


def add_equipment(page: Page, name: str, item_id: str, *, with_enter: bool) -> None:
    search = page.get_by_test_id("equipment-search")
    search.fill(name)
    result = page.get_by_test_id("equipment-result").filter(has_text=name)
    expect(result).to_have_count(1, timeout=15_000)
    expect(result.get_by_test_id("result-availability")).to_have_text("available 5 of 5")
    if with_enter:
        search.press("Enter")
    else:
        result.click()
    expect(line_of(page, item_id)).to_have_count(1, timeout=15_000)


def pick_option(page: Page, testid: str, option: str) -> None:
    page.get_by_test_id(testid).click()
    page.get_by_role("option", name=re.compile(rf"^{re.escape(option)} ·")).click()


def build_quote(page: Page, name: str, items: tuple[tuple[str, str], tuple[str, str]]) -> str:
    """Build the quote in the open builder; returns its id once saved."""
    page.get_by_test_id("quote-name").fill(name)
    page.get_by_test_id("quote-location").fill("Quinta da Aveleda, Penafiel")
    page.get_by_test_id("quote-start_date").fill(D0.isoformat())
    page.get_by_test_id("quote-end_date").fill((D0 + timedelta(days=DAYS - 1)).isoformat())
    page.get_by_test_id("quote-client-search").fill("Vinhos")
    page.get_by_test_id("client-result").filter(has_text=CLIENT).click()
    expect(page.get_by_test_id("linked-client")).to_contain_text(CLIENT)
    expect(page.get_by_test_id("quote-client_email")).not_to_have_value("")
    add_equipment(page, *items[0], with_enter=True)  # keyboard: Enter adds the highlight
    add_equipment(page, *items[1], with_enter=False)
    pick_option(page, "add-service", SERVICE)
    expect(page.locator("[data-testid=quote-line][data-type=service]")).to_have_count(1)
    wait_saved(page)
    expect(page).to_have_url(QUOTE_URL, timeout=10_000)
    return page.url.rstrip("/").rsplit("/", 1)[1]


def test_build_send_and_approve_a_quote(server: Server, page: Page, new_context, artifacts):
    t = tag()
    name, item_a, item_b = f"Harvest Gala {t}", f"Quote Sub {t}", f"Quote Top {t}"
    a_id, b_id = insert_item(item_a, good=5), insert_item(item_b, good=5)
    service_price = Decimal(
        str(db_scalar("SELECT unit_price FROM service WHERE name = :n", n=SERVICE))
    )

    sign_in(page, server.url, "employee", path="/quotes")
    page.get_by_test_id("new-quote").click()
    expect(page).to_have_url(url_of("/quotes/new"), timeout=15_000)
    quote_id = build_quote(page, name, ((item_a, a_id), (item_b, b_id)))

    # Change a quantity: the server's totals follow, and the draft is saved again.
    first = line_of(page, a_id)
    quantity = first.get_by_test_id("line-quantity")
    quantity.fill("2")
    quantity.press("Tab")
    sub_total = (2 * Decimal(25) + Decimal(25) + service_price) * DAYS
    expect(page.get_by_test_id("total-sub_total")).to_have_text(money(sub_total), timeout=15_000)
    expect(first.get_by_test_id("line-total")).to_have_text(money(Decimal(100)))
    expect(first.get_by_test_id("line-availability")).to_have_text("available 5 of 5")
    wait_saved(page)
    saved_total = db_scalar("SELECT total FROM quote WHERE id = :q", q=quote_id)
    expect(page.get_by_test_id("total-total")).to_have_text(money(Decimal(saved_total)))
    assert db_scalar("SELECT sub_total FROM quote WHERE id = :q", q=quote_id) == sub_total
    assert (
        db_scalar(
            "SELECT quantity FROM quote_item WHERE quote_id = :q AND equipment_id = :i",
            q=quote_id,
            i=a_id,
        )
        == 2
    )

    # The same draft on another device.
    other = new_context().new_page()
    sign_in(other, server.url, "employee", path=f"/quotes/{quote_id}")
    expect(other.get_by_test_id("quote-name")).to_have_value(name, timeout=15_000)
    expect(other.get_by_test_id("quote-line")).to_have_count(
        page.get_by_test_id("quote-line").count()
    )
    expect(other.get_by_test_id("total-total")).to_have_text(money(Decimal(saved_total)))

    # The PDF preview opens in a new tab from the API.
    pdf_url = f"/api/quotes/{quote_id}/pdf"
    with (
        page.expect_response(lambda r: pdf_url in r.url) as answer,
        page.context.expect_page() as popup,
    ):
        page.get_by_test_id("builder-preview-pdf").click()
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "application/pdf"
    popup.value.close()

    # Send it to a real SMTP server.
    with running_server() as smtp:
        db_execute(
            "UPDATE company_settings SET smtp_host = '127.0.0.1', smtp_port = :p, "
            "smtp_use_tls = false, smtp_from = :f",
            p=smtp.port,
            f=SENDER,
        )
        page.get_by_test_id("builder-send").click()
        recipient = page.get_by_test_id("send-to")
        expect(recipient).to_have_value(
            db_scalar("SELECT email FROM client WHERE name = :c", c=CLIENT)
        )
        page.get_by_test_id("confirm-send").click()
        expect(page.get_by_test_id("quote-status")).to_have_text("Sent", timeout=20_000)
        assert len(smtp.inbox.messages) == 1
        _sender, _to, message = smtp.inbox.messages[0]
        assert any(p.get_content_type() == "application/pdf" for p in message.iter_attachments())
    assert db_scalar("SELECT status FROM quote WHERE id = :q", q=quote_id) == "Sent"
    expect(page.get_by_test_id("changed-since-sent")).to_have_count(0)

    # Changed after the client got it: the builder says so, and so does the approval.
    page.get_by_test_id("quote-location").fill("Quinta da Aveleda, Penafiel (garden)")
    page.get_by_test_id("quote-location").press("Tab")
    expect(page.get_by_test_id("changed-since-sent")).to_be_visible(timeout=20_000)
    wait_saved(page)

    # Approve it into an event: the event exists with one rental per equipment line.
    page.get_by_test_id("builder-approve").click()
    expect(page.get_by_test_id("approve-changed-since-sent")).to_be_visible(timeout=15_000)
    page.get_by_test_id("confirm-quote-action").click()
    expect(page.get_by_test_id("approve-success")).to_be_visible(timeout=20_000)
    event_id = str(db_scalar("SELECT event_id FROM quote WHERE id = :q", q=quote_id))
    assert db_scalar("SELECT name FROM event WHERE id = :e", e=event_id) == name
    rentals = {
        item: db_scalar(
            "SELECT quantity FROM rental WHERE event_id = :e AND equipment_id = :i",
            e=event_id,
            i=item,
        )
        for item in (a_id, b_id)
    }
    assert rentals == {a_id: 2, b_id: 1}
    assert db_scalar("SELECT status FROM quote WHERE id = :q", q=quote_id) == "Accepted"
    page.get_by_test_id("open-event").click()
    expect(page).to_have_url(url_of(f"/events/{event_id}"), timeout=15_000)
    # ...and the event links back to the quote it came from.
    number = db_scalar("SELECT number FROM quote WHERE id = :q", q=quote_id)
    back = page.get_by_test_id("fact-quote").get_by_role("link")
    expect(back).to_have_text(f"{number} · {name}", timeout=15_000)
    back.click()
    expect(page).to_have_url(url_of(f"/quotes/{quote_id}"), timeout=15_000)
    expect(page.get_by_test_id("quote-status")).to_have_text("Accepted", timeout=15_000)


def test_refused_approval_lists_the_line_and_changes_nothing(server: Server, page: Page):
    t = tag()
    item_a, item_b = f"Quote Sub {t}", f"Quote Top {t}"
    a_id, b_id = insert_item(item_a, good=5), insert_item(item_b, good=5)
    sign_in(page, server.url, "employee", path="/quotes/new")
    quote_id = build_quote(page, f"Tight Stock {t}", ((item_a, a_id), (item_b, b_id)))
    line = line_of(page, a_id)
    line.get_by_test_id("line-quantity").fill("4")
    line.get_by_test_id("line-quantity").press("Tab")
    wait_saved(page)
    # "Saved" can still be the state before the debounced save of the new quantity starts:
    # wait until the server really holds it before changing the quote behind its back.
    deadline = time.monotonic() + 20
    while (
        db_scalar(
            "SELECT quantity FROM quote_item WHERE quote_id = :q AND equipment_id = :i",
            q=quote_id,
            i=a_id,
        )
        != 4
    ):
        assert time.monotonic() < deadline, "the new quantity was never saved"
        time.sleep(0.2)
    wait_saved(page)
    # Sent (the step before approval), then the stock drops under it.
    db_execute("UPDATE quote SET status = 'Sent', version = version + 1 WHERE id = :q", q=quote_id)
    db_execute("UPDATE equipment_item SET quantity = 3, qty_good = 3 WHERE id = :i", i=a_id)
    events_before = db_scalar("SELECT count(*) FROM event")
    page.reload()
    expect(page.get_by_test_id("quote-status")).to_have_text("Sent", timeout=20_000)
    expect(line.get_by_test_id("line-availability")).to_have_text("available 3 of 3")
    page.get_by_test_id("builder-approve").click()
    page.get_by_test_id("confirm-quote-action").click()
    conflict = page.get_by_test_id("approve-conflict")
    expect(conflict).to_be_visible(timeout=20_000)
    failing = conflict.get_by_test_id("conflict-line")
    expect(failing).to_have_count(1)
    expect(failing).to_contain_text(item_a)
    expect(failing).to_contain_text("Asked for 4, only 3 of 3")
    assert db_scalar("SELECT count(*) FROM event") == events_before
    assert db_scalar("SELECT status FROM quote WHERE id = :q", q=quote_id) == "Sent"
    assert db_scalar("SELECT event_id FROM quote WHERE id = :q", q=quote_id) is None
    assert db_scalar("SELECT count(*) FROM rental WHERE equipment_id = :i", i=a_id) == 0

    # The client said no: declined from the builder's menu, after which it is read-only.
    page.keyboard.press("Escape")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    page.get_by_test_id("builder-more").click()
    expect(page.get_by_test_id("builder-mark-sent")).to_have_count(0)  # already Sent
    page.get_by_test_id("builder-decline").click()
    confirm_action(page, f"Tight Stock {t}")
    expect(page.get_by_test_id("quote-status")).to_have_text("Declined", timeout=15_000)
    expect(page.get_by_test_id("quote-read-only")).to_be_visible()
    expect(page.get_by_test_id("builder-approve")).to_have_count(0)
    assert db_scalar("SELECT status FROM quote WHERE id = :q", q=quote_id) == "Declined"


def test_viewer_sees_no_write_buttons(server: Server, page: Page):
    quote_id = str(db_scalar("SELECT id FROM quote ORDER BY created_at LIMIT 1"))
    sign_in(page, server.url, "viewer", path="/quotes")
    expect(page.get_by_test_id("quote-row").first).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("new-quote")).to_have_count(0)
    page.get_by_test_id("quote-more").first.click()
    expect(page.get_by_test_id("download-pdf")).to_be_visible()
    for action in ("duplicate-quote", "approve-quote", "archive-quote", "delete-quote"):
        expect(page.get_by_test_id(action)).to_have_count(0)
    page.keyboard.press("Escape")
    page.goto(f"{server.url}/quotes/{quote_id}")
    expect(page.get_by_test_id("quote-read-only")).to_be_visible(timeout=30_000)
    for action in ("builder-send", "builder-approve", "builder-more", "equipment-search"):
        expect(page.get_by_test_id(action)).to_have_count(0)
    expect(page.get_by_test_id("remove-line")).to_have_count(0)
    expect(page.get_by_test_id("quote-name")).to_have_attribute("readonly", "")
    expect(page.get_by_test_id("save-status")).to_have_count(0)


def test_someone_elses_save_reaches_the_open_quote(server: Server, page: Page, new_context):
    quote_id = str(db_scalar("SELECT id FROM quote WHERE status = 'Draft' ORDER BY number LIMIT 1"))
    sign_in(page, server.url, "manager", path=f"/quotes/{quote_id}")
    wait_saved(page)
    venue = f"Live Venue {tag()}"
    other = new_context().new_page()
    sign_in(other, server.url, "employee", path=f"/quotes/{quote_id}")
    wait_saved(other)
    other.get_by_test_id("quote-location").fill(venue)
    other.get_by_test_id("quote-location").press("Tab")
    wait_saved(other)
    notice = page.get_by_test_id("live-notice")
    expect(notice).to_contain_text(f"{display_name('employee')} changed this quote")
    expect(page.get_by_test_id("quote-location")).to_have_value(venue)
    expect(page.get_by_test_id("save-status")).to_have_attribute("data-status", "saved")


def row_menu(page: Page, row, action: str) -> None:
    row.get_by_test_id("quote-more").click()
    page.get_by_test_id(action).click()


def confirm_action(page: Page, label: str) -> None:
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(label)
    dialog.get_by_test_id("confirm-quote-action").click()
    expect(dialog).to_have_count(0, timeout=15_000)


def choose(page: Page, testid: str, option: str) -> None:
    page.get_by_test_id(testid).get_by_role("combobox").click()
    page.get_by_role("option", name=option, exact=True).click()


def list_totals(page: Page) -> list[Decimal]:
    cells = page.locator("[data-testid=quote-row] [data-field=total]").all_inner_texts()
    return [Decimal(c.replace("€", "").replace(",", "").strip()) for c in cells]


def test_list_search_duplicate_download_status_steps_filter_and_sort(server: Server, page: Page):
    source_id, source_number, source_name = db_row(
        "SELECT q.id, q.number, q.name FROM quote q JOIN quote_item i ON i.quote_id = q.id "
        "WHERE q.status = 'Draft' GROUP BY q.id ORDER BY q.number LIMIT 1"
    )
    sign_in(page, server.url, "manager", path="/quotes")
    rows = page.get_by_test_id("quote-row")
    expect(rows.first).to_be_visible(timeout=30_000)

    # Search by number finds the one quote; duplicate opens the Draft copy.
    page.get_by_test_id("quote-search").fill(source_number)
    expect(rows).to_have_count(1, timeout=15_000)
    expect(rows).to_contain_text(source_name)
    row_menu(page, rows, "duplicate-quote")
    expect(page).to_have_url(QUOTE_URL, timeout=15_000)
    copy_id = page.url.rstrip("/").rsplit("/", 1)[1]
    copy_number, copy_name, copy_status = db_row(
        "SELECT number, name, status FROM quote WHERE id = :q", q=copy_id
    )
    assert copy_id != str(source_id) and copy_number != source_number
    assert (copy_name, copy_status) == (f"{source_name} (copy)", "Draft")
    lines = "SELECT count(*) FROM quote_item WHERE quote_id = :q"
    # The same lines, plus any required fee the source lacks (another test may add one).
    required_missing = db_scalar(
        "SELECT count(*) FROM fee WHERE is_required AND is_active AND id NOT IN "
        "(SELECT fee_id FROM quote_item WHERE quote_id = :q AND fee_id IS NOT NULL)",
        q=source_id,
    )
    assert db_scalar(lines, q=copy_id) == db_scalar(lines, q=source_id) + required_missing
    expect(page.get_by_test_id("quote-line")).to_have_count(db_scalar(lines, q=copy_id))

    # Back in the list: download its PDF, then Draft -> Sent (no e-mail) -> Declined -> Archived.
    page.goto(f"{server.url}/quotes")
    page.get_by_test_id("quote-search").fill(copy_number)
    row = rows.filter(has_text=copy_number)
    expect(row).to_have_count(1, timeout=15_000)
    status = row.get_by_test_id("quote-status")
    expect(status).to_have_attribute("data-status", "Draft")
    row.get_by_test_id("quote-more").click()
    with page.expect_download() as download:
        page.get_by_test_id("download-pdf").click()
    assert download.value.suggested_filename == f"quote-{copy_number}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    row.get_by_test_id("quote-more").click()
    expect(page.get_by_test_id("approve-quote")).to_have_count(0)  # a Draft: send it first
    expect(page.get_by_test_id("decline-quote")).to_have_count(0)
    page.get_by_test_id("mark-sent-quote").click()
    confirm_action(page, copy_number)
    expect(status).to_have_attribute("data-status", "Sent", timeout=15_000)
    assert db_scalar("SELECT status FROM quote WHERE id = :q", q=copy_id) == "Sent"
    assert db_scalar("SELECT sent_to FROM quote WHERE id = :q", q=copy_id) is None  # no e-mail
    expect(row.get_by_test_id("quote-expired")).to_have_count(0)

    # Past the day it was valid until, the list says it expired.
    db_execute(
        "UPDATE quote SET valid_until = current_date - 1, version = version + 1 WHERE id = :q",
        q=copy_id,
    )
    page.reload()
    page.get_by_test_id("quote-search").fill(copy_number)
    expect(row.get_by_test_id("quote-expired")).to_be_visible(timeout=15_000)

    row_menu(page, row, "decline-quote")
    confirm_action(page, copy_number)
    expect(status).to_have_attribute("data-status", "Declined", timeout=15_000)
    row.get_by_test_id("quote-more").click()
    for gone in ("approve-quote", "decline-quote", "mark-sent-quote"):
        expect(page.get_by_test_id(gone)).to_have_count(0)
    page.get_by_test_id("archive-quote").click()
    confirm_action(page, copy_number)
    expect(status).to_have_attribute("data-status", "Archived", timeout=15_000)
    assert db_scalar("SELECT status FROM quote WHERE id = :q", q=copy_id) == "Archived"

    # The status filter: the archived copy is listed under Archived, not under Draft.
    choose(page, "quote-status-filter", "Draft")
    expect(rows).to_have_count(0, timeout=15_000)
    expect(page.get_by_test_id("quote-no-results")).to_be_visible()
    choose(page, "quote-status-filter", "Archived")
    expect(row).to_have_count(1, timeout=15_000)

    # Sort by the highest total over every quote.
    page.get_by_test_id("quote-search").fill("")
    choose(page, "quote-status-filter", "All statuses")
    choose(page, "quote-sort", "Highest total")
    top = db_scalar("SELECT max(total) FROM quote")
    expect(rows.first.locator("[data-field=total]")).to_have_text(
        money(Decimal(top)), timeout=15_000
    )
    totals = list_totals(page)
    assert len(totals) > 1 and totals == sorted(totals, reverse=True)


@pytest.mark.parametrize("size", list(SIZES))
def test_quote_screenshots(server: Server, new_context, artifacts, size: str):
    width, height = SIZES[size]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, "manager", path="/quotes")
    rows = "quote-card" if size == "phone" else "quote-row"
    expect(page.get_by_test_id(rows).first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"quotes-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    quote_id = str(
        db_scalar(
            "SELECT q.id FROM quote q JOIN quote_item i ON i.quote_id = q.id "
            "WHERE q.status IN ('Draft', 'Sent') GROUP BY q.id ORDER BY count(*) DESC LIMIT 1"
        )
    )
    page.goto(f"{server.url}/quotes/{quote_id}")
    expect(page.get_by_test_id("quote-line").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"quote-builder-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
