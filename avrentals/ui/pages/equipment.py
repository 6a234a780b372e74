"""/equipment: the inventory list (server-side pages) as a table or a grid of photo cards,
its filters, the Actions menu (export / import / labels), the location editor and the
create / edit / delete dialogs (names and cards link to the item page)."""

from __future__ import annotations

import reflex as rx

from avrentals.domain.services.categories import ICONS
from avrentals.ui import routes
from avrentals.ui.components.forms import conflict_callout, field_error
from avrentals.ui.components.inventory_actions import inventory_actions_menu
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
    status_pill,
)
from avrentals.ui.components.listing import row_actions as list_row_actions
from avrentals.ui.i18n import t
from avrentals.ui.pages.equipment_dialogs import equipment_delete_dialog, equipment_form_dialog
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.equipment import (
    ALL,
    ALL_CATEGORIES,
    SORT_OPTIONS,
    STATUS_KEYS,
    TYPE_KEYS,
    EquipmentState,
)
from avrentals.ui.state.equipment_delete import EquipmentDeleteState
from avrentals.ui.state.equipment_form import EquipmentFormState

CAN_EDIT = AuthState.permissions.contains("equipment:write")
CAN_DELETE = AuthState.permissions.contains("equipment:delete")


def detail_href(item_id: rx.Var) -> rx.Var:
    return routes.EQUIPMENT + "/" + item_id


def new_item_button() -> rx.Component:
    return new_button(
        CAN_EDIT, t("equipment.list.new_item"), EquipmentFormState.open_create, "new-equipment"
    )


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


def status_color(status: rx.Var) -> rx.Var:
    """The colour of a headline status (good green, damaged red, maintenance amber)."""
    return rx.match(status, ("good", "green"), ("damaged", "red"), ("maintenance", "amber"), "gray")


def category_icon(name: rx.Var, size: int = 18) -> rx.Component:
    """A category's Lucide icon from the service's allow-list by (variable) name."""
    return rx.match(
        name, *[(icon, rx.icon(icon, size=size)) for icon in ICONS], rx.icon("package", size=size)
    )


def status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    colors = {"good": "green", "damaged": "red", "maintenance": "amber"}
    return status_pill(status, label, colors)


def edit_button(row: rx.Var) -> rx.Component:
    return rx.cond(
        CAN_EDIT,
        rx.icon_button(
            rx.icon("pencil", size=14),
            on_click=EquipmentState.open_edit(row["id"]),
            variant="ghost",
            color_scheme="gray",
            size="1",
            aria_label=t("equipment.location.change"),
            title=t("equipment.location.change"),
            custom_attrs={"data-testid": "edit-location"},
        ),
    )


# --- toolbar ----------------------------------------------------------------------------------


def _select(
    items: list[rx.Component],
    value: rx.Var,
    on_change,
    label: str | rx.Var[str],
    testid: str,
    disabled: rx.Var | bool = False,
) -> rx.Component:
    return rx.box(
        rx.select.root(
            rx.select.trigger(width="100%", aria_label=label),
            rx.select.content(*items),
            value=value,
            on_change=on_change,
            disabled=disabled,
            size="2",
        ),
        custom_attrs={"data-testid": testid},
        min_width="0",
    )


def view_switch() -> rx.Component:
    """Table / grid, remembered in this browser."""
    return rx.segmented_control.root(
        rx.segmented_control.item(
            rx.icon("table-2", size=16),
            value="table",
            aria_label=t("equipment.list.table_view"),
            title=t("equipment.list.table_view"),
            custom_attrs={"data-testid": "view-table"},
        ),
        rx.segmented_control.item(
            rx.icon("layout-grid", size=16),
            value="grid",
            aria_label=t("equipment.list.grid_view"),
            title=t("equipment.list.grid_view"),
            custom_attrs={"data-testid": "view-grid"},
        ),
        value=EquipmentState.view_value,
        on_change=EquipmentState.set_view,
        size="2",
        flex_shrink="0",
        custom_attrs={"data-testid": "view-switch"},
    )


