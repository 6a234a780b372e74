"""HTTP hardening as the browser sees it: security headers on pages, static files and the API,
and a Content-Security-Policy the app really works under — no violation reported while a user
signs in and goes through the main screens, and the app refuses to be framed."""

from __future__ import annotations

import base64
import secrets
import socket

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server, connect_or_explain, http_get, sign_in

pytestmark = pytest.mark.e2e

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
});
"""

SCREENS = ("/equipment", "/clients", "/events", "/calendar", "/availability", "/conflicts")


def headers_of(url: str) -> dict[str, str]:
    return http_get(url)[1]


@pytest.mark.parametrize("path", ["/login", "/favicon.svg", "/api/health"])
def test_every_response_carries_the_security_headers(server: Server, path: str) -> None:
    headers = headers_of(f"{server.url}{path}")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "default-src 'self'" in csp
    if path == "/login":  # pages are always revalidated (new deploys, offline detection)
        assert headers["cache-control"] == "no-cache"


def test_the_app_runs_under_its_content_security_policy(server: Server, page: Page) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    console_errors: list[str] = []
    page.on(
        "console",
        lambda m: (
            console_errors.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    sign_in(page, server.url, "admin", path="/equipment")
    for path in SCREENS:
        page.goto(f"{server.url}{path}")
        expect(page.get_by_test_id("user-menu")).to_be_visible(timeout=30_000)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__cspViolations") == [], path
    # Opening an item (photos, QR label image) is covered too.
    page.goto(f"{server.url}/equipment")
    page.locator("[data-testid=equipment-row] a").first.click()
    expect(page.get_by_test_id("user-menu")).to_be_visible(timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__cspViolations") == []
    assert console_errors == []


def test_the_app_cannot_be_framed_by_another_site(server: Server, page: Page) -> None:
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "frame-ancestors" in m.text else None)
    page.set_content(f'<iframe id="f" src="{server.url}/login"></iframe>')
    page.wait_for_timeout(2_000)
    frame = page.frame_locator("#f")
    expect(frame.locator("#username")).to_have_count(0)
    assert blocked, "Chromium did not report the framing refusal"


def socket_handshake_status(server: Server, origin: str) -> int:
    """Status of a WebSocket upgrade to the live socket sent with `origin` (101 = accepted)."""
    request = (
        "GET /_event/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: localhost:{server.port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {base64.b64encode(secrets.token_bytes(16)).decode()}\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        f"Origin: {origin}\r\n\r\n"
    )
    address = ("127.0.0.1", server.port)
    with connect_or_explain(
        lambda: socket.create_connection(address, timeout=30), server.url
    ) as sock:
        sock.sendall(request.encode())
        status_line = sock.recv(4096).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def test_the_live_socket_only_accepts_configured_origins(server: Server) -> None:
    assert socket_handshake_status(server, server.url) == 101
    assert socket_handshake_status(server, "https://evil.example") in {400, 403}
