"""Head tags that make the app installable and able to work through a dropped connection.

`pwa.js` (service worker registration, install button, connection tracking) loads as a plain
blocking script so it runs before the app's own bundle opens its WebSocket; the offline prep
queue (`prep-offline.js`) is deferred: it attaches itself to prep pages once they render.
These must be `rx.el` elements in the app's head (`rx.App(head_components=...)`): they are
written into every prerendered HTML document, whereas `rx.script` would be injected after
hydration.
"""

from __future__ import annotations

import reflex as rx

MANIFEST = "/manifest.webmanifest"


def pwa_head() -> list[rx.Component]:
    return [
        rx.el.link(rel="manifest", href=MANIFEST),
        rx.el.link(rel="apple-touch-icon", href="/icons/apple-touch-icon.png"),
        rx.el.meta(name="mobile-web-app-capable", content="yes"),  # i18n: not text
        rx.el.meta(name="apple-mobile-web-app-title", content="AV Rentals"),  # i18n: not text
        rx.el.script(src="/pwa.js"),
        rx.el.script(src="/prep-offline.js", defer=True),
    ]