def location_filter() -> rx.Component:
    """Free text ("starts with", like the API) with the locations in use as suggestions."""
    return rx.box(
        rx.input(
            rx.input.slot(rx.icon("map-pin", size=14)),
            placeholder=t("common.field.location"),
            default_value=EquipmentState.location,
            key=EquipmentState.filters_key,
            on_change=EquipmentState.set_location.debounce(400),
            max_length=100,
            size="2",
            width="100%",
            aria_label=t("equipment.filter.location_starts"),
            custom_attrs={"list": "equipment-locations", "data-testid": "location-filter"},
        ),
        rx.el.datalist(
            rx.foreach(EquipmentState.locations, lambda loc: rx.el.option(value=loc)),
            id="equipment-locations",
        ),
        min_width="0",
    )


def filters() -> rx.Component:
    category = _select(
        [
            rx.select.item(t("equipment.filter.all_categories"), value=ALL_CATEGORIES),
            rx.select.separator(),
            rx.foreach(
                EquipmentState.categories, lambda c: rx.select.item(c["name"], value=c["id"])
            ),
        ],
        EquipmentState.category,
        EquipmentState.set_category,
        t("common.field.category"),
        "category-filter",
    )
    subcategory = _select(
        [
            rx.select.item(t("equipment.filter.all_subcategories"), value=ALL),
            rx.select.separator(),
            rx.foreach(
                EquipmentState.subcategories, lambda c: rx.select.item(c["name"], value=c["id"])
            ),
        ],
        EquipmentState.subcategory,
        EquipmentState.set_subcategory,
        t("equipment.field.subcategory"),
        "subcategory-filter",
        disabled=EquipmentState.subcategory_disabled,
    )
    status = _select(
        [
            rx.select.item(t("equipment.filter.any_status"), value=ALL),
            rx.select.separator(),
            *[rx.select.item(t(label), value=key) for key, label in STATUS_KEYS.items()],
        ],
        EquipmentState.status,
        EquipmentState.set_status,
        t("common.field.status"),
        "status-filter",
    )
    item_type = _select(
        [
            rx.select.item(t("equipment.filter.all_types"), value=ALL),
            rx.select.separator(),
            *[rx.select.item(t(label), value=key) for key, label in TYPE_KEYS.items()],
        ],
        EquipmentState.item_type,
        EquipmentState.set_item_type,
        t("equipment.field.type"),
        "type-filter",
    )
    sort = _select(
        [rx.select.item(t(label), value=key) for key, (_s, _d, label) in SORT_OPTIONS.items()],
        EquipmentState.sort,
        EquipmentState.set_sort,
        t("equipment.filter.sort"),
        "sort",
    )
    return rx.grid(
        category,
        subcategory,
        status,
        item_type,
        location_filter(),
        sort,
        grid_template_columns=rx.breakpoints(
            initial="repeat(2, minmax(0, 1fr))",
            sm="repeat(3, minmax(0, 1fr))",
            lg="repeat(6, minmax(0, 1fr))",
        ),
        gap="8px",
        width="100%",
        # Folded away on a phone until asked for; always shown from tablet width up.
        display=rx.breakpoints(
            initial=rx.cond(EquipmentState.filters_open, "grid", "none"),  # i18n: not text
            sm="grid",
        ),
        custom_attrs={"data-testid": "equipment-filters"},
    )


def filters_toggle() -> rx.Component:
    """The phone's "Filters" button, with how many are set."""
    return rx.button(
        rx.icon("sliders-horizontal", size=16),
        rx.cond(EquipmentState.filter_count > 0, EquipmentState.filter_count.to_string(), ""),
        on_click=EquipmentState.toggle_filters,
        variant=rx.cond(EquipmentState.filter_count > 0, "soft", "surface"),  # i18n: not text
        color_scheme="gray",
        size="2",
        flex_shrink="0",
        aria_label=t("equipment.filter.filters"),
        aria_expanded=EquipmentState.filters_open,
        display=rx.breakpoints(initial="inline-flex", sm="none"),
        custom_attrs={"data-testid": "filters-toggle"},
    )


