"""Prep survives a dropped connection: with the app server stopped mid-prep, scans typed into
the checklist's scan field are kept on the device (pending), and sent to
`POST /api/rentals/scan-batch` when the server is back; the server applies each one once and
the page shows the ones that did not apply."""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    ARTIFACTS,
    Server,
    api_token,
    db_scalar,
    server_stopped,
    sign_in,
)

pytestmark = pytest.mark.e2e

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
SCAN_FIELD = "#prep-scan-input"
SCAN_FIELDS = ("id", "eventId", "equipmentId", "scanType", "timestamp")
RECONNECT_TIMEOUT_MS = 120_000
SAVED_CHECKLIST = """async (id) => {
    const cache = await caches.open('avr-prep-data');
    return {
        local: localStorage.getItem('avr_prep_checklist_' + id) !== null,
        cached: (await cache.match(`/api/events/${id}/prep`)) !== undefined,
    };
}"""  # the restart rebuilds the frontend before it answers


def _api(server: Server, method: str, path: str, body: dict | None = None, token: str = ""):
    request = urllib.request.Request(
        f"{server.url}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


def _item(code: str) -> str:
    return str(db_scalar("SELECT id FROM equipment_item WHERE asset_code = :c", c=code))


def _line_out(event_id: str, code: str) -> int:
    return db_scalar(
        "SELECT r.scanned_out FROM rental r JOIN equipment_item i ON i.id = r.equipment_id"
        " WHERE r.event_id = :e AND i.asset_code = :c",
        e=event_id,
        c=code,
    )


def _scan_logs(event_id: str) -> dict[str, int]:
    import sqlalchemy as sa

    from tests.e2e.conftest import E2E_DATABASE_URL

    engine = sa.create_engine(E2E_DATABASE_URL)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT result::text, count(*) FROM scan_log WHERE event_id = :e GROUP BY 1"
                ),
                {"e": event_id},
            ).all()
    finally:
        engine.dispose()
    return {str(result).upper().replace("-", "_"): count for result, count in rows}


@pytest.fixture
def prep_event(server: Server) -> dict:
    """An event of its own (far in the future, so nothing else books it) with two lines:
    a microphone x3 and a mixer x1."""
    token = api_token(server.url, "manager")
    client_id = str(db_scalar("SELECT id FROM client ORDER BY name LIMIT 1"))
    suffix = uuid.uuid4().hex[:6]
    event = _api(
        server,
        "POST",
        "/api/events",
        {
            "name": f"Offline prep check {suffix}",
            "clientId": client_id,
            "location": "Warehouse test bay",
            "startDate": "2027-09-14",
            "endDate": "2027-09-15",
        },
        token,
    )
    lines = {"AUD-0001": 3, "AUD-0016": 1}
    _api(
        server,
        "POST",
        "/api/rentals",
        {
            "eventId": event["id"],
            "equipment": [{"equipmentId": _item(c), "quantity": q} for c, q in lines.items()],
        },
        token,
    )
    return {"id": event["id"], "name": event["name"], "lines": lines}


def _wait_for(read, expected, timeout_s: float = 15.0):
    deadline = time.monotonic() + timeout_s
    while True:
        value = read()
        if value == expected or time.monotonic() > deadline:
            assert value == expected
            return
        time.sleep(0.2)


def _scan(page: Page, code: str) -> None:
    field = page.locator(SCAN_FIELD)
    field.fill(code)
    field.press("Enter")


def _line(page: Page, code: str):
    return page.locator(f"[data-testid=prep-line][data-code='{code}']")


def _line_count(page: Page, code: str):
    return _line(page, code).locator("[data-testid=line-count]")


def _pending(page: Page, count: int) -> None:
    expect(page.get_by_test_id("prep-offline-pending")).to_have_text(f"pending ({count})")


