"""Building blocks of the detail pages (client, equipment item, event): the page frame (back
link, live banner, loading / not found / found), stat cards, titled sections with a count
badge and an empty message, and two-sided list rows."""

from __future__ import annotations

from typing import Any

import reflex as rx

from avrentals.ui.components.listing import error_callout, live_banner, message_box
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t

Text = str | rx.Var[str]


def back_link(label: Text, href: str) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon("arrow-left", size=16), rx.text(label), spacing="1"),
        href=href,
        size="2",
        underline="none",
    )


def not_found_box(
    icon: str, title: Text, text: Text, back_label: Text, href: str, testid: str
) -> rx.Component:
    """The "not found" state of a detail page, with a way back to its list."""
    return message_box(
        icon,
        title,
        text,
        rx.link(rx.button(back_label, variant="soft"), href=href),
        testid=testid,
    )


def detail_page(
    path: str,
    state: Any,
    *,
    back: rx.Component,
    not_found: rx.Component,
    found: rx.Component,
    dialogs: tuple[rx.Component, ...] = (),
) -> rx.Component:
    """A detail page in the shell: back link, live banner, error, then a skeleton while
    `state` loads, `not_found` or `found`; the page's dialogs follow."""
    return shell(
        path,
        rx.vstack(
            back,
            live_banner(state.live_notice, state.dismiss_notice),
            error_callout(state.error),
            rx.cond(
                ~state.loaded,
                rx.skeleton(height="240px", width="100%", loading=True),
                rx.cond(state.not_found, not_found, found),
            ),
            *dialogs,
            spacing="4",
            width="100%",
        ),
    )


def icon_fact(icon: str, label: Text, value: rx.Component, attrs: dict[str, Any]) -> rx.Component:
    """One labelled fact of a detail card with its icon (`attrs`: the data attributes)."""
    return rx.hstack(
        rx.icon(icon, size=16, color="var(--gray-10)", flex_shrink="0", margin_top="2px"),
        rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.box(value, font_size="var(--font-size-2)", word_break="break-word"),
            spacing="0",
            min_width="0",
        ),
        align="start",
        spacing="3",
        custom_attrs=attrs,
    )


def stat(label: Text, value: rx.Var, testid: str, hint: Text = "") -> rx.Component:
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


def section(title: Text, count: rx.Var, items: rx.Var, render, empty: Text, testid: str):
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
    more: tuple[rx.Component, ...] = (),
    **props: Any,
) -> rx.Component:
    """Edit / (`more`) / Delete buttons of a detail page, only for roles that may use them."""
    return rx.hstack(
        rx.cond(
            can_edit,
            rx.button(
                rx.icon("pencil", size=16),
                t("common.action.edit"),
                on_click=on_edit,
                variant="soft",
                custom_attrs={"data-testid": edit_testid},
            ),
        ),
        *more,
        rx.cond(
            can_delete,
            rx.button(
                rx.icon("trash-2", size=16),
                t("common.action.delete"),
                on_click=on_delete,
                variant="soft",
                color_scheme="red",
                custom_attrs={"data-testid": delete_testid},
            ),
        ),
        spacing="2",
        **props,
    )
