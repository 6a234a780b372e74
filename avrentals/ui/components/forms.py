"""Form pieces shared by the edit dialogs: field-level error text and the conflict callout."""

from __future__ import annotations

import reflex as rx


def field_error(message: rx.Var, testid: str) -> rx.Component:
    """The service's message for one field, under its input (hidden while empty)."""
    return rx.cond(
        message != "",
        rx.text(message, size="1", color_scheme="red", custom_attrs={"data-testid": testid}),
    )


def conflict_callout(message: rx.Var, testid: str = "edit-conflict", *body: rx.Component):
    """Amber "someone else saved first" callout (hidden while `message` is empty)."""
    return rx.cond(
        message != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.callout.text(message, custom_attrs={"data-testid": testid}),
            *body,
            color_scheme="amber",
            size="1",
            margin_bottom="12px",
        ),
    )
