"""Clients in the browser: list + search, create with a field message, role-based actions,
the versioned edit conflict ("apply mine on top"), delete refused while in use, delete after
confirmation, live updates between two users, the client page, and screenshots."""

from __future__ import annotations

import re
import secrets
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, db_execute, db_scalar, display_name, sign_in

pytestmark = pytest.mark.e2e

SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}


def client_rows(page: Page):
    return page.locator("[data-testid=client-table] [data-testid=client-row]")


def open_clients(page: Page, server: Server, username: str) -> None:
    sign_in(page, server.url, username, path="/clients")
    expect(client_rows(page).first).to_be_visible(timeout=30_000)


def search(page: Page, term: str) -> None:
    page.get_by_test_id("client-search").fill(term)


def row_named(page: Page, name: str):
    return client_rows(page).filter(has=page.get_by_text(name, exact=True))


def insert_client(name: str, **fields: str) -> str:
    """A client written straight to the database (no change published)."""
    cols = ["name", *fields]
    params = {"name": name, **fields}
    db_execute(
        f"INSERT INTO client (id, version, created_at, updated_at, {', '.join(cols)}) "
        f"VALUES (gen_random_uuid(), 1, now(), now(), {', '.join(':' + c for c in cols)})",
        **params,
    )
    return str(db_scalar("SELECT id FROM client WHERE name = :n", n=name))


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def test_list_shows_seeded_clients_and_search_narrows(server: Server, page: Page):
    open_clients(page, server, "viewer")
    total = db_scalar("SELECT count(*) FROM client")
    label = page.get_by_test_id("page-label")
    expect(label).to_have_text(f"Page 1 of {-(-total // 20)} · {plural(total, 'client')}")
    expect(client_rows(page)).to_have_count(min(total, 20))

    search(page, "vinhos")
    expect(client_rows(page)).to_have_count(1)
    row = client_rows(page).first
    expect(row.locator("[data-field=name]")).to_have_text("Vinhos do Douro Wine Society")
    events = db_scalar(
        "SELECT count(*) FROM event e JOIN client c ON c.id = e.client_id "
        "WHERE c.name = 'Vinhos do Douro Wine Society'"
    )
    value = db_scalar(
        "SELECT coalesce(sum(q.total), 0) FROM quote q JOIN client c ON c.id = q.client_id "
        "WHERE c.name = 'Vinhos do Douro Wine Society' AND q.status = 'Accepted'"
    )
    expect(row.locator("[data-field=events]")).to_have_text(str(events))
    expect(row.locator("[data-field=value]")).to_have_text(f"€{Decimal(value):,.2f}")
    expect(label).to_have_text("Page 1 of 1 · 1 client")

    search(page, "nobody-by-this-name")
    expect(page.get_by_test_id("client-no-results")).to_be_visible()
    page.get_by_role("button", name="Clear search").click()
    expect(client_rows(page)).to_have_count(min(total, 20))


def test_viewer_sees_no_new_edit_or_delete(server: Server, page: Page):
    open_clients(page, server, "viewer")
    expect(page.get_by_test_id("new-client")).to_have_count(0)
    expect(page.get_by_test_id("edit-client")).to_have_count(0)
    expect(page.get_by_test_id("delete-client")).to_have_count(0)
    client_rows(page).first.locator("[data-field=name]").click()
    expect(page.get_by_test_id("client-name")).to_be_visible()
    expect(page.get_by_test_id("edit-client")).to_have_count(0)
    expect(page.get_by_test_id("delete-client")).to_have_count(0)


def test_employee_creates_a_client_after_a_field_message(server: Server, page: Page):
    open_clients(page, server, "employee")
    expect(page.get_by_test_id("delete-client")).to_have_count(0)  # no clients:delete
    name = f"E2E Sound Co {secrets.token_hex(2).upper()}"
    page.get_by_test_id("new-client").click()
    page.get_by_test_id("client-name").fill(name)
    page.get_by_test_id("client-email").fill("not-an-email")
    page.get_by_test_id("client-email").press("Enter")
    expect(page.get_by_test_id("error-email")).to_have_text(
        "Email must be a valid e-mail address (or left empty)."
    )
    assert db_scalar("SELECT count(*) FROM client WHERE name = :n", n=name) == 0

    page.get_by_test_id("client-email").fill("bookings@e2e-sound.pt")
    page.get_by_test_id("client-phone").fill("+351 210 000 111")
    page.get_by_test_id("save-client").click()
    expect(page.get_by_test_id("client-form")).to_have_count(0)
    search(page, "e2e sound")
    expect(row_named(page, name)).to_have_count(1)
    expect(row_named(page, name).locator("[data-field=email]")).to_have_text(
        "bookings@e2e-sound.pt"
    )
    assert db_scalar("SELECT email FROM client WHERE name = :n", n=name) == (
        "bookings@e2e-sound.pt"
    )


