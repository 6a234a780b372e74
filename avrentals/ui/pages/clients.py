"""/clients: the client list (server-side pages, search, sort) with the create / edit /
delete dialogs. Table on tablets and desktops, cards on phones."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.listing import (
    header_cell,
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
from avrentals.ui.components.listing import row_actions as list_row_actions
from avrentals.ui.i18n import t
from avrentals.ui.pages.client_dialogs import client_form_dialog, delete_dialog
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.client_delete import ClientDeleteState
from avrentals.ui.state.client_form import ClientFormState
from avrentals.ui.state.clients import CLIENTS_PATH, SORT_OPTIONS, ClientsState

S = ClientsState
CAN_WRITE = AuthState.permissions.contains("clients:write")
CAN_DELETE = AuthState.permissions.contains("clients:delete")


def detail_href(client_id: rx.Var) -> rx.Var:
    return CLIENTS_PATH + "/" + client_id


def new_client_button() -> rx.Component:
    return new_button(CAN_WRITE, t("clients.list.new"), ClientFormState.open_create, "new-client")


def row_actions(row: rx.Var) -> rx.Component:
    return list_row_actions(
        row,
        can_edit=CAN_WRITE,
        on_edit=ClientFormState.open_edit(row["id"]),
        edit_testid="edit-client",
        can_delete=CAN_DELETE,
        on_delete=ClientDeleteState.ask_delete(row["id"]),
        delete_testid="delete-client",
    )


def toolbar() -> rx.Component:
    search = search_box(
        value=S.search,
        key=S.filters_key,
        on_change=S.set_search.debounce(300),
        placeholder=t("clients.list.search_placeholder"),
        label=t("clients.list.search_label"),
        testid="client-search",
    )
    sort = rx.select.root(
        rx.select.trigger(width="100%", aria_label=t("clients.list.sort")),
        rx.select.content(
            *[rx.select.item(t(label), value=key) for key, (_s, _d, label) in SORT_OPTIONS.items()]
        ),
        value=S.sort,
        on_change=S.set_sort,
        size="2",
    )
    return rx.grid(
        search,
        rx.box(sort, custom_attrs={"data-testid": "client-sort"}, min_width="0"),
        grid_template_columns=rx.breakpoints(initial="1fr", sm="2fr 1fr"),
        gap="12px",
        width="100%",
    )


# --- table (tablet/desktop) and cards (phone) --------------------------------------------------


def table_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(
                row["name"],
                href=detail_href(row["id"]),
                weight="medium",
                custom_attrs={"data-field": "name"},
            ),
            rx.text(
                row["contact_person"], size="1", color_scheme="gray", class_name="avr-only-tablet"
            ),
        ),
        rx.table.cell(row["contact_person"], class_name="avr-col-desktop"),
        rx.table.cell(rx.text(row["email"], custom_attrs={"data-field": "email"})),
        rx.table.cell(row["phone"], class_name="avr-col-desktop", white_space="nowrap"),
        rx.table.cell(row["events"], class_name="avr-num", custom_attrs={"data-field": "events"}),
        rx.table.cell(row["value"], class_name="avr-num", custom_attrs={"data-field": "value"}),
        rx.table.cell(row_actions(row)),
        **live_attrs(row, S, "client-row"),
        align="center",
    )


def clients_table() -> rx.Component:
    headers = [
        header_cell(t("common.field.name")),
        header_cell(t("clients.field.contact_person"), desktop_only=True),
        header_cell(t("clients.field.email")),
        header_cell(t("common.field.phone"), desktop_only=True),
        header_cell(t("clients.field.events"), numeric=True),
        header_cell(t("clients.field.value"), numeric=True),
    ]
    return list_table(headers, S.rows, table_row, "client-table")


def _fact(label: str | rx.Var[str], value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="2", weight="medium"),
        spacing="0",
        min_width="0",
    )


def _contact(icon: str, value: rx.Var) -> rx.Component:
    return rx.cond(
        value != "",
        rx.hstack(
            rx.icon(icon, size=14, color="var(--gray-10)", flex_shrink="0"),
            rx.text(
                value,
                size="2",
                overflow="hidden",
                text_overflow="ellipsis",
                white_space="nowrap",
                min_width="0",
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
    )


def client_card(row: rx.Var) -> rx.Component:
    return list_card(
        row,
        S,
        "client-card",
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.link(row["name"], href=detail_href(row["id"]), weight="bold", size="3"),
                    rx.text(row["contact_person"], size="1", color_scheme="gray"),
                    spacing="1",
                    min_width="0",
                ),
                rx.spacer(),
                row_actions(row),
                align="start",
                width="100%",
            ),
            rx.grid(
                rx.vstack(
                    _contact("mail", row["email"]),
                    _contact("phone", row["phone"]),
                    spacing="1",
                    min_width="0",
                ),
                _fact(t("clients.field.events"), row["events"]),
                _fact(t("clients.field.value"), row["value"]),
                grid_template_columns="1fr auto auto",
                gap="16px",
                align_items="end",
                width="100%",
            ),
            spacing="3",
        ),
    )


def client_cards() -> rx.Component:
    return list_cards(S.rows, client_card)


def list_body() -> rx.Component:
    empty = message_box(
        "users",
        t("clients.list.empty_title"),
        t("clients.list.empty_text"),
        new_client_button(),
        testid="client-empty",
    )
    no_results = no_results_box(
        t("clients.list.no_results_title"),
        t("clients.list.no_results_text"),
        t("clients.list.clear_search"),
        S.clear_filters,
        "client-no-results",
    )
    return list_states(
        S,
        loading_testid="client-loading",
        empty=empty,
        no_results=no_results,
        content=rx.fragment(clients_table(), client_cards()),
    )


def clients_page() -> rx.Component:
    return list_page(
        CLIENTS_PATH,
        routes.BY_PATH[CLIENTS_PATH].description,
        S,
        new=new_client_button(),
        toolbar=toolbar(),
        body=list_body(),
        dialogs=[client_form_dialog(), delete_dialog()],
    )
