"""/catalogue: the services and fees put on quotes, as two tabs. Each tab is a server-paged
list (search, active / inactive / all, category, sort) with new / edit dialogs and a
deactivate / reactivate confirmation; write controls only for roles that may write. Table on
tablets and desktops, cards on phones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.listing import (
    error_callout,
    header_cell,
    icon_action,
    list_card,
    list_cards,
    list_states,
    list_table,
    live_attrs,
    live_banner,
    message_box,
    new_button,
    no_results_box,
    paginator,
    search_box,
)
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.pages.catalogue_dialogs import fee_form_dialog, service_form_dialog, toggle_dialog
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.catalogue import (
    ALL_CATEGORIES,
    CATALOGUE_PATH,
    FEE_SORTS,
    SERVICE_SORTS,
    STATUS_OPTIONS,
    CatalogueToggleState,
    FeesState,
    ServicesState,
)
from avrentals.ui.state.catalogue_form import FeeFormState, ServiceFormState

CAN_WRITE_SERVICES = AuthState.permissions.contains("services:write")
CAN_WRITE_FEES = AuthState.permissions.contains("fees:write")


def _select(
    value: rx.Var,
    on_change: Any,
    items: list[rx.Component],
    label: str | rx.Var[str],
    testid: str,
) -> rx.Component:
    return rx.box(
        rx.select.root(
            rx.select.trigger(width="100%", aria_label=label),
            rx.select.content(*items),
            value=value,
            on_change=on_change,
            size="2",
        ),
        custom_attrs={"data-testid": testid},
        min_width="0",
    )


def toolbar(state: Any, kind: str, placeholder: str | rx.Var[str], sorts: dict) -> rx.Component:
    search = search_box(
        value=state.search,
        key=state.filters_key,
        on_change=state.set_search.debounce(300),
        placeholder=placeholder,
        label=t(f"catalogue.{kind}.search_label"),
        testid=f"{kind}-search",
    )
    status = _select(
        state.status,
        state.set_status,
        [rx.select.item(t(label), value=key) for key, label in STATUS_OPTIONS.items()],
        t("catalogue.filter.show"),
        f"{kind}-filter-status",
    )
    category = _select(
        state.category,
        state.set_category,
        [
            rx.select.item(t("catalogue.filter.all_categories"), value=ALL_CATEGORIES),
            rx.foreach(state.categories, lambda c: rx.select.item(c, value=c)),
        ],
        t("common.field.category"),
        f"{kind}-filter-category",
    )
    sort = _select(
        state.sort,
        state.set_sort,
        [rx.select.item(t(label), value=key) for key, (_s, _d, label) in sorts.items()],
        t("catalogue.list.sort"),
        f"{kind}-sort",
    )
    return rx.grid(
        # On a phone the search box gets its own row; the three selects share the next ones.
        rx.box(search, grid_column=rx.breakpoints(initial="1 / -1", md="auto"), min_width="0"),
        status,
        category,
        sort,
        grid_template_columns=rx.breakpoints(initial="1fr 1fr", md="2fr 1fr 1fr 1fr"),
        gap="12px",
        width="100%",
    )


def inactive_badge(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["active"] == "false",
        rx.badge(
            t("common.state.inactive"),
            color_scheme="gray",
            variant="soft",
            radius="full",
            custom_attrs={"data-testid": "inactive-badge"},
        ),
    )


def required_badge(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["required"] == "true",
        rx.badge(
            t("catalogue.fee.required"),
            color_scheme="amber",
            variant="soft",
            radius="full",
            custom_attrs={"data-testid": "required-badge"},
        ),
    )


def row_actions(row: rx.Var, kind: str, can_write: rx.Var, form: Any) -> rx.Component:
    """Edit and deactivate / reactivate, only for roles that may write."""
    T = CatalogueToggleState
    toggle = rx.cond(
        row["active"] == "true",
        icon_action(
            "archive",
            T.ask_toggle(kind, row["id"]),
            t("catalogue.row.deactivate_named", name=row["name"]),
            f"deactivate-{kind}",
            color="red",
            title=t("common.action.deactivate"),
        ),
        icon_action(
            "archive-restore",
            T.ask_toggle(kind, row["id"]),
            t("catalogue.row.reactivate_named", name=row["name"]),
            f"activate-{kind}",
            color="green",
            title=t("catalogue.row.reactivate"),
        ),
    )
    edit = icon_action(
        "pencil",
        form.open_edit(row["id"]),
        t("catalogue.row.edit_named", name=row["name"]),
        f"edit-{kind}",
        title=t("common.action.edit"),
    )
    return rx.cond(can_write, rx.hstack(edit, toggle, spacing="3", justify="end"))


def _name_cell(row: rx.Var, *badges: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(row["name"], weight="medium", custom_attrs={"data-field": "name"}),
            *badges,
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            row["description"] != "",
            rx.text(
                row["description"],
                size="1",
                color_scheme="gray",
                class_name="avr-only-desktop",
                custom_attrs={"data-field": "description"},
            ),
        ),
        spacing="1",
        min_width="0",
    )


# --- services ----------------------------------------------------------------------------------


def service_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(_name_cell(row, inactive_badge(row))),
        rx.table.cell(row["category"], custom_attrs={"data-field": "category"}),
        rx.table.cell(row["price"], class_name="avr-num", custom_attrs={"data-field": "price"}),
        rx.table.cell(row["unit"], white_space="nowrap", custom_attrs={"data-field": "unit"}),
        rx.table.cell(row_actions(row, "service", CAN_WRITE_SERVICES, ServiceFormState)),
        **live_attrs(row, ServicesState, "service-row"),
        align="center",
    )


def service_card(row: rx.Var) -> rx.Component:
    return _card(
        row,
        "service",
        ServicesState,
        ServiceFormState,
        CAN_WRITE_SERVICES,
        _name_cell(row, inactive_badge(row)),
        rx.text(row["price"], " ", row["unit"], size="2", weight="medium"),
    )


def services_panel() -> rx.Component:
    return _kind_panel(
        "service",
        ServicesState,
        ServiceFormState,
        CAN_WRITE_SERVICES,
        icon="briefcase",
        empty_text=t("catalogue.service.empty_text"),
        columns=[
            header_cell(t("catalogue.service.column")),
            header_cell(t("common.field.category")),
            header_cell(t("catalogue.field.price"), numeric=True),
            header_cell(t("catalogue.field.unit")),
        ],
        row=service_row,
        card=service_card,
        sorts=SERVICE_SORTS,
        note=t("catalogue.service.note"),
    )


# --- fees --------------------------------------------------------------------------------------


def fee_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(_name_cell(row, required_badge(row), inactive_badge(row))),
        rx.table.cell(row["category"], custom_attrs={"data-field": "category"}),
        rx.table.cell(row["type"], custom_attrs={"data-field": "type"}),
        rx.table.cell(row["amount"], class_name="avr-num", custom_attrs={"data-field": "amount"}),
        rx.table.cell(row_actions(row, "fee", CAN_WRITE_FEES, FeeFormState)),
        **live_attrs(row, FeesState, "fee-row"),
        align="center",
    )


def fee_card(row: rx.Var) -> rx.Component:
    return _card(
        row,
        "fee",
        FeesState,
        FeeFormState,
        CAN_WRITE_FEES,
        _name_cell(row, required_badge(row), inactive_badge(row)),
        rx.text(row["amount"], " ", row["basis"], size="2", weight="medium"),
    )


def fees_panel() -> rx.Component:
    return _kind_panel(
        "fee",
        FeesState,
        FeeFormState,
        CAN_WRITE_FEES,
        icon="receipt",
        empty_text=t("catalogue.fee.empty_text"),
        columns=[
            header_cell(t("catalogue.fee.column")),
            header_cell(t("common.field.category")),
            header_cell(t("catalogue.field.type")),
            header_cell(t("catalogue.field.amount"), numeric=True),
        ],
        row=fee_row,
        card=fee_card,
        sorts=FEE_SORTS,
        note=t("catalogue.fee.note"),
    )


# --- what the two tabs share -------------------------------------------------------------------


def _card(
    row: rx.Var,
    kind: str,
    state: Any,
    form: Any,
    can_write: rx.Var,
    name: rx.Component,
    value: rx.Component,
) -> rx.Component:
    """A row as a card on phones: name (with badges), the price line, the category."""
    return list_card(
        row,
        state,
        f"{kind}-card",
        rx.hstack(
            rx.vstack(
                name,
                value,
                rx.text(row["category"], size="1", color_scheme="gray"),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            row_actions(row, kind, can_write, form),
            align="start",
            width="100%",
        ),
    )


def _kind_panel(
    kind: str,
    state: Any,
    form: Any,
    can_write: rx.Var,
    *,
    icon: str,
    empty_text: str | rx.Var[str],
    columns: list[rx.Component],
    row: Callable[[rx.Var], rx.Component],
    card: Callable[[rx.Var], rx.Component],
    sorts: dict,
    note: str | rx.Var[str],
) -> rx.Component:
    """One tab: New button, toolbar, the list (table and cards) with its loading, empty and
    no-results states; test ids and texts named after `kind` ("service", "fee")."""
    S = state
    new = new_button(can_write, t(f"catalogue.{kind}.new"), form.open_create, f"new-{kind}")
    empty = message_box(
        icon, t(f"catalogue.{kind}.empty_title"), empty_text, new, testid=f"{kind}-empty"
    )
    no_results = no_results_box(
        t(f"catalogue.{kind}.no_results_title"),
        t(f"catalogue.{kind}.no_results_text"),
        t("catalogue.list.clear_filters"),
        S.clear_filters,
        f"{kind}-no-results",
    )
    table = list_table(columns, S.rows, row, f"{kind}-table")
    return _panel(
        S,
        new,
        toolbar(S, kind, t("catalogue.list.search_placeholder"), sorts),
        list_states(
            S,
            loading_testid=f"{kind}-loading",
            empty=empty,
            no_results=no_results,
            content=rx.fragment(table, list_cards(S.rows, card)),
        ),
        note,
    )


# --- the page ----------------------------------------------------------------------------------


def _panel(
    state: Any, new: rx.Component, bar: rx.Component, body: rx.Component, note: str | rx.Var[str]
) -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.text(note, size="2", color_scheme="gray", flex="1"),
            new,
            align="center",
            justify="end",
            gap="3",
            width="100%",
            wrap="wrap",
        ),
        bar,
        live_banner(state.live_notice, state.dismiss_notice),
        error_callout(state.error),
        body,
        rx.cond(state.total > 0, paginator(state)),
        spacing="4",
        width="100%",
        padding_top="16px",
    )


def catalogue_page() -> rx.Component:
    return shell(
        CATALOGUE_PATH,
        rx.vstack(
            rx.text(
                routes.BY_PATH[CATALOGUE_PATH].description,
                size="2",
                color_scheme="gray",
                display=rx.breakpoints(initial="none", sm="block"),
            ),
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger(
                        t("catalogue.tab.services"),
                        value="services",
                        custom_attrs={"data-testid": "tab-services"},
                    ),
                    rx.tabs.trigger(
                        t("catalogue.tab.fees"),
                        value="fees",
                        custom_attrs={"data-testid": "tab-fees"},
                    ),
                ),
                rx.tabs.content(services_panel(), value="services"),
                rx.tabs.content(fees_panel(), value="fees"),
                default_value="services",
                width="100%",
            ),
            service_form_dialog(),
            fee_form_dialog(),
            toggle_dialog(),
            spacing="3",
            width="100%",
        ),
    )
