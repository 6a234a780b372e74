"""Building blocks of the detail pages (client, equipment item): stat cards, titled sections
with a count badge and an empty message, and two-sided list rows."""

from __future__ import annotations

from typing import Any

import reflex as rx


def stat(label: str, value: rx.Var, testid: str, hint: str = "") -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.text(value, size="6", weight="bold", custom_attrs={"data-testid": testid}),
            rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
            spacing="1",
        ),
        width="100%",
    )


def list_row(left: rx.Component, right: rx.Component, testid: str, row_id: rx.Var):
    return rx.flex(
        left,
        right,
        align="center",
        justify="between",
        gap="3",
        padding="10px 12px",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        custom_attrs={"data-testid": testid, "data-id": row_id},
    )


def section(title: str, count: rx.Var, items: rx.Var, render, empty: str, testid: str):
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(title, size="3", as_="h3"),
                rx.badge(count.to_string(), variant="soft", color_scheme="gray", radius="full"),
                align="center",
                spacing="2",
            ),
            rx.cond(
                count > 0,
                rx.vstack(rx.foreach(items, render), spacing="0", width="100%"),
                rx.text(empty, size="2", color_scheme="gray"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": testid},
    )


def detail_actions(
    *,
    can_edit: rx.Var,
    on_edit: Any,
    edit_testid: str,
    can_delete: rx.Var,
    on_delete: Any,
    delete_testid: str,
) -> rx.Component:
    """Edit / Delete buttons of a detail page, only for roles that may use them."""
    return rx.hstack(
        rx.cond(
            can_edit,
            rx.button(
                rx.icon("pencil", size=16),
                "Edit",
                on_click=on_edit,
                variant="soft",
                custom_attrs={"data-testid": edit_testid},
            ),
        ),
        rx.cond(
            can_delete,
            rx.button(
                rx.icon("trash-2", size=16),
                "Delete",
                on_click=on_delete,
                variant="soft",
                color_scheme="red",
                custom_attrs={"data-testid": delete_testid},
            ),
        ),
        spacing="2",
    )
