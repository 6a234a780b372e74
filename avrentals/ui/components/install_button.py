"""The header's "Install app" button.

It is rendered hidden; `assets/pwa.js` shows it while the browser offers to install the app
(the `beforeinstallprompt` event arrived and the app is not already running installed) and
opens the browser's own install prompt on click. No server state is involved: whether the app
can be installed is only known in the browser.
"""

from __future__ import annotations

import reflex as rx

from avrentals.ui.i18n import t


def install_button() -> rx.Component:
    return rx.button(
        rx.icon("download", size=16),
        rx.text(t("ui.install.button"), display=rx.breakpoints(initial="none", md="inline")),
        variant="soft",
        size="2",
        height="36px",
        display="none",  # pwa.js: html[data-pwa-can-install] [data-pwa-install] is shown
        type="button",
        aria_label=t("ui.install.title"),
        title=t("ui.install.title"),
        custom_attrs={"data-testid": "install-app", "data-pwa-install": "true"},
    )
