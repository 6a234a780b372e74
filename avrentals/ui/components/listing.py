"""Pieces shared by the list pages (equipment, clients, ...): search box, paginator, the
empty / no-results / loading placeholders and the live-update banner.

They take the page's state class (or its vars and events) as arguments, so every list looks
and behaves the same and the e2e tests can rely on the same test ids.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from avrentals.domain.pagination import PAGE_SIZES
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t

Text = str | rx.Var[str]


def search_box(
    *,
    value: rx.Var,
    key: rx.Var,
    on_change: Any,
    placeholder: Text,
    label: Text,
    testid: str,
    max_length: int = 100,
) -> rx.Component:
    """An uncontrolled search input (debounce `on_change` yourself); `key` resets it."""
    return rx.input(
        rx.input.slot(rx.icon("search", size=16)),
        placeholder=placeholder,
        default_value=value,
        key=key,
        on_change=on_change,
        type="search",
        size="2",
        width="100%",
        max_length=max_length,
        aria_label=label,
        custom_attrs={"data-testid": testid},
    )


def message_box(icon: str, title: Text, text: Text, *actions: rx.Component, testid: str):
    """A dashed placeholder box: icon, heading, one sentence and optional actions."""
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon(icon, size=24),
                width="52px",
                height="52px",
                border_radius="9999px",
                background="var(--gray-a3)",
                color="var(--gray-11)",
            ),
            rx.heading(title, size="4", as_="h2"),
            rx.text(text, size="2", color_scheme="gray", text_align="center", max_width="380px"),
            *actions,
            align="center",
            spacing="3",
        ),
        padding="56px 16px",
        border="1px dashed var(--gray-a6)",
        border_radius="var(--radius-4)",
        width="100%",
        custom_attrs={"data-testid": testid},
    )


def no_results_box(
    title: Text,
    text: Text,
    clear_label: Text,
    on_clear: Any,
    testid: str,
    *,
    icon: str = "search-x",
    clear_icon: str = "x",
) -> rx.Component:
    """What a list shows when its search / filters match nothing, with a way to clear them."""
    clear = rx.button(rx.icon(clear_icon, size=16), clear_label, variant="soft", on_click=on_clear)
    return message_box(icon, title, text, clear, testid=testid)


def loading_rows(testid: str, count: int = 6) -> rx.Component:
    """Skeleton rows shown until the first page has loaded."""
    return rx.vstack(
        *[rx.skeleton(height="44px", width="100%", loading=True) for _ in range(count)],
        spacing="2",
        width="100%",
        custom_attrs={"data-testid": testid},
    )


def paginator(state: Any) -> rx.Component:
    """Rows per page (20/50/100), "Page x of y · n items" and previous/next.

    `state` must have the vars `page`, `total_pages`, `page_label`, `page_size_value`,
    `loading` and the events `set_page_size`, `prev_page`, `next_page`."""
    return rx.flex(
        rx.hstack(
            rx.text(
                t("ui.listing.rows_per_page"), size="2", color_scheme="gray", white_space="nowrap"
            ),
            rx.select(
                [str(s) for s in PAGE_SIZES],
                value=state.page_size_value,
                on_change=state.set_page_size,
                size="1",
            ),
            align="center",
            spacing="2",
        ),
        rx.spacer(display=rx.breakpoints(initial="none", sm="block")),
        rx.hstack(
            rx.cond(state.loading, rx.spinner(size="1")),
            rx.text(
                state.page_label,
                size="2",
                color_scheme="gray",
                custom_attrs={"data-testid": "page-label"},
            ),
            rx.icon_button(
                rx.icon("chevron-left", size=16),
                on_click=state.prev_page,
                disabled=state.page <= 1,
                variant="soft",
                color_scheme="gray",
                size="2",
                aria_label=t("ui.listing.previous_page"),
            ),
            rx.icon_button(
                rx.icon("chevron-right", size=16),
                on_click=state.next_page,
                disabled=state.page >= state.total_pages,
                variant="soft",
                color_scheme="gray",
                size="2",
                aria_label=t("ui.listing.next_page"),
            ),
            align="center",
            spacing="2",
        ),
        direction=rx.breakpoints(initial="column-reverse", sm="row"),
        align=rx.breakpoints(initial="start", sm="center"),
        gap="3",
        width="100%",
    )


def live_banner(notice: rx.Var, on_dismiss: Any) -> rx.Component:
    """The "X changed Y" banner of live updates (hidden while `notice` is empty)."""
    return rx.cond(
        notice != "",
        rx.flex(
            rx.icon("radio", size=16, flex_shrink="0"),
            rx.text(notice, size="2", flex="1", custom_attrs={"data-testid": "live-notice"}),
            rx.icon_button(
                rx.icon("x", size=14),
                on_click=on_dismiss,
                variant="ghost",
                color_scheme="blue",
                size="1",
                aria_label=t("ui.listing.dismiss"),
            ),
            align="center",
            gap="10px",
            padding="10px 12px",
            border_radius="var(--radius-3)",
            background="var(--blue-a3)",
            color="var(--blue-11)",
            width="100%",
            role="status",
        ),
    )


def error_callout(message: rx.Var) -> rx.Component:
    """A red callout for a failed load (hidden while `message` is empty)."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="circle-alert", color_scheme="red"),
    )


# --- list page building blocks (toolbar button, row actions, table, cards, page) ------------


