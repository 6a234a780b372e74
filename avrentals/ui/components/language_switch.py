"""The header's language switch: English / Português. For a signed-in user the choice is
stored on their account (every device follows it); on the sign-in page it changes the tab."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.i18n import t
from avrentals.ui.state.locale import LocaleState

# Each language's name in itself, so a reader finds theirs whatever the current language.
LANGUAGE_NAMES = {"en": "English", "pt": "Português"}


def language_switch() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            rx.hstack(rx.icon("languages", size=16), rx.text(LocaleState.language.upper())),
            variant="ghost",
            color_scheme="gray",
            aria_label=t("shell.language.switch"),
            title=t("shell.language.switch"),
            custom_attrs={"data-testid": "language-switch"},
        ),
        rx.select.content(
            *[
                rx.select.item(name, value=code, custom_attrs={"data-testid": f"language-{code}"})
                for code, name in LANGUAGE_NAMES.items()
            ],
        ),
        value=LocaleState.language,
        on_change=LocaleState.choose_language,
        size="2",
    )
