"""/equipment: the inventory list (server-side pages), filters, the location editor and the
create / edit / delete dialogs (names link to the item page)."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.forms import conflict_callout, field_error
from avrentals.ui.components.listing import (
    header_cell,
    list_cards,
    list_page,
    list_states,
    list_table,
    message_box,
    new_button,
    search_box,
)
from avrentals.ui.components.listing import row_actions as list_row_actions
from avrentals.ui.pages.equipment_dialogs import equipment_delete_dialog, equipment_form_dialog
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.equipment import ALL_CATEGORIES, SORT_OPTIONS, EquipmentState
from avrentals.ui.state.equipment_delete import EquipmentDeleteState
from avrentals.ui.state.equipment_form import EquipmentFormState

CAN_EDIT = AuthState.permissions.contains("equipment:write")
CAN_DELETE = AuthState.permissions.contains("equipment:delete")


def detail_href(item_id: rx.Var) -> rx.Var:
    return routes.EQUIPMENT + "/" + item_id


def new_item_button() -> rx.Component:
    return new_button(CAN_EDIT, "New item", EquipmentFormState.open_create, "new-equipment")


def row_actions(row: rx.Var) -> rx.Component:
    return list_row_actions(
        row,
        can_edit=CAN_EDIT,
        on_edit=EquipmentFormState.open_edit(row["id"]),
        edit_testid="edit-equipment",
        can_delete=CAN_DELETE,
        on_delete=EquipmentDeleteState.ask_delete(row["id"]),
        delete_testid="delete-equipment",
        edit_icon="square-pen",
    )


def status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    def badge(color: str) -> rx.Component:
        return rx.badge(label, color_scheme=color, variant="soft", radius="full")

    return rx.match(
        status,
        ("good", badge("green")),
        ("damaged", badge("red")),
        ("maintenance", badge("amber")),
        badge("gray"),
    )


def edit_button(row: rx.Var) -> rx.Component:
    return rx.cond(
        CAN_EDIT,
        rx.icon_button(
            rx.icon("pencil", size=14),
            on_click=EquipmentState.open_edit(row["id"]),
            variant="ghost",
            color_scheme="gray",
            size="1",
            aria_label="Change location",
            title="Change location",
            custom_attrs={"data-testid": "edit-location"},
        ),
    )


# --- toolbar ----------------------------------------------------------------------------------


def toolbar() -> rx.Component:
    search = search_box(
        value=EquipmentState.search,
        key=EquipmentState.filters_key,
        on_change=EquipmentState.set_search.debounce(300),
        placeholder="Search name, description or asset code",
        label="Search equipment",
        testid="equipment-search",
    )
    category = rx.select.root(
        rx.select.trigger(placeholder="All categories", width="100%"),
        rx.select.content(
            rx.select.item("All categories", value=ALL_CATEGORIES),
            rx.select.separator(),
            rx.foreach(
                EquipmentState.categories,
                lambda c: rx.select.item(c["name"], value=c["id"]),
            ),
        ),
        value=EquipmentState.category,
        on_change=EquipmentState.set_category,
        size="2",
    )
    sort = rx.select.root(
        rx.select.trigger(width="100%", aria_label="Sort"),
        rx.select.content(
            *[rx.select.item(label, value=key) for key, (_s, _d, label) in SORT_OPTIONS.items()]
        ),
        value=EquipmentState.sort,
        on_change=EquipmentState.set_sort,
        size="2",
    )
    return rx.grid(
        rx.box(search, grid_column=rx.breakpoints(initial="1 / -1", sm="auto")),
        rx.box(category, custom_attrs={"data-testid": "category-filter"}, min_width="0"),
        rx.box(sort, custom_attrs={"data-testid": "sort"}, min_width="0"),
        grid_template_columns=rx.breakpoints(initial="1fr 1fr", sm="2fr 1fr 1fr"),
        gap="12px",
        width="100%",
    )


# --- list: table (tablet/desktop) and cards (phone) ------------------------------------------


def table_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.text(
                rx.link(
                    row["name"], href=detail_href(row["id"]), custom_attrs={"data-field": "name"}
                ),
                weight="medium",
            ),
            rx.text(
                row["subcategory"], size="1", color_scheme="gray", class_name="avr-only-desktop"
            ),
            rx.text(
                row["asset_code"] + " · " + row["category"],
                size="1",
                color_scheme="gray",
                class_name="avr-only-tablet avr-mono",
            ),
        ),
        rx.table.cell(
            rx.text(row["asset_code"], class_name="avr-mono", color_scheme="gray"),
            class_name="avr-col-desktop",
        ),
        rx.table.cell(row["category"], class_name="avr-col-desktop"),
        rx.table.cell(status_badge(row["status"], row["status_label"])),
        rx.table.cell(row["qty"], class_name="avr-num"),
        rx.table.cell(
            rx.hstack(
                rx.text(row["location"], custom_attrs={"data-field": "location"}),
                edit_button(row),
                align="center",
                spacing="2",
            ),
            white_space="nowrap",
        ),
        rx.table.cell(row["rate"], class_name="avr-num", custom_attrs={"data-field": "rate"}),
        rx.table.cell(row_actions(row), white_space="nowrap"),
        class_name=rx.cond(row["id"] == EquipmentState.live_item_id, "avr-row-live", ""),
        custom_attrs={"data-id": row["id"], "data-testid": "equipment-row"},
        align="center",
    )


def equipment_table() -> rx.Component:
    headers = [
        header_cell("Name"),
        header_cell("Asset code", desktop_only=True),
        header_cell("Category", desktop_only=True),
        header_cell("Status"),
        header_cell("Good / total", numeric=True),
        header_cell("Location"),
        header_cell("Daily rate", numeric=True),
    ]
    return list_table(headers, EquipmentState.rows, table_row, "equipment-table")


def _fact(label: str, value: rx.Component | rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        value if isinstance(value, rx.Component) else rx.text(value, size="2"),
        spacing="0",
        min_width="0",
    )


def equipment_card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.link(row["name"], href=detail_href(row["id"]), weight="bold", size="3"),
                    rx.text(
                        row["asset_code"] + " · " + row["category"],
                        size="1",
                        color_scheme="gray",
                        class_name="avr-mono",
                    ),
                    spacing="1",
                    min_width="0",
                ),
                rx.spacer(),
                status_badge(row["status"], row["status_label"]),
                row_actions(row),
                align="start",
                width="100%",
            ),
            rx.grid(
                _fact("Good / total", row["qty"]),
                _fact("Daily rate", row["rate"]),
                _fact(
                    "Location",
                    rx.hstack(
                        rx.text(row["location"], size="2", custom_attrs={"data-field": "location"}),
                        edit_button(row),
                        align="center",
                        spacing="1",
                    ),
                ),
                grid_template_columns="0.9fr 0.9fr 1.4fr",
                gap="12px",
                width="100%",
            ),
            spacing="3",
        ),
        class_name=rx.cond(row["id"] == EquipmentState.live_item_id, "avr-row-live", ""),
        custom_attrs={"data-id": row["id"], "data-testid": "equipment-card"},
        size="2",
        width="100%",
    )


def equipment_cards() -> rx.Component:
    return list_cards(EquipmentState.rows, equipment_card)


# --- states: loading, empty, no results, error -------------------------------------------------


def empty_state() -> rx.Component:
    return message_box(
        "package-open",
        "No equipment yet",
        "Items added to the inventory will appear here with their stock, location and rate.",
        testid="equipment-empty",
    )


def no_results() -> rx.Component:
    return message_box(
        "package-search",
        "No items match your filters",
        "Try another search term or category.",
        rx.button(
            rx.icon("filter-x", size=16),
            "Clear filters",
            variant="soft",
            on_click=EquipmentState.clear_filters,
        ),
        testid="equipment-no-results",
    )


def list_body() -> rx.Component:
    return list_states(
        EquipmentState,
        loading_testid="equipment-loading",
        empty=empty_state(),
        no_results=no_results(),
        content=rx.fragment(equipment_table(), equipment_cards()),
    )


# --- edit dialog ----------------------------------------------------------------------------


def edit_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Change location"),
            rx.dialog.description(
                EquipmentState.edit_name + " · " + EquipmentState.edit_asset_code,
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            conflict_callout(EquipmentState.edit_conflict),
            rx.form(
                rx.vstack(
                    rx.text("Location", as_="label", size="2", weight="medium", html_for="loc"),
                    rx.input(
                        id="loc",
                        name="location",
                        default_value=EquipmentState.edit_location,
                        auto_focus=True,
                        max_length=200,
                        size="3",
                        width="100%",
                        custom_attrs={"data-testid": "location-input"},
                    ),
                    field_error(EquipmentState.edit_error, "location-error"),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(
                            rx.cond(EquipmentState.edit_overwrite, "Save anyway", "Save"),
                            type="submit",
                            loading=EquipmentState.saving,
                            custom_attrs={"data-testid": "save-location"},
                        ),
                        justify="end",
                        spacing="3",
                        width="100%",
                        margin_top="12px",
                    ),
                    spacing="2",
                    width="100%",
                ),
                on_submit=EquipmentState.save_location,
                reset_on_submit=False,
            ),
            max_width="440px",
        ),
        open=EquipmentState.edit_open,
        on_open_change=EquipmentState.set_edit_open,
    )


def equipment_page() -> rx.Component:
    return list_page(
        routes.EQUIPMENT,
        routes.BY_PATH[routes.EQUIPMENT].description,
        EquipmentState,
        new=new_item_button(),
        toolbar=toolbar(),
        body=list_body(),
        dialogs=[edit_dialog(), equipment_form_dialog(), equipment_delete_dialog()],
    )
