"""Item photo and QR labels on the detail page: a Manager uploads a PNG (it shows, from the
served file), a text file named .png is refused with the service's message, the label
downloads, the photo is removed after a confirmation; a Viewer gets no upload control.
Screenshots of the page with a photo at phone, tablet and desktop sizes."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from avrentals.domain import media_store
from tests.e2e.conftest import Server, db_scalar, sign_in

pytestmark = pytest.mark.e2e

SIZES = {"phone": (390, 844), "tablet": (820, 1180), "desktop": (1440, 900)}


def item_with_offset(offset: int) -> tuple[str, str]:
    item_id = str(
        db_scalar("SELECT id FROM equipment_item ORDER BY asset_code LIMIT 1 OFFSET :o", o=offset)
    )
    name = db_scalar("SELECT name FROM equipment_item WHERE id = :i", i=item_id)
    return item_id, name


def saved_image(item_id: str):
    return db_scalar("SELECT image FROM equipment_item WHERE id = :i", i=item_id)


def photo_file(tmp_path: Path) -> Path:
    image = Image.new("RGB", (1200, 900), (24, 90, 160))
    image.paste((250, 190, 30), (0, 600, 1200, 900))
    path = tmp_path / "speaker.png"
    image.save(path, "PNG")
    return path


def test_manager_uploads_refuses_and_removes_a_photo_watcher_sees_it_live(
    server: Server, page: Page, new_context, tmp_path: Path, artifacts: Path
) -> None:
    item_id, _name = item_with_offset(2)
    watcher = new_context().new_page()
    sign_in(watcher, server.url, "viewer", path=f"/equipment/{item_id}")
    expect(watcher.get_by_test_id("equipment-photo-placeholder")).to_be_visible(timeout=30_000)
    sign_in(page, server.url, "manager", path=f"/equipment/{item_id}")
    expect(page.get_by_test_id("equipment-photo-placeholder")).to_be_visible(timeout=30_000)
    upload = page.get_by_test_id("photo-upload")
    expect(upload).to_be_visible()

    upload.locator("input[type=file]").set_input_files(str(photo_file(tmp_path)))
    photo = page.get_by_test_id("equipment-photo")
    expect(photo).to_be_visible(timeout=30_000)
    expect(photo).to_have_attribute("src", re.compile(r"/api/media/equipment/[0-9a-f]{64}\.png$"))
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=equipment-photo]');"
        " return i && i.complete && i.naturalWidth === 1200; }",
        timeout=30_000,
    )
    stored = saved_image(item_id)
    assert stored and media_store.STORED_NAME_RE.match(stored)
    expect(page.get_by_test_id("photo-error")).to_have_count(0)
    history = page.get_by_test_id("equipment-history-log")
    expect(history).to_contain_text("Photo added")
    # Another user's open page shows the new photo without a reload.
    expect(watcher.get_by_test_id("equipment-photo")).to_have_attribute(
        "src", f"/api/media/equipment/{stored}", timeout=30_000
    )
    expect(watcher.get_by_test_id("photo-upload")).to_have_count(0)

    expect(page.locator("[data-sonner-toast]")).to_have_count(0, timeout=15_000)
    for label_name, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        expect(photo).to_be_visible()
        page.screenshot(
            path=str(artifacts / f"equipment-detail-photo-{label_name}.png"), full_page=True
        )
    page.set_viewport_size({"width": 1440, "height": 900})

    # A text file wearing a .png name: the browser lets it through, the server refuses it.
    upload.locator("input[type=file]").set_input_files(
        {"name": "not-really.png", "mimeType": "image/png", "buffer": b"hello, I am text\n" * 40}
    )
    expect(page.get_by_test_id("photo-error")).to_have_text(media_store.NOT_AN_IMAGE)
    assert saved_image(item_id) == stored
    expect(photo).to_be_visible()

    with page.expect_download() as download:
        page.get_by_test_id("download-label").click()
    label = download.value
    assert re.fullmatch(r"label-[A-Za-z0-9._-]+\.png", label.suggested_filename)
    with Image.open(io.BytesIO(Path(label.path()).read_bytes())) as png:
        assert png.format == "PNG"

    with page.expect_download() as sheet:
        page.get_by_test_id("label-sheet").click()
        page.get_by_test_id("label-sheet-item").click()
    assert Path(sheet.value.path()).read_bytes().startswith(b"%PDF-")

    page.get_by_test_id("remove-photo").click()
    expect(page.get_by_role("alertdialog")).to_contain_text("Remove photo?")
    page.get_by_test_id("confirm-remove-photo").click()
    expect(page.get_by_test_id("equipment-photo-placeholder")).to_be_visible(timeout=30_000)
    assert saved_image(item_id) is None
    expect(page.get_by_test_id("remove-photo")).to_have_count(0)
    expect(history).to_contain_text("Photo removed")
    expect(watcher.get_by_test_id("equipment-photo-placeholder")).to_be_visible(timeout=30_000)


def test_viewer_sees_no_upload_control_but_can_download_the_label(
    server: Server, page: Page
) -> None:
    item_id, name = item_with_offset(5)
    sign_in(page, server.url, "viewer", path=f"/equipment/{item_id}")
    expect(page.get_by_test_id("item-name")).to_have_text(name, timeout=30_000)
    expect(page.get_by_test_id("equipment-photo-card")).to_be_visible()
    expect(page.get_by_test_id("photo-upload")).to_have_count(0)
    expect(page.get_by_test_id("remove-photo")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_test_id("download-label").click()
    assert download.value.suggested_filename.endswith(".png")
