"""Date-range pieces shared by the availability pages (timeline, conflicts): a labelled
date input and the range's error line."""

from __future__ import annotations

from typing import Any

import reflex as rx


def date_input(label: str | rx.Var[str], value: rx.Var, on_change: Any, testid: str, **props: Any):
    """A native date picker labelled for screen readers; `props` size and place it."""
    return rx.input(
        type="date",
        value=value,
        on_change=on_change,
        aria_label=label,
        title=label,
        min_width="0",
        flex="1",
        custom_attrs={"data-testid": testid},
        **props,
    )


def range_error(message: rx.Var) -> rx.Component:
    """Why the picked range was refused (hidden while `message` is empty)."""
    return rx.cond(
        message != "",
        rx.text(
            message,
            color_scheme="red",
            size="2",
            role="alert",
            custom_attrs={"data-testid": "range-error"},
        ),
    )
