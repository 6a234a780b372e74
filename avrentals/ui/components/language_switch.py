"""The header's language switch: English / Português. For a signed-in user the choice is
stored on their account (every device follows it); on the sign-in page it changes the tab."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.i18n import t
from avrentals.ui.state.locale import LocaleState

# Each language's name in itself, so a reader finds theirs whatever the current language.
LANGUAGE_NAMES = {"en": "English", "pt": "Português"}


class DocumentLanguage(rx.Fragment):
    """Keeps `<html lang>` on the tab's language (screen readers, hyphenation, spelling) and
    remembers it on the device for the offline page."""

    def add_imports(self) -> dict:
        return {"react": ["useEffect"]}

    def add_hooks(self) -> list[str | rx.Var]:
        language = LocaleState.language
        return [
            rx.Var(
                f"useEffect(() => {{ document.documentElement.lang = {language}; "
                # the offline page (assets/offline.html) opens in the same language
                f"try {{ localStorage.setItem('avr_language', {language}); }} catch (e) {{}} }}, "
                f"[{language}]);",
                _var_data=language._get_all_var_data(),
            )
        ]


def document_language() -> rx.Component:
    return DocumentLanguage.create()


def language_switch() -> rx.Component:
    return rx.fragment(document_language(), _switch())


def _switch() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            rx.hstack(
                # Phones keep the header narrow: the code alone says it.
                rx.icon("languages", size=16, display=rx.breakpoints(initial="none", sm="block")),
                rx.text(LocaleState.language.upper()),
                spacing="1",
                align="center",
            ),
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