def test_scans_made_while_the_server_is_down_are_sent_when_it_returns(
    server: Server, page: Page, prep_event: dict
):
    event_id = prep_event["id"]
    page.set_viewport_size({"width": 820, "height": 1180})  # the warehouse tablet
    sign_in(page, server.url, "tech", path=f"/prep/{event_id}")
    # Once the service worker controls the page, the checklist it loads is kept for offline use.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    expect(page.locator(SCAN_FIELD)).to_be_visible(timeout=30_000)
    # The offline queue attached itself and saved the checklist it needs to resolve codes.
    expect(page.locator("html")).to_have_attribute("data-prep-offline", "ready")
    page.wait_for_function(
        "id => localStorage.getItem('avr_prep_checklist_' + id) !== null", arg=event_id
    )
    page.wait_for_function(
        """async (id) => {
            const cache = await caches.open('avr-prep-data');
            return (await cache.match(`/api/events/${id}/prep`)) !== undefined;
        }""",
        arg=event_id,
    )

    # Connected: the page's own handler takes the scan; the offline queue stays out of it.
    _scan(page, "AUD-0001")
    _wait_for(lambda: _line_out(event_id, "AUD-0001"), 1)
    expect(page.get_by_test_id("prep-offline-panel")).to_have_count(0)

    with server_stopped(server):
        # The socket is gone: the page says so and keeps taking scans on the device.
        expect(page.get_by_test_id("prep-offline-status")).to_have_text(
            re.compile("Offline"), timeout=15_000
        )
        # Seen from the app's WebSocket closing, not only from the periodic /ping.
        expect(page.locator("html")).to_have_attribute("data-avr-socket", "down")
        _pending(page, 0)
        _scan(page, "AUD-0001")
        _pending(page, 1)
        _scan(page, "aud-0001")  # scanners and people type codes in either case
        _scan(page, "AUD-0016")
        _scan(page, "AUD-0016")  # one too many: the mixer line holds 1
        _pending(page, 4)
        expect(page.locator(SCAN_FIELD)).to_have_value("")
        # Each line shows what is waiting for it on this device.
        expect(_line(page, "AUD-0001")).to_have_attribute("data-offline-pending", "2")
        expect(_line(page, "AUD-0016")).to_have_attribute("data-offline-pending", "2")
        expect(_line_count(page, "AUD-0001")).to_have_attribute("data-offline-pending", "2")
        # A code that is not on the loaded checklist cannot be queued: said at once.
        _scan(page, "NOPE-404")
        expect(page.get_by_test_id("prep-offline-message")).to_contain_text("NOPE-404")
        _pending(page, 4)
        queued = page.evaluate("JSON.parse(localStorage.getItem('avr_offline_scans'))")
        assert [q["scanType"] for q in queued] == ["checkout"] * 4
        assert all(UUID_RE.match(q["id"]) for q in queued)
        assert len({q["id"] for q in queued}) == 4
        assert {q["eventId"] for q in queued} == {event_id}
        page.screenshot(path=str(ARTIFACTS / "prep-offline-pending-tablet.png"))
        # Opening the checklist again while offline: the offline page, with the saved copy.
        other = page.context.new_page()
        other.goto(f"{server.url}/prep/{event_id}")
        expect(other.get_by_test_id("offline-page")).to_be_visible(timeout=15_000)
        saved = other.get_by_test_id("offline-prep").filter(has_text=prep_event["name"])
        expect(saved).to_be_visible()
        expect(saved).to_contain_text("Yamaha QL1")
        expect(other.get_by_test_id("offline-pending")).to_have_text(
            "4 scans are waiting on this device to be sent."
        )
        other.close()
        # Nothing reached the server while it was down.
        assert _line_out(event_id, "AUD-0001") == 1

    # Back up: the queue goes out by itself, each scan applied once.
    expect(page.get_by_test_id("prep-offline-pending")).to_have_text(
        "pending (0)", timeout=RECONNECT_TIMEOUT_MS
    )
    expect(page.locator("html")).to_have_attribute("data-avr-socket", "up")
    rejected = page.get_by_test_id("prep-offline-rejected").locator("li")
    expect(rejected).to_have_count(1)
    expect(rejected.first).to_have_attribute("data-status", "QUANTITY_COMPLETE")
    expect(rejected.first).to_contain_text("Yamaha QL1")
    assert _line_out(event_id, "AUD-0001") == 3
    assert _line_out(event_id, "AUD-0016") == 1
    logs = _scan_logs(event_id)
    assert logs.get("OK") == 4 and logs.get("QUANTITY_COMPLETE") == 1, logs
    ids = [q["id"] for q in queued]
    assert db_scalar("SELECT count(*) FROM scan_log WHERE scan_id::text = ANY(:ids)", ids=ids) == 4

    # Sending the same queue again (a lost answer, a second tab) changes nothing.
    token = page.evaluate("localStorage.getItem('avr_token')")
    replay = _api(
        server,
        "POST",
        "/api/rentals/scan-batch",
        {"scans": [{k: q[k] for k in SCAN_FIELDS} for q in queued]},
        token,
    )
    assert {r["status"] for r in replay["results"]} == {"DUPLICATE"}
    assert _line_out(event_id, "AUD-0001") == 3

    # The page follows the server's counts, and the notice goes away when dismissed.
    expect(_line_count(page, "AUD-0001")).to_have_text("3 / 3", timeout=30_000)
    expect(_line_count(page, "AUD-0016")).to_have_text("1 / 1")
    expect(_line(page, "AUD-0001")).not_to_have_attribute("data-offline-pending", re.compile("."))
    page.screenshot(path=str(ARTIFACTS / "prep-offline-synced-tablet.png"))
    page.get_by_test_id("prep-offline-dismiss").click()
    expect(page.get_by_test_id("prep-offline-panel")).to_be_hidden()


