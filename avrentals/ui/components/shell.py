"""The signed-in app shell: navigation, header (page title, light/dark toggle, user menu) and
the page content. Until the tab's token is verified it shows a neutral loading screen, so a
protected page never flashes its content to someone who is about to be sent to /login."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.components.install_button import install_button
from avrentals.ui.components.language_switch import language_switch
from avrentals.ui.components.nav import bottom_nav, brand_mark, side_nav
from avrentals.ui.components.notification_bell import notification_bell
from avrentals.ui.i18n import t
from avrentals.ui.routes import BY_PATH, PROFILE
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.settings import BrandingState


def color_mode_toggle() -> rx.Component:
    return rx.icon_button(
        rx.color_mode_cond(light=rx.icon("moon", size=18), dark=rx.icon("sun", size=18)),
        on_click=rx.toggle_color_mode,
        variant="ghost",
        color_scheme="gray",
        size="2",
        aria_label=t("shell.color_mode.switch"),
        title=t("shell.color_mode.title"),
    )


def user_menu() -> rx.Component:
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.avatar(
                    fallback=AuthState.user_initials,
                    size="2",
                    radius="full",
                    variant="soft",
                ),
                rx.vstack(
                    rx.text(AuthState.user_name, size="2", weight="medium", line_height="1.2"),
                    rx.text(
                        t(AuthState.user_role_key), size="1", color_scheme="gray", line_height="1.2"
                    ),
                    display=rx.breakpoints(initial="none", sm="flex"),
                    spacing="0",
                    align="start",
                ),
                rx.icon("chevron-down", size=14, color="var(--gray-10)"),
                variant="ghost",
                color_scheme="gray",
                size="2",
                height="44px",
                aria_label=t("shell.account.menu"),
                custom_attrs={"data-testid": "user-menu"},
            ),
        ),
        rx.menu.content(
            rx.box(
                rx.text(AuthState.user_name, size="2", weight="bold"),
                rx.text(
                    t(AuthState.user_role_key),
                    size="1",
                    color_scheme="gray",
                    custom_attrs={"data-testid": "user-role"},
                ),
                padding="8px 12px",
            ),
            rx.menu.separator(),
            rx.menu.item(
                rx.hstack(
                    rx.icon("circle-user", size=16), rx.text(t("nav.profile.label")), spacing="2"
                ),
                on_click=rx.redirect(PROFILE),
                custom_attrs={"data-testid": "open-profile"},
            ),
            rx.menu.item(
                rx.hstack(
                    rx.icon("log-out", size=16), rx.text(t("shell.account.sign_out")), spacing="2"
                ),
                color="red",
                on_click=AuthState.sign_out,
                custom_attrs={"data-testid": "sign-out"},
            ),
            align="end",
            min_width="200px",
        ),
    )


def header(title: rx.Var[str]) -> rx.Component:
    return rx.el.header(
        rx.hstack(
            rx.box(brand_mark("28px"), display=rx.breakpoints(initial="block", sm="none")),
            rx.heading(title, size="5", weight="bold", as_="h1", trim="both"),
            rx.spacer(),
            install_button(),
            notification_bell(),
            language_switch(),
            color_mode_toggle(),
            user_menu(),
            align="center",
            spacing=rx.breakpoints(initial="2", sm="3"),  # a 390 px phone fits every control
            height="100%",
        ),
        class_name="avr-header",
    )


def loading_screen() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.spinner(size="3"),
            rx.text(t("shell.page.loading"), size="2", color_scheme="gray"),
            align="center",
            spacing="3",
        ),
        height="100vh",
        width="100%",
    )


def shell(path: str, *content: rx.Component) -> rx.Component:
    """A protected page at `path`: layout around `content`, shown once signed in."""
    title = BY_PATH[path].label
    return rx.cond(
        AuthState.signed_in,
        rx.box(
            side_nav(path),
            rx.box(
                header(title),
                rx.el.main(*content, class_name="avr-content"),
                class_name="avr-main",
            ),
            bottom_nav(path),
            # The company's primary colour (validated #rrggbb), applied live on a change.
            rx.el.style(BrandingState.brand_css),
            class_name="avr-app",
            on_mount=BrandingState.load,
        ),
        loading_screen(),
    )