def toolbar() -> rx.Component:
    search = search_box(
        value=EquipmentState.search,
        key=EquipmentState.filters_key,
        on_change=EquipmentState.set_search.debounce(300),
        placeholder=t("equipment.list.search_placeholder"),
        label=t("equipment.list.search_label"),
        testid="equipment-search",
    )
    clear = rx.cond(
        EquipmentState.has_filters,
        rx.button(
            rx.icon("filter-x", size=16),
            rx.text(
                t("equipment.filter.clear"), display=rx.breakpoints(initial="none", sm="inline")
            ),
            on_click=EquipmentState.clear_filters,
            variant="ghost",
            color_scheme="gray",
            size="2",
            aria_label=t("equipment.filter.clear"),
            flex_shrink="0",
            custom_attrs={"data-testid": "clear-filters"},
        ),
    )
    return rx.vstack(
        rx.flex(
            rx.box(search, flex="1", min_width="0"),
            clear,
            filters_toggle(),
            view_switch(),
            align="center",
            gap="8px",
            width="100%",
        ),
        filters(),
        spacing="2",
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
        rx.table.cell(status_badge(row["status"], t(row["status_label"]))),
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
        **live_attrs(row, EquipmentState, "equipment-row"),
        align="center",
    )


def equipment_table() -> rx.Component:
    headers = [
        header_cell(t("common.field.name")),
        header_cell(t("equipment.field.asset_code"), desktop_only=True),
        header_cell(t("common.field.category"), desktop_only=True),
        header_cell(t("common.field.status")),
        header_cell(t("equipment.list.good_total"), numeric=True),
        header_cell(t("common.field.location")),
        header_cell(t("equipment.field.daily_rate"), numeric=True),
    ]
    return list_table(headers, EquipmentState.rows, table_row, "equipment-table")


def _fact(label: str | rx.Var[str], value: rx.Component | rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        value if isinstance(value, rx.Component) else rx.text(value, size="2"),
        spacing="0",
        min_width="0",
    )


