"""/login: username + password, submit on Enter, one generic error message."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.components.language_switch import language_switch
from avrentals.ui.components.nav import brand_mark
from avrentals.ui.components.shell import color_mode_toggle
from avrentals.ui.i18n import t
from avrentals.ui.state.auth import AuthState


def _field(label: str | rx.Var[str], **input_props) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", size="2", weight="medium", html_for=input_props["id"]),
        rx.input(size="3", width="100%", required=True, **input_props),
        spacing="1",
        width="100%",
    )


def login_page() -> rx.Component:
    form = rx.form(
        rx.vstack(
            _field(
                t("ui.login.username"),
                id="username",
                name="username",
                auto_complete="username",
                auto_focus=True,
                max_length=50,
                placeholder=t("ui.login.username_placeholder"),
            ),
            _field(
                t("ui.login.password"),
                id="password",
                name="password",
                type="password",
                auto_complete="current-password",
                max_length=1024,
            ),
            rx.cond(
                AuthState.login_error != "",
                rx.callout(
                    AuthState.login_error,
                    icon="circle-alert",
                    color_scheme="red",
                    size="1",
                    width="100%",
                    role="alert",
                    custom_attrs={"data-testid": "login-error"},
                ),
            ),
            rx.button(
                t("ui.login.sign_in"),
                type="submit",
                size="3",
                width="100%",
                loading=AuthState.signing_in,
                # Until the page is connected a submit would be a plain HTML form post.
                disabled=AuthState.signing_in | ~AuthState.login_ready,
                margin_top="4px",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=AuthState.sign_in,
        reset_on_submit=False,
        width="100%",
        custom_attrs={
            "data-testid": "login-form",
            "data-ready": rx.cond(AuthState.login_ready, "true", "false"),  # i18n: not text
        },
    )
    return rx.box(
        rx.hstack(
            language_switch(),
            color_mode_toggle(),
            spacing="2",
            align="center",
            position="absolute",
            top="16px",
            right="16px",
        ),
        rx.center(
            rx.vstack(
                rx.vstack(
                    brand_mark("44px"),
                    rx.heading(
                        AuthState.company,
                        size="6",
                        weight="bold",
                        text_align="center",
                        custom_attrs={"data-testid": "company-name"},
                    ),
                    rx.text(t("ui.login.subtitle"), size="2", color_scheme="gray"),
                    align="center",
                    spacing="2",
                    width="100%",
                ),
                rx.card(form, size="3", width="100%"),
                rx.text(
                    t("ui.login.tagline"),
                    size="1",
                    color_scheme="gray",
                    text_align="center",
                ),
                spacing="5",
                width="100%",
                max_width="400px",
                align="center",
            ),
            min_height="100vh",
            padding="24px 16px",
        ),
        position="relative",
        background="var(--gray-2)",
    )
