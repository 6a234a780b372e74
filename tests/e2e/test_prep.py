"""Warehouse prep in the browser (issue "warehouse prep"): two tablets scanning one event
(counts exact, both see the progress and each other live), keyboard-wedge scanning (code +
Enter, focus kept), the scan outcomes, check-in with a damage report and its photo
(maintenance log, units to damaged, the photo in the maintenance history), overdue returns
flagged on the event page and the events list, and screenshots of the checklist at tablet
and phone sizes."""

from __future__ import annotations

import io
import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from avrentals.domain.models import Category, Client, EquipmentItem, Event, Rental, User
from tests.e2e.conftest import (
    E2E_DATABASE_URL,
    Server,
    db_execute,
    db_scalar,
    display_name,
    sign_in,
)

pytestmark = pytest.mark.e2e

TABLET = {"width": 820, "height": 1180}
PHONE = {"width": 390, "height": 844}


def make_prep_event(
    *, lines: tuple[tuple[str, int], ...], ended_days_ago: int = 0, out: int = 0
) -> dict[str, str]:
    """An event running today (or ended `ended_days_ago` days ago, with `out` units of each
    line scanned out and not back) with fresh items (own asset codes) booked on it."""
    engine = sa.create_engine(E2E_DATABASE_URL)
    tag = uuid.uuid4().hex[:6].upper()
    try:
        with Session(engine, expire_on_commit=False) as s:
            client = s.exec(select(Client)).first()
            assert client is not None, "demo data missing"
            tech = s.exec(select(User).where(User.username == "tech")).one()
            audio = Category(name=f"Prep Audio {tag}", position=0)
            light = Category(name=f"Prep Light {tag}", position=1)
            s.add_all([audio, light])
            s.flush()
            end = date.today() - timedelta(days=ended_days_ago) if ended_days_ago else None
            event = Event(
                name=f"Prep test {tag}",
                client_id=client.id,
                location="Coliseu",
                start_date=end - timedelta(days=1) if end else date.today(),
                end_date=end or date.today() + timedelta(days=1),
                assigned_user_id=tech.id,
            )
            s.add(event)
            codes: dict[str, str] = {}
            for n, (name, qty) in enumerate(lines):
                item = EquipmentItem(
                    name=name,
                    category_id=(audio if n % 2 == 0 else light).id,
                    quantity=qty + 4,
                    qty_good=qty + 4,
                    location=f"Aisle {chr(65 + n)}-{n + 1}",
                    daily_rate=Decimal("10.00"),
                    asset_code=f"PT{tag}{n}",
                )
                s.add(item)
                s.flush()
                s.add(
                    Rental(event_id=event.id, equipment_id=item.id, quantity=qty, scanned_out=out)
                )
                codes[name] = item.asset_code
            spare = EquipmentItem(
                name=f"Spare DI {tag}",
                category_id=audio.id,
                quantity=3,
                qty_good=3,
                location="Aisle Z",
                daily_rate=Decimal("5.00"),
                asset_code=f"PT{tag}S",
            )
            s.add(spare)
            s.commit()
            return {"id": str(event.id), "spare": spare.asset_code, **codes}
    finally:
        engine.dispose()


def counts(event_id: str) -> tuple[int, int]:
    out = db_scalar(
        "SELECT coalesce(sum(scanned_out), 0) FROM rental WHERE event_id = :e", e=event_id
    )
    back = db_scalar(
        "SELECT coalesce(sum(scanned_in), 0) FROM rental WHERE event_id = :e", e=event_id
    )
    return int(out), int(back)


def open_checklist(page: Page, server: Server, user: str, event_id: str) -> None:
    sign_in(page, server.url, user, path=f"/prep/{event_id}")
    expect(page.get_by_test_id("prep-progress")).to_be_visible(timeout=30_000)


def scan(page: Page, code: str) -> None:
    """A keyboard-wedge scanner: types the code into the focused field, then Enter."""
    page.keyboard.type(code, delay=5)
    page.keyboard.press("Enter")