def test_escape_closes_the_form_without_saving(server: Server, page: Page):
    open_clients(page, server, "manager")
    page.get_by_test_id("new-client").click()
    page.get_by_test_id("client-name").fill("Never saved client")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("client-form")).to_have_count(0)
    assert db_scalar("SELECT count(*) FROM client WHERE name = 'Never saved client'") == 0


def test_edit_conflict_shows_each_field_and_applies_mine_on_top(
    server: Server, new_context, artifacts
):
    name = f"E2E Conflict {secrets.token_hex(2).upper()}"
    insert_client(name, phone="+351 200 000 000")
    first, second = new_context().new_page(), new_context().new_page()
    for page, user in ((first, "manager"), (second, "admin")):
        open_clients(page, server, user)
        search(page, name)
        expect(client_rows(page)).to_have_count(1)
        row_named(page, name).get_by_test_id("edit-client").click()
        expect(page.get_by_test_id("client-name")).to_have_value(name)

    first.get_by_test_id("client-phone").fill("+351 211 111 111")
    first.get_by_test_id("client-notes").fill("Loading bay at the back.")
    first.get_by_test_id("save-client").click()
    expect(first.get_by_test_id("client-form")).to_have_count(0)

    who = display_name("manager")
    # Told live, before saving anything.
    expect(second.get_by_test_id("form-stale")).to_contain_text(f"{who} just saved changes")
    second.get_by_test_id("client-contact_person").fill("Beatriz Sousa")
    second.get_by_test_id("client-phone").fill("+351 222 222 222")
    second.get_by_test_id("save-client").click()

    expect(second.get_by_test_id("edit-conflict")).to_have_text(
        f"{who} changed this client while you were editing."
    )
    rows = second.get_by_test_id("conflict-row")
    expect(rows).to_have_count(3)
    phone = rows.filter(has=second.locator("th", has_text="Phone"))
    expect(phone.locator("[data-col=mine]")).to_have_text("+351 222 222 222")
    expect(phone.locator("[data-col=saved]")).to_have_text("+351 211 111 111")
    notes = rows.filter(has=second.locator("th", has_text="Notes"))
    expect(notes.locator("[data-col=mine]")).to_have_text("(empty)")
    expect(notes.locator("[data-col=saved]")).to_have_text("Loading bay at the back.")
    expect(second.get_by_test_id("save-client")).to_have_count(0)  # no blind overwrite
    second.screenshot(path=str(artifacts / "client-conflict-desktop.png"))
    assert db_scalar("SELECT phone FROM client WHERE name = :n", n=name) == "+351 211 111 111"

    second.get_by_test_id("apply-mine").click()
    expect(second.get_by_test_id("client-form")).to_have_count(0)
    assert db_scalar("SELECT phone FROM client WHERE name = :n", n=name) == "+351 222 222 222"
    assert db_scalar("SELECT contact_person FROM client WHERE name = :n", n=name) == (
        "Beatriz Sousa"
    )
    # The other person's edit to a field this user did not touch stays.
    assert db_scalar("SELECT notes FROM client WHERE name = :n", n=name) == (
        "Loading bay at the back."
    )
    assert db_scalar("SELECT version FROM client WHERE name = :n", n=name) == 3


def test_delete_of_a_client_with_events_is_refused_with_the_reason(server: Server, page: Page):
    name = "Atlântico Events, Lda"
    events = db_scalar(
        "SELECT count(*) FROM event e JOIN client c ON c.id = e.client_id WHERE c.name = :n",
        n=name,
    )
    quotes = db_scalar(
        "SELECT count(*) FROM quote q JOIN client c ON c.id = q.client_id WHERE c.name = :n",
        n=name,
    )
    assert events > 0
    open_clients(page, server, "manager")
    search(page, "atlântico")
    expect(client_rows(page)).to_have_count(1)
    row_named(page, name).get_by_test_id("delete-client").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"{name} will be deleted permanently")
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("delete-error")).to_have_text(
        f"{name} has {plural(events, 'event')} and {plural(quotes, 'quote')}; it can't be deleted."
    )
    expect(page.get_by_test_id("confirm-delete")).to_have_count(0)
    assert db_scalar("SELECT count(*) FROM client WHERE name = :n", n=name) == 1


def test_delete_of_a_fresh_client_after_confirmation(server: Server, page: Page):
    name = f"E2E Delete Me {secrets.token_hex(2).upper()}"
    insert_client(name)
    open_clients(page, server, "admin")
    search(page, name)
    expect(client_rows(page)).to_have_count(1)
    row_named(page, name).get_by_test_id("delete-client").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    assert db_scalar("SELECT count(*) FROM client WHERE name = :n", n=name) == 1

    row_named(page, name).get_by_test_id("delete-client").click()
    page.get_by_test_id("confirm-delete").click()
    expect(page.get_by_test_id("client-no-results")).to_be_visible()
    assert db_scalar("SELECT count(*) FROM client WHERE name = :n", n=name) == 0