def test_check_in_scans_made_while_the_device_is_offline_follow_the_active_tab(
    server: Server, page: Page, prep_event: dict
):
    event_id = prep_event["id"]
    token = api_token(server.url, "tech")
    out = [
        {
            "id": str(uuid.uuid4()),
            "eventId": event_id,
            "equipmentId": _item("AUD-0001"),
            "scanType": "checkout",
            "timestamp": f"2027-09-13T08:00:0{n}Z",
        }
        for n in range(3)
    ]
    assert _api(server, "POST", "/api/rentals/scan-batch", {"scans": out}, token)["processed"] == 3
    page.set_viewport_size({"width": 390, "height": 844})  # a phone this time
    sign_in(page, server.url, "tech", path=f"/prep/{event_id}")
    expect(page.locator("html")).to_have_attribute("data-prep-offline", "ready")
    page.wait_for_function(
        "id => localStorage.getItem('avr_prep_checklist_' + id) !== null", arg=event_id
    )
    page.get_by_test_id("tab-checkin").click()
    expect(page.get_by_test_id("tab-checkin")).to_have_attribute("aria-pressed", "true")

    page.context.set_offline(True)  # the tablet's Wi-Fi drops (the server itself is fine)
    try:
        expect(page.get_by_test_id("prep-offline-status")).to_have_text(re.compile("Offline"))
        _scan(page, "AUD-0001")
        _scan(page, "AUD-0001")
        _pending(page, 2)
        queued = page.evaluate("JSON.parse(localStorage.getItem('avr_offline_scans'))")
        assert [q["scanType"] for q in queued] == ["checkin", "checkin"]
        # On a phone the list of pending scans is folded so the checklist stays visible.
        assert (
            page.evaluate("document.querySelector('[data-testid=prep-offline-queue]').open")
            is False
        )
        page.screenshot(path=str(ARTIFACTS / "prep-offline-pending-phone.png"))
        assert (
            db_scalar(
                "SELECT r.scanned_in FROM rental r JOIN equipment_item i ON i.id = r.equipment_id"
                " WHERE r.event_id = :e AND i.asset_code = 'AUD-0001'",
                e=event_id,
            )
            == 0
        )
    finally:
        page.context.set_offline(False)

    expect(page.get_by_test_id("prep-offline-panel")).to_be_hidden(timeout=30_000)
    assert (
        db_scalar(
            "SELECT r.scanned_in FROM rental r JOIN equipment_item i ON i.id = r.equipment_id"
            " WHERE r.event_id = :e AND i.asset_code = 'AUD-0001'",
            e=event_id,
        )
        == 2
    )
    expect(_line_count(page, "AUD-0001")).to_have_text("2 / 3", timeout=30_000)

    # Signing out drops the saved checklists from this device (service worker cache included).
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    page.evaluate(
        """async (id) => {
            const token = localStorage.getItem('avr_token');
            await fetch(`/api/events/${id}/prep`, {headers: {Authorization: 'Bearer ' + token}});
        }""",
        event_id,
    )
    assert page.evaluate(SAVED_CHECKLIST, event_id) == {"local": True, "cached": True}
    page.get_by_test_id("user-menu").click()
    page.get_by_test_id("sign-out").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.wait_for_function(
        "async (id) => { const s = await ("
        + SAVED_CHECKLIST
        + ")(id); return !(s.local || s.cached) }",
        arg=event_id,
        timeout=15_000,
    )