def test_two_tablets_scan_one_event_live(server: Server, new_context) -> None:
    ev = make_prep_event(lines=(("Shure SM58 prep", 3), ("Par LED prep", 2)))
    a = new_context(viewport=TABLET).new_page()
    b = new_context(viewport=TABLET).new_page()
    open_checklist(a, server, "tech", ev["id"])
    open_checklist(b, server, "manager", ev["id"])
    expect(a.get_by_test_id("prep-progress")).to_have_text("0 / 5")
    # Each sees the other (presence), without a reload.
    expect(a.get_by_test_id("also-scanning")).to_contain_text(display_name("manager"))
    expect(b.get_by_test_id("also-scanning")).to_contain_text(display_name("tech"))
    # The scan field has focus on load: a wedge scanner just types.
    assert a.evaluate("document.activeElement && document.activeElement.id") == "prep-scan-input"
    scan(a, ev["Shure SM58 prep"])
    expect(a.get_by_test_id("scan-outcome")).to_have_attribute("data-kind", "ok")
    expect(a.get_by_test_id("prep-progress")).to_have_text("1 / 5")
    expect(b.get_by_test_id("prep-progress")).to_have_text("1 / 5")  # live on the other tablet
    # Focus stays in the field and it is cleared: the next scan follows straight away.
    assert a.evaluate("document.activeElement.id") == "prep-scan-input"
    assert a.input_value("#prep-scan-input") == ""
    # Both tablets scan the same 3-unit line at once: 2 more fit, never more.
    b.focus("#prep-scan-input")
    for _ in range(2):
        scan(a, ev["Shure SM58 prep"])
        scan(b, ev["Shure SM58 prep"])
    scan(b, ev["Par LED prep"])
    expect(a.get_by_test_id("prep-progress")).to_have_text("4 / 5", timeout=15_000)
    expect(b.get_by_test_id("prep-progress")).to_have_text("4 / 5", timeout=15_000)
    assert counts(ev["id"]) == (4, 0)
    line = a.locator(f'[data-testid=prep-line][data-code="{ev["Shure SM58 prep"]}"]')
    expect(line).to_have_attribute("data-state", "done")
    expect(line.get_by_test_id("line-count")).to_have_text("3 / 3")
    # Scanning a full line says so and changes nothing.
    scan(a, ev["Shure SM58 prep"])
    expect(a.get_by_test_id("scan-outcome")).to_have_attribute("data-kind", "complete")
    assert counts(ev["id"]) == (4, 0)


def test_scan_outcomes_manual_adjust_and_add_to_event(server: Server, new_context) -> None:
    ev = make_prep_event(lines=(("Mixer prep", 2),))
    page = new_context(viewport=TABLET).new_page()
    open_checklist(page, server, "tech", ev["id"])
    scan(page, "NO-SUCH-CODE")
    outcome = page.get_by_test_id("scan-outcome")
    expect(outcome).to_have_attribute("data-kind", "unknown")
    scan(page, ev["spare"])
    expect(outcome).to_have_attribute("data-kind", "not_on_event")
    expect(outcome).to_contain_text("3 available")
    page.get_by_test_id("add-to-event").click()
    expect(outcome).to_have_attribute("data-kind", "ok")
    expect(page.get_by_test_id("prep-line")).to_have_count(2)
    expect(page.get_by_test_id("prep-progress")).to_have_text("1 / 3")
    mixer = page.locator(f'[data-testid=prep-line][data-code="{ev["Mixer prep"]}"]')
    mixer.get_by_test_id("line-plus").click()
    expect(mixer.get_by_test_id("line-count")).to_have_text("1 / 2")
    expect(mixer).to_have_attribute("data-state", "partial")
    mixer.get_by_test_id("line-minus").click()
    expect(mixer.get_by_test_id("line-count")).to_have_text("0 / 2")
    assert counts(ev["id"]) == (1, 0)


