"""/equipment/<id>: one item with all its fields, unit counts by status, upcoming bookings,
maintenance history and audit history."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.detail import detail_actions, list_row, section, stat
from avrentals.ui.components.listing import error_callout, live_banner, message_box
from avrentals.ui.components.shell import shell
from avrentals.ui.pages.equipment import CAN_DELETE, CAN_EDIT, status_badge
from avrentals.ui.pages.equipment_dialogs import equipment_delete_dialog, equipment_form_dialog
from avrentals.ui.state.equipment_delete import EquipmentDeleteState
from avrentals.ui.state.equipment_detail import EquipmentDetailState
from avrentals.ui.state.equipment_form import EquipmentFormState

D = EquipmentDetailState


def back_link() -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon("arrow-left", size=16), rx.text("Inventory"), spacing="1"),
        href=routes.EQUIPMENT,
        size="2",
        underline="none",
    )


def _fact(label: str, value: rx.Var, key: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(
            rx.cond(value != "", value, "—"),
            size="2",
            word_break="break-word",
            custom_attrs={"data-field": key},
        ),
        spacing="0",
        min_width="0",
    )


def facts() -> rx.Component:
    i = D.item
    return rx.card(
        rx.vstack(
            rx.heading("Details", size="3", as_="h3"),
            rx.grid(
                _fact("Asset code", i["asset_code"], "asset_code"),
                _fact("Type", i["type"], "type"),
                _fact("Category", i["category"], "category"),
                _fact("Subcategory", i["subcategory"], "subcategory"),
                _fact("Location", i["location"], "location"),
                _fact("Daily rate", i["rate"], "rate"),
                _fact("Quantity", i["quantity"], "quantity"),
                _fact("Low-stock threshold", i["low_stock"], "low_stock"),
                grid_template_columns="1fr 1fr",
                gap="12px",
                width="100%",
            ),
            _fact("Description", i["description"], "description"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": "equipment-facts"},
    )


def counts() -> rx.Component:
    return rx.grid(
        stat("Good", D.counts["good"], "count-good"),
        stat("Damaged", D.counts["damaged"], "count-damaged"),
        stat("Maintenance", D.counts["maintenance"], "count-maintenance"),
        grid_template_columns="repeat(3, 1fr)",
        gap="12px",
        width="100%",
    )


def booking_row(b: rx.Var) -> rx.Component:
    return list_row(
        rx.vstack(
            rx.text(b["event_name"], weight="medium", size="2"),
            rx.text(b["period"], size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.vstack(
            rx.text(b["quantity"] + " units", size="2", weight="medium"),
            rx.badge(b["prep"], variant="soft", color_scheme="blue", radius="full"),
            spacing="1",
            align="end",
            flex_shrink="0",
        ),
        "equipment-booking",
        b["event_id"],
    )


def maintenance_row(m: rx.Var) -> rx.Component:
    return list_row(
        rx.vstack(
            rx.text(m["description"], size="2"),
            rx.text(
                m["date"] + " · " + m["technician"] + " · " + m["units"] + " unit(s)",
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.vstack(
            rx.text(m["cost"], size="2", class_name="avr-num"),
            rx.badge(m["status"], variant="soft", color_scheme="amber", radius="full"),
            spacing="1",
            align="end",
            flex_shrink="0",
        ),
        "equipment-maintenance",
        m["id"],
    )


def history_row(h: rx.Var) -> rx.Component:
    return list_row(
        rx.vstack(
            rx.text(h["action"] + " by " + h["actor"], size="2", weight="medium"),
            rx.text(h["summary"], size="1", color_scheme="gray", word_break="break-word"),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.text(h["at"], size="1", color_scheme="gray", white_space="nowrap"),
        "equipment-history",
        h["at"],
    )


def actions() -> rx.Component:
    return detail_actions(
        can_edit=CAN_EDIT,
        on_edit=EquipmentFormState.open_edit(D.detail_id),
        edit_testid="edit-equipment",
        can_delete=CAN_DELETE,
        on_delete=EquipmentDeleteState.ask_delete(D.detail_id),
        delete_testid="delete-equipment",
    )


def found() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.heading(
                D.item["name"], size="6", as_="h2", custom_attrs={"data-testid": "item-name"}
            ),
            status_badge(D.item["status"], D.item["status_label"]),
            rx.spacer(),
            actions(),
            align="center",
            gap="12px",
            wrap="wrap",
            width="100%",
        ),
        rx.grid(
            rx.vstack(counts(), facts(), spacing="3", width="100%"),
            rx.vstack(
                section(
                    "Upcoming bookings",
                    D.bookings.length(),
                    D.bookings,
                    booking_row,
                    "No upcoming bookings.",
                    "equipment-bookings",
                ),
                section(
                    "Maintenance",
                    D.maintenance.length(),
                    D.maintenance,
                    maintenance_row,
                    "No maintenance logged.",
                    "equipment-maintenance-log",
                ),
                section(
                    "History",
                    D.history.length(),
                    D.history,
                    history_row,
                    "No changes recorded.",
                    "equipment-history-log",
                ),
                spacing="3",
                width="100%",
                min_width="0",
            ),
            grid_template_columns=rx.breakpoints(initial="1fr", md="minmax(280px, 1fr) 1.4fr"),
            gap="16px",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def not_found() -> rx.Component:
    return message_box(
        "package-x",
        "Item not found",
        "There is no equipment item at this address. It may have been deleted.",
        rx.link(rx.button("Back to inventory", variant="soft"), href=routes.EQUIPMENT),
        testid="equipment-not-found",
    )


def equipment_detail_page() -> rx.Component:
    return shell(
        routes.EQUIPMENT,
        rx.vstack(
            back_link(),
            live_banner(D.live_notice, D.dismiss_notice),
            error_callout(D.error),
            rx.cond(
                ~D.loaded,
                rx.skeleton(height="240px", width="100%", loading=True),
                rx.cond(D.not_found, not_found(), found()),
            ),
            equipment_form_dialog(),
            equipment_delete_dialog(),
            spacing="4",
            width="100%",
        ),
    )
