"""/quotes: the quote list (server-side pages, search, status filter, sort) with its row
actions: open, preview / download the PDF, duplicate, approve, archive, delete. Table on
tablets and desktops, cards on phones."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.listing import (
    header_cell,
    icon_action,
    list_card,
    list_cards,
    list_page,
    list_states,
    list_table,
    live_attrs,
    message_box,
    new_button,
    no_results_box,
    search_box,
)
from avrentals.ui.i18n import t
from avrentals.ui.pages.quote_dialogs import (
    action_menu_item,
    confirm_dialog,
    open_pdf,
    quote_menu_actions,
    status_badge,
)
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.quote_actions import QuoteActionsState
from avrentals.ui.state.quotes import (
    ALL,
    QUOTES_PATH,
    SORT_OPTIONS,
    STATUS_KEYS,
    STATUSES,
    QuotesState,
)

S = QuotesState
X = QuoteActionsState
CAN_WRITE = AuthState.permissions.contains("quotes:write")
CAN_DELETE = AuthState.permissions.contains("quotes:delete")


def quote_href(quote_id: rx.Var) -> rx.Var:
    return QUOTES_PATH + "/" + quote_id


def new_quote_button() -> rx.Component:
    return new_button(CAN_WRITE, t("quotes.list.new"), rx.redirect(routes.QUOTES_NEW), "new-quote")


def row_actions(row: rx.Var) -> rx.Component:
    """Open and preview as icons; the rest in a menu, each only for the roles and statuses
    it applies to (the services refuse anyway)."""
    more = rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=16),
                variant="ghost",
                color_scheme="gray",
                size="1",
                aria_label=t("quotes.list.more_actions_for", number=row["number"]),
                custom_attrs={"data-testid": "quote-more"},
            )
        ),
        rx.menu.content(
            action_menu_item(
                "file-down",
                t("quotes.action.download_pdf"),
                "download-pdf",
                open_pdf(row["id"], download=True),
            ),
            quote_menu_actions(
                row["id"],
                row["status"],
                lambda name: f"{name}-quote",
                can_write=CAN_WRITE,
                can_delete=CAN_DELETE,
                with_approve=True,
            ),
            align="end",
            min_width="200px",
        ),
    )
    return rx.hstack(
        icon_action(
            "folder-open",
            rx.redirect(quote_href(row["id"])),
            t("quotes.list.open_number", number=row["number"]),
            "open-quote",
            title=t("quotes.list.open"),
        ),
        icon_action(
            "file-text",
            open_pdf(row["id"]),
            t("quotes.list.preview_number", number=row["number"]),
            "preview-pdf",
            title=t("quotes.action.preview_pdf"),
        ),
        more,
        spacing="3",
        justify="end",
        align="center",
    )


def toolbar() -> rx.Component:
    search = search_box(
        value=S.search,
        key=S.filters_key,
        on_change=S.set_search.debounce(300),
        placeholder=t("quotes.list.search_placeholder"),
        label=t("quotes.list.search_label"),
        testid="quote-search",
    )
    status = rx.select.root(
        rx.select.trigger(width="100%", aria_label=t("common.field.status")),
        rx.select.content(
            rx.select.item(t("quotes.list.all_statuses"), value=ALL),
            *[rx.select.item(t(STATUS_KEYS[s]), value=s) for s in STATUSES],
        ),
        value=S.status,
        on_change=S.set_status,
        size="2",
    )
    sort = rx.select.root(
        rx.select.trigger(width="100%", aria_label=t("quotes.list.sort")),
        rx.select.content(
            *[rx.select.item(t(label), value=key) for key, (_s, _d, label) in SORT_OPTIONS.items()]
        ),
        value=S.sort,
        on_change=S.set_sort,
        size="2",
    )
    return rx.grid(
        rx.box(search, grid_column=rx.breakpoints(initial="1 / -1", sm="auto")),
        rx.box(status, custom_attrs={"data-testid": "quote-status-filter"}, min_width="0"),
        rx.box(sort, custom_attrs={"data-testid": "quote-sort"}, min_width="0"),
        grid_template_columns=rx.breakpoints(initial="1fr 1fr", sm="2fr 1fr 1fr"),
        gap="12px",
        width="100%",
    )


def status_with_expiry(row: rx.Var) -> rx.Component:
    """The status badge, and "Expired" beside a Sent quote past its valid-until day."""
    return rx.hstack(
        status_badge(row["status"]),
        rx.cond(
            row["expired"] != "",
            rx.badge(
                rx.icon("clock-alert", size=12),
                t("quotes.list.expired"),
                color_scheme="amber",
                variant="surface",
                radius="full",
                custom_attrs={"data-testid": "quote-expired"},
            ),
        ),
        spacing="1",
        align="center",
        wrap="wrap",
    )


def table_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(row["number"], weight="medium", white_space="nowrap"),
            custom_attrs={"data-field": "number"},
        ),
        rx.table.row_header_cell(
            rx.link(
                row["name"],
                href=quote_href(row["id"]),
                weight="medium",
                custom_attrs={"data-field": "name"},
            ),
            rx.text(row["client"], size="1", color_scheme="gray", class_name="avr-only-tablet"),
        ),
        rx.table.cell(row["client"], class_name="avr-col-desktop"),
        rx.table.cell(row["period"], white_space="nowrap", class_name="avr-col-desktop"),
        rx.table.cell(row["total"], class_name="avr-num", custom_attrs={"data-field": "total"}),
        rx.table.cell(status_with_expiry(row)),
        rx.table.cell(row_actions(row)),
        **live_attrs(row, S, "quote-row"),
        align="center",
    )


def quotes_table() -> rx.Component:
    headers = [
        header_cell(t("quotes.list.number")),
        header_cell(t("common.field.name")),
        header_cell(t("common.field.client"), desktop_only=True),
        header_cell(t("quotes.list.dates"), desktop_only=True),
        header_cell(t("quotes.list.total"), numeric=True),
        header_cell(t("common.field.status")),
    ]
    return list_table(headers, S.rows, table_row, "quote-table")


def quote_card(row: rx.Var) -> rx.Component:
    return list_card(
        row,
        S,
        "quote-card",
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.hstack(
                        rx.text(row["number"], size="1", color_scheme="gray"),
                        status_with_expiry(row),
                        spacing="2",
                        align="center",
                    ),
                    rx.link(row["name"], href=quote_href(row["id"]), weight="bold", size="3"),
                    rx.text(row["client"], size="1", color_scheme="gray"),
                    spacing="1",
                    min_width="0",
                ),
                rx.spacer(),
                row_actions(row),
                align="start",
                width="100%",
            ),
            rx.flex(
                rx.text(row["period"], size="2", color_scheme="gray"),
                rx.spacer(),
                rx.text(row["total"], size="3", weight="bold"),
                align="baseline",
                width="100%",
            ),
            spacing="2",
        ),
    )


def list_body() -> rx.Component:
    empty = message_box(
        "file-text",
        t("quotes.list.empty_title"),
        t("quotes.list.empty_text"),
        new_quote_button(),
        testid="quote-empty",
    )
    no_results = no_results_box(
        t("quotes.list.no_results_title"),
        t("quotes.list.no_results_text"),
        t("quotes.list.clear_filters"),
        S.clear_filters,
        "quote-no-results",
    )
    return list_states(
        S,
        loading_testid="quote-loading",
        empty=empty,
        no_results=no_results,
        content=rx.fragment(quotes_table(), list_cards(S.rows, quote_card)),
    )


def quotes_page() -> rx.Component:
    return list_page(
        QUOTES_PATH,
        routes.BY_PATH[QUOTES_PATH].description,
        S,
        new=new_quote_button(),
        toolbar=toolbar(),
        body=list_body(),
        dialogs=[confirm_dialog()],
    )