def status_pill(
    status: rx.Var, label: rx.Var, colors: dict[str, str], testid: str = ""
) -> rx.Component:
    """A soft round badge showing `label`, coloured by `status` (`colors`; gray otherwise)."""

    def badge(color: str) -> rx.Component:
        attrs = {"custom_attrs": {"data-testid": testid}} if testid else {}
        return rx.badge(label, color_scheme=color, variant="soft", radius="full", **attrs)

    return rx.match(status, *[(key, badge(color)) for key, color in colors.items()], badge("gray"))


def new_button(can: rx.Var, label: Text, on_click: Any, testid: str) -> rx.Component:
    """The "New ..." button of a list page, shown only to roles that may create."""
    return rx.cond(
        can,
        rx.button(
            rx.icon("plus", size=16),
            label,
            on_click=on_click,
            size="2",
            custom_attrs={"data-testid": testid},
        ),
    )


def icon_action(
    icon: str,
    on_click: Any,
    aria_label: Any,
    testid: str,
    *,
    color: str = "gray",
    title: Text = "",
    icon_size: int = 14,
) -> rx.Component:
    """A small ghost icon button of a list row (labelled for screen readers)."""
    extra = {"title": title} if isinstance(title, rx.Var) or title else {}
    return rx.icon_button(
        rx.icon(icon, size=icon_size),
        on_click=on_click,
        variant="ghost",
        color_scheme=color,
        size="1",
        aria_label=aria_label,
        **extra,
        custom_attrs={"data-testid": testid},
    )


def row_actions(
    row: rx.Var,
    *,
    can_edit: rx.Var,
    on_edit: Any,
    edit_testid: str,
    can_delete: rx.Var,
    on_delete: Any,
    delete_testid: str,
    edit_icon: str = "pencil",
    more: tuple[rx.Component, ...] = (),
) -> rx.Component:
    """Edit / (`more`) / delete icons, only for roles that may use them (the services refuse
    anyway)."""
    return rx.hstack(
        rx.cond(
            can_edit,
            icon_action(
                edit_icon,
                on_edit,
                t("ui.listing.edit_named", name=row["name"]),
                edit_testid,
                title=t("common.action.edit"),
            ),
        ),
        *more,
        rx.cond(
            can_delete,
            icon_action(
                "trash-2",
                on_delete,
                t("ui.listing.delete_named", name=row["name"]),
                delete_testid,
                color="red",
                title=t("common.action.delete"),
            ),
        ),
        spacing="3",
        justify="end",
    )


def header_cell(label: Text, numeric: bool = False, desktop_only: bool = False) -> rx.Component:
    classes = ["avr-num" if numeric else "", "avr-col-desktop" if desktop_only else ""]
    return rx.table.column_header_cell(
        label, class_name=" ".join(c for c in classes if c), white_space="nowrap"
    )


def list_table(
    headers: list[rx.Component], rows: rx.Var, render_row: Any, testid: str
) -> rx.Component:
    """The tablet/desktop table: `headers` then an (unlabelled) actions column."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *headers,
                    rx.table.column_header_cell("", aria_label=t("common.field.actions")),
                )
            ),
            rx.table.body(rx.foreach(rows, render_row)),
            variant="surface",
            size="2",
            width="100%",
        ),
        class_name="avr-only-wide",
        overflow_x="auto",
        width="100%",
        custom_attrs={"data-testid": testid},
    )


def live_attrs(row: rx.Var, state: Any, testid: str) -> dict[str, Any]:
    """Props of a list row / card: its id and test id, highlighted while it is the one a
    live notice names (`state.live_item_id`)."""
    live = row["id"] == state.live_item_id
    return {
        "class_name": rx.cond(live, "avr-row-live", ""),  # i18n: not text
        "custom_attrs": {"data-id": row["id"], "data-testid": testid},
    }


def list_card(row: rx.Var, state: Any, testid: str, body: rx.Component) -> rx.Component:
    """One row as a card (phones and the card view)."""
    return rx.card(body, **live_attrs(row, state, testid), size="2", width="100%")


def list_cards(rows: rx.Var, render_card: Any) -> rx.Component:
    """The phone list: one card per row."""
    return rx.box(
        rx.vstack(rx.foreach(rows, render_card), spacing="2", width="100%"),
        class_name="avr-only-narrow",
    )


def list_states(
    state: Any,
    *,
    loading_testid: str,
    empty: rx.Component,
    no_results: rx.Component,
    content: rx.Component,
) -> rx.Component:
    """Loading placeholder, then empty / no-results / the list itself."""
    return rx.cond(
        ~state.loaded,
        loading_rows(loading_testid),
        rx.cond(
            state.total == 0,
            rx.cond(state.has_filters, no_results, empty),
            content,
        ),
    )


def list_page(
    path: str,
    description: Text,
    state: Any,
    *,
    new: rx.Component,
    toolbar: rx.Component,
    body: rx.Component,
    dialogs: list[rx.Component],
) -> rx.Component:
    """Header line, toolbar, live banner, error, list, paginator and the page's dialogs."""
    return shell(
        path,
        rx.vstack(
            rx.flex(
                # The page title says enough on a phone; the sentence would push the list down.
                rx.text(
                    description,
                    size="2",
                    color_scheme="gray",
                    flex="1",
                    display=rx.breakpoints(initial="none", sm="block"),
                ),
                new,
                align="center",
                justify="end",
                gap="3",
                width="100%",
            ),
            toolbar,
            live_banner(state.live_notice, state.dismiss_notice),
            error_callout(state.error),
            body,
            rx.cond(state.total > 0, paginator(state)),
            *dialogs,
            spacing="4",
            width="100%",
        ),
    )
