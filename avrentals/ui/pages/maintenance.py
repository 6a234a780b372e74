"""/maintenance: the items with damaged or in-maintenance units (or an open log) as cards with
their counts, location and open logs; "Log repair", "Raise request" and "History" per item, a
header "Raise request" with an item picker, and closing a log after confirmation. Write
controls only for roles with `maintenance:write` (the services refuse anyway)."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.listing import (
    list_page,
    list_states,
    live_attrs,
    message_box,
    new_button,
    no_results_box,
    search_box,
    status_pill,
)
from avrentals.ui.i18n import t
from avrentals.ui.pages.maintenance_dialogs import (
    CAN_WRITE,
    close_log_dialog,
    history_dialog,
    log_edit_dialog,
    log_entry,
    maintenance_form_dialog,
)
from avrentals.ui.state.maintenance import ALL_CATEGORIES, MAINTENANCE_PATH, MaintenanceState
from avrentals.ui.state.maintenance_form import MaintenanceFormState

S = MaintenanceState
F = MaintenanceFormState
STATUS_COLORS = {"good": "green", "damaged": "red", "maintenance": "amber"}


def raise_button() -> rx.Component:
    return new_button(
        CAN_WRITE, t("maintenance.action.raise_request"), F.open_request(""), "new-request"
    )


def toolbar() -> rx.Component:
    search = search_box(
        value=S.search,
        key=S.filters_key,
        on_change=S.set_search.debounce(300),
        placeholder=t("maintenance.list.search_placeholder"),
        label=t("maintenance.list.search_label"),
        testid="maintenance-search",
    )
    category = rx.select.root(
        rx.select.trigger(width="100%", aria_label=t("common.field.category")),
        rx.select.content(
            rx.select.item(t("maintenance.list.all_categories"), value=ALL_CATEGORIES),
            rx.foreach(S.categories, lambda c: rx.select.item(c["name"], value=c["id"])),
        ),
        value=S.category,
        on_change=S.set_category,
        size="2",
    )
    return rx.grid(
        search,
        rx.box(category, custom_attrs={"data-testid": "maintenance-category"}, min_width="0"),
        grid_template_columns=rx.breakpoints(initial="1fr", sm="2fr 1fr"),
        gap="12px",
        width="100%",
    )


def count(label: str | rx.Var[str], value: rx.Var, color: str, field: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(
            value,
            size="5",
            weight="bold",
            color=rx.cond(value == "0", "var(--gray-11)", f"var(--{color}-11)"),  # i18n: not text
            custom_attrs={"data-field": field},
        ),
        spacing="0",
        align="center",
        padding="6px 4px",
        border_radius="var(--radius-3)",
        background="var(--gray-a2)",
        width="100%",
    )


def history_button(row: rx.Var) -> rx.Component:
    return rx.button(
        rx.icon("history", size=14),
        t("maintenance.action.history"),
        on_click=S.open_history(row["id"]),
        variant="ghost",
        color_scheme="gray",
        size="1",
        aria_label=t("maintenance.action.history_of", name=row["name"]),
        custom_attrs={"data-testid": "item-history"},
    )


def card_actions(row: rx.Var) -> rx.Component:
    """Raise request / Log repair, for roles that may write (disabled without units)."""
    return rx.cond(
        CAN_WRITE,
        rx.flex(
            rx.button(
                rx.icon("wrench", size=16),
                t("maintenance.action.raise_request"),
                on_click=F.open_request(row["id"]),
                variant="soft",
                color_scheme="gray",
                size="2",
                disabled=row["good"] == "0",
                custom_attrs={"data-testid": "raise-request"},
            ),
            rx.button(
                rx.icon("hammer", size=16),
                t("maintenance.action.log_repair"),
                on_click=F.open_repair(row["id"]),
                size="2",
                disabled=(row["damaged"] == "0") & (row["maintenance"] == "0"),
                custom_attrs={"data-testid": "log-repair"},
            ),
            gap="2",
            justify="end",
            width="100%",
        ),
    )


def item_card(row: rx.Var) -> rx.Component:
    logs = S.open_logs[row["id"]]
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.link(
                        row["name"],
                        href=routes.EQUIPMENT + "/" + row["id"],
                        weight="bold",
                        size="3",
                        custom_attrs={"data-field": "name"},
                    ),
                    rx.text(
                        row["asset_code"] + " · " + row["category"],
                        size="1",
                        color_scheme="gray",
                    ),
                    rx.hstack(
                        rx.icon("map-pin", size=12, color="var(--gray-10)"),
                        rx.text(row["location"], size="1", color_scheme="gray"),
                        spacing="1",
                        align="center",
                    ),
                    spacing="1",
                    min_width="0",
                ),
                rx.vstack(
                    status_pill(row["status"], t(row["status_label"]), STATUS_COLORS),
                    history_button(row),
                    spacing="2",
                    align="end",
                    flex_shrink="0",
                ),
                justify="between",
                align="start",
                gap="3",
                width="100%",
            ),
            rx.grid(
                count(t("maintenance.status.good"), row["good"], "green", "good"),
                count(t("maintenance.status.damaged"), row["damaged"], "red", "damaged"),
                count(
                    t("maintenance.status.maintenance"), row["maintenance"], "amber", "maintenance"
                ),
                grid_template_columns="repeat(3, 1fr)",
                gap="8px",
                width="100%",
            ),
            rx.cond(
                logs.length() > 0,
                rx.vstack(
                    rx.text(
                        t("maintenance.list.open_logs"),
                        size="1",
                        weight="medium",
                        color_scheme="gray",
                    ),
                    rx.foreach(logs, lambda log: log_entry(log, closable=True)),
                    spacing="0",
                    width="100%",
                ),
                rx.text(t("maintenance.list.no_open_logs"), size="1", color_scheme="gray"),
            ),
            card_actions(row),
            spacing="3",
            width="100%",
        ),
        **live_attrs(row, S, "maintenance-item"),
        size="2",
        width="100%",
    )


def list_body() -> rx.Component:
    empty = message_box(
        "circle-check",
        t("maintenance.list.empty_title"),
        t("maintenance.list.empty_text"),
        raise_button(),
        testid="maintenance-empty",
    )
    no_results = no_results_box(
        t("maintenance.list.no_results_title"),
        t("maintenance.list.no_results_text"),
        t("maintenance.list.clear_filters"),
        S.clear_filters,
        "maintenance-no-results",
    )
    content = rx.grid(
        rx.foreach(S.rows, item_card),
        grid_template_columns=rx.breakpoints(initial="1fr", lg="1fr 1fr"),
        gap="12px",
        width="100%",
        custom_attrs={"data-testid": "maintenance-list"},
    )
    return list_states(
        S,
        loading_testid="maintenance-loading",
        empty=empty,
        no_results=no_results,
        content=content,
    )


def maintenance_page() -> rx.Component:
    return list_page(
        MAINTENANCE_PATH,
        routes.BY_PATH[MAINTENANCE_PATH].description,
        S,
        new=raise_button(),
        toolbar=toolbar(),
        body=list_body(),
        dialogs=[
            maintenance_form_dialog(),
            close_log_dialog(),
            history_dialog(),
            log_edit_dialog(),
        ],
    )
