"""/equipment: the inventory list (server-side pages), filters, the location editor and the
create / edit / delete dialogs (names link to the item page)."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.forms import conflict_callout, field_error
from avrentals.ui.components.listing import (
    error_callout,
    live_banner,
    loading_rows,
    message_box,
    paginator,
    search_box,
)
from avrentals.ui.components.shell import shell
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
    return rx.cond(
        CAN_EDIT,
        rx.button(
            rx.icon("plus", size=16),
            "New item",
            on_click=EquipmentFormState.open_create,
            size="2",
            custom_attrs={"data-testid": "new-equipment"},
        ),
    )


def row_actions(row: rx.Var) -> rx.Component:
    """Edit / delete icons, only for roles that may use them (the services refuse anyway)."""
    return rx.hstack(
        rx.cond(
            CAN_EDIT,
            rx.icon_button(
                rx.icon("square-pen", size=14),
                on_click=EquipmentFormState.open_edit(row["id"]),
                variant="ghost",
                color_scheme="gray",
                size="1",
                aria_label="Edit " + row["name"],
                title="Edit",
                custom_attrs={"data-testid": "edit-equipment"},
            ),
        ),
        rx.cond(
            CAN_DELETE,
            rx.icon_button(
                rx.icon("trash-2", size=14),
                on_click=EquipmentDeleteState.ask_delete(row["id"]),
                variant="ghost",
                color_scheme="red",
                size="1",
                aria_label="Delete " + row["name"],
                title="Delete",
                custom_attrs={"data-testid": "delete-equipment"},
            ),
        ),
        spacing="3",
        justify="end",
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


def _header_cell(label: str, numeric: bool = False, desktop_only: bool = False):
    classes = ["avr-num" if numeric else "", "avr-col-desktop" if desktop_only else ""]
    return rx.table.column_header_cell(
        label, class_name=" ".join(c for c in classes if c), white_space="nowrap"
    )


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
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    _header_cell("Name"),
                    _header_cell("Asset code", desktop_only=True),
                    _header_cell("Category", desktop_only=True),
                    _header_cell("Status"),
                    _header_cell("Good / total", numeric=True),
                    _header_cell("Location"),
                    _header_cell("Daily rate", numeric=True),
                    rx.table.column_header_cell("", aria_label="Actions"),
                )
            ),
            rx.table.body(rx.foreach(EquipmentState.rows, table_row)),
            variant="surface",
            size="2",
            width="100%",
        ),
        class_name="avr-only-wide",
        overflow_x="auto",
        width="100%",
        custom_attrs={"data-testid": "equipment-table"},
    )


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
    return rx.box(
        rx.vstack(rx.foreach(EquipmentState.rows, equipment_card), spacing="2", width="100%"),
        class_name="avr-only-narrow",
    )


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
    return rx.cond(
        ~EquipmentState.loaded,
        loading_rows("equipment-loading"),
        rx.cond(
            EquipmentState.total == 0,
            rx.cond(EquipmentState.has_filters, no_results(), empty_state()),
            rx.fragment(equipment_table(), equipment_cards()),
        ),
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
    return shell(
        routes.EQUIPMENT,
        rx.vstack(
            rx.flex(
                rx.text(
                    routes.BY_PATH[routes.EQUIPMENT].description,
                    size="2",
                    color_scheme="gray",
                    flex="1",
                ),
                new_item_button(),
                align="center",
                gap="3",
                width="100%",
            ),
            toolbar(),
            live_banner(EquipmentState.live_notice, EquipmentState.dismiss_notice),
            error_callout(EquipmentState.error),
            list_body(),
            rx.cond(EquipmentState.total > 0, paginator(EquipmentState)),
            edit_dialog(),
            equipment_form_dialog(),
            equipment_delete_dialog(),
            spacing="4",
            width="100%",
        ),
    )