def equipment_card(row: rx.Var) -> rx.Component:
    return list_card(
        row,
        EquipmentState,
        "equipment-card",
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
                status_badge(row["status"], t(row["status_label"])),
                row_actions(row),
                align="start",
                width="100%",
            ),
            rx.grid(
                _fact(t("equipment.list.good_total"), row["qty"]),
                _fact(t("equipment.field.daily_rate"), row["rate"]),
                _fact(
                    t("common.field.location"),
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
    )


def equipment_cards() -> rx.Component:
    return list_cards(EquipmentState.rows, equipment_card)


# --- grid: photo cards ------------------------------------------------------------------------


def thumbnail(row: rx.Var) -> rx.Component:
    """The item's thumbnail, or its category's icon when it has no photo."""
    return rx.box(
        rx.cond(
            row["thumb"] != "",
            rx.image(
                src=row["thumb"],
                alt=row["name"],
                loading="lazy",
                width="100%",
                height="100%",
                object_fit="cover",
                custom_attrs={"data-testid": "tile-photo"},
            ),
            rx.center(
                category_icon(row["icon"], size=40),
                width="100%",
                height="100%",
                color="var(--gray-9)",
                custom_attrs={"data-testid": "tile-placeholder"},
            ),
        ),
        aspect_ratio=rx.breakpoints(initial="2 / 1", xs="4 / 3"),
        width="100%",
        background="var(--gray-a3)",
        overflow="hidden",
    )


def equipment_tile(row: rx.Var) -> rx.Component:
    color = status_color(row["status"])
    category_line = rx.cond(
        row["subcategory"] != "", row["category"] + " · " + row["subcategory"], row["category"]
    )
    return rx.card(
        rx.link(
            rx.vstack(
                rx.inset(thumbnail(row), side="top", clip="padding-box", pb="current"),
                rx.text(
                    row["name"],
                    weight="bold",
                    size="2",
                    style={
                        "display": "-webkit-box",
                        "-webkit-line-clamp": "2",
                        "-webkit-box-orient": "vertical",
                        "overflow": "hidden",
                    },
                    custom_attrs={"data-field": "name"},
                ),
                rx.text(category_line, size="1", color_scheme="gray", trim="both", truncate=True),
                rx.hstack(
                    rx.text(
                        row["asset_code"], size="1", class_name="avr-mono", color_scheme="gray"
                    ),
                    rx.spacer(),
                    rx.badge(
                        row["qty"],
                        color_scheme=color,
                        variant="soft",
                        radius="full",
                        title=t("equipment.grid.qty_title", status=t(row["status_label"])),
                        custom_attrs={"data-field": "qty"},
                    ),
                    align="center",
                    width="100%",
                ),
                rx.hstack(
                    rx.hstack(
                        rx.icon("map-pin", size=12, flex_shrink="0"),
                        rx.text(
                            row["location"],
                            size="1",
                            white_space="nowrap",
                            overflow="hidden",
                            text_overflow="ellipsis",
                            min_width="0",
                        ),
                        align="center",
                        spacing="1",
                        color="var(--gray-11)",
                        flex="1",
                        min_width="0",
                        title=row["location"],
                    ),
                    rx.text(
                        row["rate"],
                        size="2",
                        weight="medium",
                        white_space="nowrap",
                        custom_attrs={"data-field": "rate"},
                    ),
                    align="center",
                    width="100%",
                ),
                spacing="2",
                align="stretch",
                width="100%",
            ),
            href=detail_href(row["id"]),
            underline="none",
            color="inherit",
            high_contrast=True,
            display="block",
            aria_label=row["name"],
        ),
        size="2",
        **live_attrs(row, EquipmentState, "equipment-tile"),
        min_width="0",
        _hover={"box_shadow": "var(--shadow-3)"},
    )


def equipment_grid() -> rx.Component:
    return rx.grid(
        rx.foreach(EquipmentState.rows, equipment_tile),
        grid_template_columns=rx.breakpoints(
            initial="minmax(0, 1fr)",
            xs="repeat(2, minmax(0, 1fr))",
            sm="repeat(3, minmax(0, 1fr))",
            lg="repeat(4, minmax(0, 1fr))",
            xl="repeat(5, minmax(0, 1fr))",
        ),
        gap="12px",
        width="100%",
        custom_attrs={"data-testid": "equipment-grid"},
    )


# --- states: loading, empty, no results, error -------------------------------------------------


def empty_state() -> rx.Component:
    return message_box(
        "package-open",
        t("equipment.list.empty_title"),
        t("equipment.list.empty_text"),
        testid="equipment-empty",
    )


def no_results() -> rx.Component:
    return no_results_box(
        t("equipment.list.no_results_title"),
        t("equipment.list.no_results_text"),
        t("equipment.filter.clear"),
        EquipmentState.clear_filters,
        "equipment-no-results",
        icon="package-search",
        clear_icon="filter-x",
    )


def list_body() -> rx.Component:
    return list_states(
        EquipmentState,
        loading_testid="equipment-loading",
        empty=empty_state(),
        no_results=no_results(),
        content=rx.cond(
            EquipmentState.grid_view,
            equipment_grid(),
            rx.fragment(equipment_table(), equipment_cards()),
        ),
    )


# --- edit dialog ----------------------------------------------------------------------------


def edit_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("equipment.location.change")),
            rx.dialog.description(
                EquipmentState.edit_name + " · " + EquipmentState.edit_asset_code,
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            conflict_callout(EquipmentState.edit_conflict),
            rx.form(
                rx.vstack(
                    rx.text(
                        t("common.field.location"),
                        as_="label",
                        size="2",
                        weight="medium",
                        html_for="loc",
                    ),
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
                            rx.button(
                                t("common.action.cancel"),
                                variant="soft",
                                color_scheme="gray",
                                type="button",
                            )
                        ),
                        rx.button(
                            rx.cond(
                                EquipmentState.edit_overwrite,
                                t("equipment.location.save_anyway"),
                                t("common.action.save"),
                            ),
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
        new=rx.hstack(inventory_actions_menu(), new_item_button(), spacing="2", align="center"),
        toolbar=toolbar(),
        body=list_body(),
        dialogs=[edit_dialog(), equipment_form_dialog(), equipment_delete_dialog()],
    )
