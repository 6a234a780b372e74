"""The installable app: manifest, icons, a service worker controlling every page, the install
button, and the offline page, checked in Chromium against the production build."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import BrowserType, Page, expect

from tests.e2e.conftest import ARTIFACTS, Server, http_get, sign_in

pytestmark = pytest.mark.e2e

SHORTCUTS = {"Dashboard": "/", "Inventory": "/equipment", "Calendar": "/calendar", "Prep": "/prep"}


def _get(url: str) -> tuple[int, str, bytes]:
    status, headers, body = http_get(url)
    return status, headers.get("content-type", ""), body


def _png_size(server: Server, path: str) -> tuple[int, int]:
    status, content_type, body = _get(f"{server.url}{path}")
    assert status == 200 and content_type.startswith("image/png"), (path, content_type)
    with Image.open(io.BytesIO(body)) as image:
        assert image.format == "PNG"
        return image.size


def _wait_controlled(page: Page) -> str:
    """Wait for the service worker to be active, reload, and return the controller's URL."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=15_000)
    return page.evaluate("navigator.serviceWorker.controller.scriptURL")


def test_manifest_fields_and_icons(server: Server):
    status, content_type, body = _get(f"{server.url}/manifest.webmanifest")
    assert status == 200
    assert content_type.startswith("application/manifest+json")
    manifest = json.loads(body)

    assert manifest["name"] == "AV Rentals"
    assert manifest["short_name"] and len(manifest["short_name"]) <= 12
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", manifest["background_color"])

    icons = {(i["sizes"], i.get("purpose", "any")): i["src"] for i in manifest["icons"]}
    assert set(icons) >= {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _purpose), src in icons.items():
        width, height = (int(v) for v in sizes.split("x"))
        assert _png_size(server, src) == (width, height), src

    shortcuts = {s["name"]: s for s in manifest["shortcuts"]}
    assert {name: s["url"] for name, s in shortcuts.items()} == SHORTCUTS
    for shortcut in shortcuts.values():
        (icon,) = shortcut["icons"]
        assert _png_size(server, icon["src"]) == (96, 96)


@pytest.fixture
def profile_page(
    browser_type: BrowserType,
    browser_type_launch_args: dict,
    browser_context_args: dict,
    tmp_path: Path,
) -> Iterator[Page]:
    """A page in a Chromium profile on disk: Chromium never offers installation from an
    incognito context, which is what an ordinary Playwright context is."""
    context = browser_type.launch_persistent_context(
        tmp_path / "profile", **browser_type_launch_args, **browser_context_args
    )
    try:
        yield context.pages[0] if context.pages else context.new_page()
    finally:
        context.close()


def test_chromium_considers_the_app_installable(server: Server, profile_page: Page):
    page = profile_page
    sign_in(page, server.url, "tech", path="/equipment")
    # Every page links the manifest and loads the registration script from its head.
    assert page.locator("head link[rel=manifest]").get_attribute("href") == "/manifest.webmanifest"
    assert page.locator("head script[src='/pwa.js']").count() == 1

    assert _wait_controlled(page) == f"{server.url}/sw.js"
    expect(page.get_by_test_id("user-menu")).to_be_visible(timeout=30_000)

    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == f"{server.url}/manifest.webmanifest"
    assert manifest["errors"] == []
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []

    # The app shell is cached under the current version; other pages are controlled too.
    cached = page.evaluate(
        """async () => {
            const names = await caches.keys();
            const shell = names.find((n) => n.startsWith('avr-shell-'));
            const keys = shell ? await (await caches.open(shell)).keys() : [];
            return keys.map((r) => new URL(r.url).pathname);
        }"""
    )
    assert {"/offline.html", "/manifest.webmanifest", "/icons/icon-192.png"} <= set(cached)
    page.goto(f"{server.url}/calendar")
    expect(page.get_by_test_id("user-menu")).to_be_visible(timeout=30_000)
    assert page.evaluate("navigator.serviceWorker.controller !== null")


def test_only_prep_data_is_cached_from_the_api(server: Server, page: Page):
    sign_in(page, server.url, "tech", path="/equipment")
    _wait_controlled(page)
    # The service worker must pass the API through untouched: a read answers from the network
    # and leaves nothing behind in any cache.
    result = page.evaluate(
        """async () => {
            const token = localStorage.getItem('avr_token');
            const response = await fetch('/api/equipment?pageSize=1', {
                headers: {Authorization: 'Bearer ' + token},
            });
            const cachedUrls = [];
            for (const name of await caches.keys()) {
                for (const request of await (await caches.open(name)).keys()) {
                    cachedUrls.push(new URL(request.url).pathname);
                }
            }
            return {status: response.status, cachedUrls};
        }"""
    )
    assert result["status"] == 200
    assert not [u for u in result["cachedUrls"] if u.startswith("/api/")]


def test_install_button_follows_the_browser_offer(server: Server, page: Page):
    sign_in(page, server.url, "manager", path="/equipment")
    button = page.get_by_test_id("install-app")
    # Hidden until the browser offers installation (headless Chromium never does by itself,
    # so the offer is simulated with the same event the browser dispatches).
    expect(button).to_be_hidden()
    page.evaluate(
        """() => {
            window.__promptCalls = 0;
            const offer = new Event('beforeinstallprompt', {cancelable: true});
            offer.prompt = () => { window.__promptCalls += 1; return Promise.resolve(); };
            offer.userChoice = Promise.resolve({outcome: 'accepted', platform: 'web'});
            window.dispatchEvent(offer);
            window.__offerPrevented = offer.defaultPrevented;
        }"""
    )
    expect(button).to_be_visible()
    assert page.evaluate("window.__offerPrevented") is True  # no browser mini-infobar
    # The button survives client-side navigation (the header is re-rendered by React).
    page.get_by_test_id("nav-calendar").click()
    expect(page).to_have_url(re.compile(r"/calendar/?$"))
    expect(button).to_be_visible()
    button.click()
    assert page.evaluate("window.__promptCalls") == 1
    expect(button).to_be_hidden()  # a prompt is single-use
    expect(page.locator("html")).to_have_attribute("data-pwa-install-choice", "accepted")
    page.evaluate("window.dispatchEvent(new Event('appinstalled'))")
    expect(button).to_be_hidden()


def test_navigation_without_network_shows_the_offline_page(server: Server, page: Page):
    sign_in(page, server.url, "tech", path="/equipment")
    _wait_controlled(page)
    page.context.set_offline(True)
    try:
        page.goto(f"{server.url}/clients")
        expect(page.get_by_test_id("offline-page")).to_be_visible(timeout=15_000)
        expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
        expect(page).to_have_title("Offline · AV Rentals")
        page.set_viewport_size({"width": 390, "height": 844})
        page.screenshot(path=str(ARTIFACTS / "offline-page-phone.png"))
    finally:
        page.context.set_offline(False)
    # Back online, the offline page notices by itself and reloads the page that was asked for.
    expect(page.get_by_test_id("user-menu")).to_be_visible(timeout=30_000)
    expect(page).to_have_url(re.compile(r"/clients/?$"))
