"""CSV import page (/equipment/import) and the inventory's Actions menu (export)."""

from __future__ import annotations

import csv
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import Server, db_scalar, sign_in, url_of

pytestmark = pytest.mark.e2e

ROWS = 2000  # enough for the progress bar to be seen
SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}


def csv_file(lines: list[str]) -> dict:
    data = ("\n".join(lines) + "\n").encode()
    return {"name": "items.csv", "mimeType": "text/csv", "buffer": data}


def upload(page: Page, lines: list[str]) -> None:
    page.get_by_test_id("csv-upload").locator("input[type=file]").set_input_files(csv_file(lines))


def shoot(page: Page, artifacts: Path, name: str) -> None:
    """Screenshots of the current step at phone, tablet and desktop widths."""
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(artifacts / f"import-{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})


def open_menu(page: Page) -> None:
    """Open the Actions menu. Right after a download the first click can be swallowed while
    the browser hands the file over, so try a few times."""
    item = page.get_by_test_id("print-labels")
    for _attempt in range(10):
        page.get_by_test_id("inventory-actions").click()
        try:
            item.wait_for(state="visible", timeout=1000)
            return
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    expect(item).to_be_visible()


def test_import_bad_row_then_fixed_file(server: Server, page: Page, artifacts: Path):
    token = "csv" + uuid.uuid4().hex[:8]
    category = db_scalar("SELECT name FROM category ORDER BY position, name LIMIT 1")
    header = "Name,Category,Quantity,Location,Daily rate"
    bad = [header, f"{token} A,{category},2,Aisle Z,10", f"{token} B,{category},lots,Aisle Z,10"]

    sign_in(page, server.url, "manager", path="/equipment/import")
    expect(page.get_by_test_id("csv-upload")).to_be_visible()
    shoot(page, artifacts, "upload")
    wrong = {"name": "old.csv", "mimeType": "text/csv", "buffer": "Name\nCafé\n".encode("latin-1")}
    page.get_by_test_id("csv-upload").locator("input[type=file]").set_input_files(wrong)
    expect(page.get_by_test_id("file-error")).to_contain_text("not UTF-8", timeout=30_000)
    expect(page.get_by_test_id("csv-upload")).to_be_visible()  # still at the upload step
    upload(page, bad)
    errors = page.get_by_test_id("import-errors").get_by_test_id("import-error-row")
    expect(errors).to_have_count(1, timeout=30_000)
    expect(errors.first).to_contain_text("3")
    expect(errors.first).to_contain_text("Quantity")
    expect(errors.first).to_contain_text("whole number")
    expect(page.get_by_test_id("count-errors")).to_have_text("1")
    expect(page.get_by_test_id("import-button")).to_be_disabled()
    assert db_scalar("SELECT count(*) FROM equipment_item WHERE name LIKE :t", t=f"{token}%") == 0
    shoot(page, artifacts, "errors")

    page.get_by_test_id("import-start-over").click()
    good = [header] + [f"{token} {n:04d},{category},1,Aisle Z,5" for n in range(ROWS)]
    upload(page, good)
    button = page.get_by_test_id("import-button")
    expect(button).to_have_text(f"Import {ROWS:,} items", timeout=60_000)
    expect(button).to_be_enabled()
    expect(page.get_by_test_id("import-errors")).to_have_count(0)
    button.click()
    expect(page.get_by_test_id("import-progress")).to_be_visible()
    expect(page.get_by_test_id("import-done")).to_have_text(
        f"{ROWS:,} items imported", timeout=120_000
    )
    shoot(page, artifacts, "done")
    assert (
        db_scalar("SELECT count(*) FROM equipment_item WHERE name LIKE :t", t=f"{token}%") == ROWS
    )

    page.get_by_test_id("import-go-inventory").click()
    expect(page).to_have_url(url_of("/equipment"))
    page.get_by_test_id("equipment-search").fill(token)
    expect(page.get_by_test_id("page-label")).to_have_text(
        re.compile(rf"· {ROWS:,} items$|· {ROWS} items$"), timeout=30_000
    )


def test_export_downloads_the_filtered_items(server: Server, page: Page):
    name = db_scalar("SELECT name FROM equipment_item ORDER BY name LIMIT 1 OFFSET 3")
    code = db_scalar("SELECT asset_code FROM equipment_item WHERE name = :n LIMIT 1", n=name)
    sign_in(page, server.url, "viewer")
    page.get_by_test_id("equipment-search").fill(code)
    expect(page.get_by_test_id("page-label")).to_have_text(re.compile(r"· 1 item$"))
    page.get_by_test_id("inventory-actions").click()
    expect(page.get_by_test_id("import-csv")).to_have_count(0)  # viewers cannot import
    with page.expect_download() as info:
        page.get_by_test_id("export-csv").click()
    download = info.value
    assert re.fullmatch(r"equipment-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:2] == ["Asset code", "Name"]
    assert [r[0] for r in rows[1:]] == [code]
    assert rows[1][1].lstrip("'") == name

    actions = page.get_by_test_id("inventory-actions")
    expect(actions).to_have_attribute("data-busy", "")
    expect(actions).to_have_attribute("data-state", "closed")
    open_menu(page)
    with page.expect_download() as info:
        page.get_by_test_id("print-labels").click()
    labels = info.value
    assert labels.suggested_filename.endswith(".pdf")
    with open(labels.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"


def test_import_page_is_for_writers_only(server: Server, page: Page):
    sign_in(page, server.url, "viewer")
    page.goto(f"{server.url}/equipment/import")
    expect(page).to_have_url(url_of("/equipment"), timeout=30_000)
    expect(page.get_by_test_id("csv-upload")).to_have_count(0)