def test_live_create_and_edit_reach_the_other_users_list(server: Server, new_context):
    writer, watcher = new_context().new_page(), new_context().new_page()
    open_clients(writer, server, "manager")
    open_clients(watcher, server, "viewer")
    who = display_name("manager")
    name = f"AAA Live {secrets.token_hex(2).upper()}"  # sorts onto the first page

    writer.get_by_test_id("new-client").click()
    writer.get_by_test_id("client-name").fill(name)
    writer.get_by_test_id("client-name").press("Enter")
    expect(row_named(watcher, name)).to_have_count(1, timeout=5_000)
    expect(watcher.get_by_test_id("live-notice")).to_have_text(f"{name} was added by {who}.")

    row_named(writer, name).get_by_test_id("edit-client").click()
    expect(writer.get_by_test_id("client-name")).to_have_value(name)
    writer.get_by_test_id("client-email").fill("live@example.com")
    writer.get_by_test_id("save-client").click()
    expect(row_named(watcher, name).locator("[data-field=email]")).to_have_text(
        "live@example.com", timeout=5_000
    )
    expect(watcher.get_by_test_id("live-notice")).to_have_text(f"{name} was updated by {who}.")


def test_client_page_shows_contacts_events_quotes_and_value(server: Server, page: Page):
    name = "Vinhos do Douro Wine Society"
    client_id = str(db_scalar("SELECT id FROM client WHERE name = :n", n=name))
    sign_in(page, server.url, "viewer", path=f"/clients/{client_id}")
    expect(page.get_by_test_id("client-name")).to_have_text(name)
    value = db_scalar(
        "SELECT coalesce(sum(total), 0) FROM quote WHERE client_id = :c AND status = 'Accepted'",
        c=client_id,
    )
    expect(page.get_by_test_id("client-value")).to_have_text(f"€{Decimal(value):,.2f}")
    events = db_scalar("SELECT count(*) FROM event WHERE client_id = :c", c=client_id)
    quotes = db_scalar("SELECT count(*) FROM quote WHERE client_id = :c", c=client_id)
    expect(page.get_by_test_id("client-event")).to_have_count(events)
    expect(page.get_by_test_id("client-quote")).to_have_count(quotes)
    email = db_scalar("SELECT email FROM client WHERE id = :c", c=client_id)
    expect(page.get_by_test_id("client-contact")).to_contain_text(email)
    statuses = page.get_by_test_id("client-quote").get_by_test_id("quote-status")
    expect(statuses.first).to_have_text(re.compile(r"^(Draft|Sent|Accepted|Declined|Archived)$"))

    page.goto(f"{server.url}/clients/00000000-0000-4000-8000-000000000000")
    expect(page.get_by_test_id("client-not-found")).to_be_visible(timeout=30_000)
    page.goto(f"{server.url}/clients/not-a-uuid")
    expect(page.get_by_test_id("client-not-found")).to_be_visible(timeout=30_000)


@pytest.mark.parametrize("size", list(SIZES))
def test_client_screenshots(server: Server, new_context, artifacts, size: str):
    width, height = SIZES[size]
    page = new_context(viewport={"width": width, "height": height}).new_page()
    sign_in(page, server.url, "admin", path="/clients")
    rows = "client-card" if size == "phone" else "client-row"
    expect(page.get_by_test_id(rows).first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"clients-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    client_id = str(db_scalar("SELECT id FROM client WHERE name = 'Vinhos do Douro Wine Society'"))
    page.goto(f"{server.url}/clients/{client_id}")
    expect(page.get_by_test_id("client-quote").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"client-detail-{size}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_client_page_follows_edits_and_deletion_by_someone_else(server: Server, new_context):
    name = f"E2E Watched {secrets.token_hex(2).upper()}"
    client_id = insert_client(name, phone="+351 230 000 000")
    writer, watcher = new_context().new_page(), new_context().new_page()
    sign_in(watcher, server.url, "viewer", path=f"/clients/{client_id}")
    expect(watcher.get_by_test_id("client-name")).to_have_text(name)
    open_clients(writer, server, "manager")
    who = display_name("manager")
    search(writer, name)
    expect(client_rows(writer)).to_have_count(1)

    row_named(writer, name).get_by_test_id("edit-client").click()
    writer.get_by_test_id("client-phone").fill("+351 231 111 111")
    writer.get_by_test_id("save-client").click()
    expect(watcher.get_by_test_id("client-contact")).to_contain_text(
        "+351 231 111 111", timeout=5_000
    )
    expect(watcher.get_by_test_id("live-notice")).to_have_text(f"{name} was updated by {who}.")

    row_named(writer, name).get_by_test_id("delete-client").click()
    writer.get_by_test_id("confirm-delete").click()
    expect(watcher.get_by_test_id("client-not-found")).to_be_visible(timeout=5_000)
    expect(watcher.get_by_test_id("live-notice")).to_have_text(f"{name} was deleted by {who}.")