def test_checkin_with_damage_report(server: Server, new_context, artifacts) -> None:
    ev = make_prep_event(lines=(("Moving head prep", 2),))
    page = new_context(viewport=TABLET).new_page()
    open_checklist(page, server, "tech", ev["id"])
    code = ev["Moving head prep"]
    scan(page, code)
    scan(page, code)
    expect(page.get_by_test_id("prep-progress")).to_have_text("2 / 2")
    page.get_by_test_id("tab-checkin").click()
    expect(page.get_by_test_id("prep-progress")).to_have_text("0 / 2")
    expect(page.get_by_test_id("prep-missing")).to_have_text("2 still missing")
    page.focus("#prep-scan-input")
    scan(page, code)
    expect(page.get_by_test_id("prep-progress")).to_have_text("1 / 2")
    line = page.get_by_test_id("prep-line")
    line.get_by_test_id("line-report").click()
    page.get_by_test_id("report-note").fill("Cracked lens after the show")
    # The photo: tablets open the rear camera, desktops a file picker (same input).
    file_input = page.get_by_test_id("report-photo-upload").locator("input[type=file]")
    expect(file_input).to_have_attribute("capture", "environment")
    expect(file_input).to_have_attribute("accept", "image/*")
    file_input.set_input_files(
        {"name": "damage.png", "mimeType": "image/png", "buffer": damage_photo()}
    )
    preview = page.get_by_test_id("report-photo-preview")
    expect(preview).to_have_attribute("src", re.compile(r"/api/media/equipment/[0-9a-f]{64}"))
    page.screenshot(path=str(artifacts / "prep-report-photo-tablet.png"))
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("scan-outcome")).to_contain_text(
        "maintenance log opened with the photo"
    )
    item_id = db_scalar("SELECT id FROM equipment_item WHERE asset_code = :c", c=code)
    assert db_scalar("SELECT qty_damaged FROM equipment_item WHERE id = :i", i=item_id) == 1
    note = db_scalar(
        "SELECT description FROM maintenance_log WHERE equipment_id = :i AND event_id = :e",
        i=item_id,
        e=ev["id"],
    )
    assert "Cracked lens" in note
    log_id = db_scalar("SELECT id FROM maintenance_log WHERE equipment_id = :i", i=item_id)
    photo = db_scalar(
        "SELECT new_values FROM audit_log WHERE entity_type = 'maintenance' "
        "AND action = 'photo' AND entity_id = :l",
        l=str(log_id),
    )
    assert re.fullmatch(r"[0-9a-f]{64}\.png", photo["photo"])
    # The damaged unit came back: it is scanned in like the others.
    page.focus("#prep-scan-input")
    scan(page, code)
    expect(page.get_by_test_id("prep-progress")).to_have_text("2 / 2")
    assert counts(ev["id"]) == (2, 2)
    status = db_scalar("SELECT prep_status FROM rental WHERE event_id = :e", e=ev["id"])
    assert status == "checked-in"
    # The photo shows with the log in the item's maintenance history.
    page.goto(f"{server.url}/maintenance")
    page.get_by_test_id("maintenance-search").fill("Moving head prep")
    item = page.locator(f"[data-testid=maintenance-item][data-id='{item_id}']")
    item.get_by_test_id("item-history").click()
    shown = page.get_by_test_id("history-list").get_by_test_id("log-photo")
    expect(shown).to_have_attribute("href", f"/api/media/equipment/{photo['photo']}")
    image = shown.locator("img")
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


def damage_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (uuid.uuid4().int % 256, 40, 40)).save(out, "PNG")
    return out.getvalue()


def test_overdue_event_is_flagged_on_the_event_page_and_list(
    server: Server, page: Page, artifacts
) -> None:
    late = make_prep_event(lines=(("Hazer flag", 3),), ended_days_ago=1, out=3)
    running = make_prep_event(lines=(("Hazer flag", 1),), out=1)
    sign_in(page, server.url, "manager", path=f"/events/{late['id']}")
    banner = page.get_by_test_id("event-overdue")
    expect(banner).to_have_text(re.compile("Overdue return: 3 units not back"), timeout=30_000)
    expect(banner.get_by_test_id("event-overdue-checkin")).to_have_attribute(
        "href", f"/prep/{late['id']}"
    )
    page.screenshot(path=str(artifacts / "event-overdue-desktop.png"))
    # Gear of a running event is out, not overdue.
    page.goto(f"{server.url}/events/{running['id']}")
    expect(page.get_by_test_id("event-title")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("event-overdue")).to_have_count(0)
    # The events list flags the row too.
    page.goto(f"{server.url}/events")
    for event, flag in ((late, "Overdue return: 3 units not back"), (running, None)):
        name = db_scalar("SELECT name FROM event WHERE id = :e", e=event["id"])
        page.get_by_test_id("event-search").fill(name)
        row = page.locator(f"[data-testid=event-row][data-id='{event['id']}']")
        expect(page.get_by_test_id("event-row")).to_have_count(1, timeout=30_000)
        expect(row).to_be_visible()
        badge = row.get_by_test_id("event-overdue-badge")
        if flag:
            expect(badge).to_have_text(flag)
            page.screenshot(path=str(artifacts / "events-overdue-desktop.png"))
        else:
            expect(badge).to_have_count(0)
    # Once everything is back (missing units reported or scanned in), the flag goes.
    db_execute("UPDATE rental SET scanned_in = scanned_out WHERE event_id = :e", e=late["id"])
    page.goto(f"{server.url}/events/{late['id']}")
    expect(page.get_by_test_id("event-title")).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("event-overdue")).to_have_count(0)


@pytest.mark.parametrize("size", ["tablet", "phone"])
def test_prep_screenshots(server: Server, new_context, artifacts, size: str) -> None:
    ev = make_prep_event(
        lines=(("Shure SM58", 6), ("Robe Spot 160", 4), ("XLR cable 10 m", 12), ("Truss 2 m", 8))
    )
    page = new_context(viewport=TABLET if size == "tablet" else PHONE).new_page()
    open_checklist(page, server, "tech", ev["id"])
    scan(page, ev["Shure SM58"])
    scan(page, ev["Shure SM58"])
    for _ in range(4):
        scan(page, ev["Robe Spot 160"])
    expect(page.get_by_test_id("prep-progress")).to_have_text("6 / 30")
    # Phones: what the screen shows (the bottom bar is fixed); tablets: the whole list.
    full = size == "tablet"
    page.wait_for_timeout(300)  # the bar's width transition
    page.screenshot(path=str(artifacts / f"prep-checklist-{size}.png"), full_page=full)
    page.get_by_test_id("tab-checkin").click()
    expect(page.get_by_test_id("prep-missing")).to_have_text("6 still missing")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"prep-checkin-{size}.png"), full_page=full)
    overdue = make_prep_event(lines=(("Fog machine", 2),), ended_days_ago=3, out=2)
    page.goto(f"{server.url}/prep")
    row = page.locator(f'[data-testid=prep-row][data-event-id="{overdue["id"]}"]')
    expect(row.get_by_test_id("prep-overdue")).to_be_visible(timeout=30_000)
    # Overdue first; loading the list notified the assigned technician, once.
    expect(page.get_by_test_id("prep-row").first.get_by_test_id("prep-overdue")).to_be_visible()
    page.reload()
    expect(row.get_by_test_id("prep-overdue")).to_be_visible(timeout=30_000)
    sent = db_scalar(
        "SELECT count(*) FROM notification WHERE type = 'overdue_return' AND dedup_key = :k",
        k=f"overdue:{overdue['id']}",
    )
    assert sent == 1
    page.screenshot(path=str(artifacts / f"prep-list-{size}.png"), full_page=full)


def qr_video(code: str, path) -> str:
    """A Y4M video (what Chromium's fake camera plays) showing the QR label of `code`."""
    from avrentals.domain.services.labels import qr_modules

    modules = qr_modules(code)
    width, height, scale = 640, 480, 8
    size = (len(modules) + 8) * scale  # 4-module quiet zone each side
    left, top = (width - size) // 2, (height - size) // 2
    luma = bytearray([235]) * (width * height)
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if not dark:
                continue
            y0, x0 = top + (r + 4) * scale, left + (c + 4) * scale
            for y in range(y0, y0 + scale):
                luma[y * width + x0 : y * width + x0 + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (width * height // 4)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        out.write(frame * 10)
    return str(path)


def test_camera_scan_feeds_the_same_handler(server: Server, browser_type, tmp_path) -> None:
    """The Camera button starts html5-qrcode on the device camera (Chromium's fake camera
    playing a video of the item's QR label): the code read counts like a typed scan."""
    from tests.e2e.conftest import CHROMIUM

    ev = make_prep_event(lines=(("Camera mic", 2),))
    video = qr_video(ev["Camera mic"], tmp_path / "qr.y4m")
    browser = browser_type.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(viewport=TABLET, permissions=["camera"])
        page = context.new_page()
        open_checklist(page, server, "tech", ev["id"])
        page.get_by_test_id("camera-button").click()
        expect(page.get_by_test_id("camera-panel")).to_be_visible()
        # Decoding the fake camera's frames is CPU work: on a loaded machine it takes a while.
        expect(page.get_by_test_id("prep-progress")).to_have_text("1 / 2", timeout=45_000)
        expect(page.get_by_test_id("scan-outcome")).to_have_attribute("data-kind", "ok")
        page.get_by_test_id("camera-button").click()  # camera off
        expect(page.get_by_test_id("camera-panel")).to_have_count(0)
        assert counts(ev["id"]) == (1, 0)
    finally:
        browser.close()
