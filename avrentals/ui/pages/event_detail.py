"""/events/<id>: one event: status, client link, dates with buffers, assigned user, notes, and
its equipment (item link, category, quantity with inline edit, prep status, remove), plus the
add-equipment dialog with the live availability figure."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.detail import back_link as shared_back_link
from avrentals.ui.components.detail import detail_actions, detail_page, icon_fact, not_found_box
from avrentals.ui.components.forms import field_error
from avrentals.ui.components.listing import icon_action, status_pill
from avrentals.ui.i18n import t
from avrentals.ui.pages.event_dialogs import (
    add_equipment_dialog,
    event_dialogs,
    remove_line_dialog,
    rental_conflict_box,
)
from avrentals.ui.pages.events import CAN_DELETE, CAN_DUPLICATE, CAN_WRITE, status_badge
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.event_detail import EventDetailState
from avrentals.ui.state.event_form import EventDeleteState, EventDuplicateState, EventFormState
from avrentals.ui.state.event_rentals import EventRentalsState
from avrentals.ui.state.events import EVENTS_PATH

E = EventDetailState
R = EventRentalsState
CAN_BOOK = AuthState.permissions.contains("rentals:write")
CAN_REMOVE = AuthState.permissions.contains("rentals:delete")
# The category gets its own column from tablets up; on phones it sits under the item name.
WIDE_CELL = rx.breakpoints(initial="none", sm="table-cell")
NARROW_ONLY = rx.breakpoints(initial="block", sm="none")


def back_link() -> rx.Component:
    return shared_back_link(t("events.detail.back"), EVENTS_PATH)


def prep_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    """`label` is the catalogue key of the prep status's label (`PREP_LABELS`)."""
    colors = {"checked-out": "amber", "checked-in": "green"}
    return status_pill(status, t(label), colors, "prep-status")


def _fact(icon: str, label: str | rx.Var[str], value: rx.Component, testid: str) -> rx.Component:
    return icon_fact(icon, label, value, {"data-testid": testid})


def info_card() -> rx.Component:
    ev = E.event
    return rx.card(
        rx.vstack(
            rx.heading(t("events.detail.details"), size="3", as_="h3"),
            _fact(
                "building-2",
                t("common.field.client"),
                rx.link(ev["client"], href=routes.CLIENTS + "/" + ev["client_id"]),
                "fact-client",
            ),
            _fact("map-pin", t("common.field.location"), rx.text(ev["location"]), "fact-location"),
            _fact(
                "calendar",
                t("events.list.col_dates"),
                rx.vstack(
                    rx.text(ev["period"]),
                    rx.cond(
                        ev["blocked"] != "",
                        rx.text(ev["blocked"], size="1", color_scheme="gray"),
                    ),
                    spacing="0",
                ),
                "fact-dates",
            ),
            _fact(
                "user",
                t("events.field.assigned_to"),
                rx.text(rx.cond(ev["assigned"] != "", ev["assigned"], t("events.detail.nobody"))),
                "fact-assigned",
            ),
            rx.cond(
                ev["quote_id"] != "",
                _fact(
                    "file-text",
                    t("events.detail.from_quote"),
                    rx.link(ev["quote_label"], href=routes.QUOTES + "/" + ev["quote_id"]),
                    "fact-quote",
                ),
            ),
            rx.cond(
                ev["notes"] != "",
                _fact("sticky-note", t("common.field.notes"), rx.text(ev["notes"]), "fact-notes"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def qty_cell(r: rx.Var) -> rx.Component:
    editing = R.qty_edit_id == r["id"]
    return rx.cond(
        editing,
        rx.form(
            rx.hstack(
                rx.input(
                    name="quantity",
                    default_value=R.qty_edit_value,
                    type="text",
                    input_mode="numeric",
                    max_length=7,
                    width="72px",
                    size="1",
                    auto_focus=True,
                    aria_label=t("common.field.quantity"),
                    custom_attrs={"data-testid": "qty-input"},
                ),
                rx.icon_button(
                    rx.icon("check", size=14),
                    type="submit",
                    size="1",
                    loading=R.qty_saving,
                    aria_label=t("events.qty.save"),
                    custom_attrs={"data-testid": "qty-save"},
                ),
                rx.icon_button(
                    rx.icon("x", size=14),
                    type="button",
                    on_click=R.cancel_qty_edit,
                    variant="soft",
                    color_scheme="gray",
                    size="1",
                    aria_label=t("common.action.cancel"),
                ),
                spacing="1",
                justify="end",
            ),
            on_submit=R.save_qty,
            reset_on_submit=False,
        ),
        rx.hstack(
            rx.text(r["quantity"], weight="medium", custom_attrs={"data-field": "quantity"}),
            rx.cond(
                CAN_BOOK,
                icon_action(
                    "pencil",
                    R.start_qty_edit(r["id"]),
                    t("events.qty.change_aria", name=r["name"]),
                    "edit-qty",
                    icon_size=12,
                ),
            ),
            spacing="2",
            justify="end",
            align="center",
        ),
    )


def remove_button(r: rx.Var) -> rx.Component:
    return rx.cond(
        CAN_REMOVE,
        rx.icon_button(
            rx.icon("trash-2", size=14),
            on_click=R.ask_remove(r["id"]),
            variant="ghost",
            color_scheme="red",
            size="1",
            aria_label=t("events.remove.aria", name=r["name"]),
            custom_attrs={"data-testid": "remove-line"},
        ),
    )


def rental_row(r: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(
                r["name"],
                href=routes.EQUIPMENT + "/" + r["equipment_id"],
                weight="medium",
                custom_attrs={"data-field": "item"},
            ),
            rx.text(r["category"], size="1", color_scheme="gray", display=NARROW_ONLY),
        ),
        rx.table.cell(r["category"], display=WIDE_CELL),
        rx.table.cell(qty_cell(r), class_name="avr-num"),
        rx.table.cell(prep_badge(r["prep_status"], r["prep_label"])),
        rx.table.cell(remove_button(r)),
        align="center",
        custom_attrs={"data-testid": "rental-row", "data-id": r["id"]},
    )


def rentals_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading(t("events.detail.equipment"), size="3", as_="h3"),
                rx.badge(
                    t("events.detail.rental_count", lines=E.line_count, units=E.unit_count),
                    variant="soft",
                    color_scheme="gray",
                    radius="full",
                    custom_attrs={"data-testid": "rental-count"},
                ),
                rx.spacer(),
                rx.cond(
                    CAN_BOOK,
                    rx.button(
                        rx.icon("plus", size=16),
                        t("events.add.title"),
                        on_click=R.open_add,
                        size="2",
                        custom_attrs={"data-testid": "add-equipment"},
                    ),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(
                R.qty_error != "",
                rx.cond(
                    R.qty_conflict_lines.length() > 0,
                    rental_conflict_box(R.qty_error, R.qty_conflict_lines, "qty-conflict"),
                    field_error(R.qty_error, "qty-error"),
                ),
            ),
            rx.cond(
                E.line_count > 0,
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell(t("events.detail.col_item")),
                                rx.table.column_header_cell(
                                    t("common.field.category"), display=WIDE_CELL
                                ),
                                rx.table.column_header_cell(
                                    t("events.detail.col_qty"), class_name="avr-num"
                                ),
                                rx.table.column_header_cell(t("events.detail.col_prep")),
                                rx.table.column_header_cell(
                                    "", aria_label=t("common.field.actions")
                                ),
                            )
                        ),
                        rx.table.body(rx.foreach(E.rentals, rental_row)),
                        variant="ghost",
                        size="2",
                        width="100%",
                    ),
                    overflow_x="auto",
                    width="100%",
                    custom_attrs={"data-testid": "rental-table"},
                ),
                rx.text(
                    t("events.detail.no_equipment"),
                    size="2",
                    color_scheme="gray",
                    custom_attrs={"data-testid": "rental-empty"},
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def actions() -> rx.Component:
    duplicate = rx.button(
        rx.icon("copy", size=16),
        t("events.action.duplicate"),
        on_click=EventDuplicateState.open_duplicate(E.detail_id),
        variant="soft",
        color_scheme="gray",
        custom_attrs={"data-testid": "duplicate-event"},
    )
    return detail_actions(
        can_edit=CAN_WRITE,
        on_edit=EventFormState.open_edit(E.detail_id),
        edit_testid="edit-event",
        can_delete=CAN_DELETE,
        on_delete=EventDeleteState.ask_delete(E.detail_id),
        delete_testid="delete-event",
        more=(rx.cond(CAN_DUPLICATE, duplicate),),
        wrap="wrap",
    )


def found() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.heading(
                        E.event["name"],
                        size="6",
                        as_="h2",
                        custom_attrs={"data-testid": "event-title"},
                    ),
                    status_badge(E.event["status"], E.event["status_label"]),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                rx.text(
                    E.event["period"] + " · " + E.event["location"], size="2", color_scheme="gray"
                ),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            actions(),
            align="center",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        overdue_banner(),
        rx.grid(
            info_card(),
            rentals_card(),
            grid_template_columns=rx.breakpoints(initial="1fr", md="minmax(260px, 1fr) 2fr"),
            gap="16px",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def overdue_banner() -> rx.Component:
    """Red flag of an event whose gear is not all back after its return window, with the
    way to the check-in that clears it."""
    return rx.cond(
        E.event["overdue"] != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.callout.text(
                rx.text.strong(E.event["overdue"]),
                " · ",
                rx.link(
                    t("events.detail.open_checkin"),
                    href=routes.PREP + "/" + E.detail_id,
                    custom_attrs={"data-testid": "event-overdue-checkin"},
                ),
            ),
            color_scheme="red",
            variant="surface",
            role="alert",
            width="100%",
            custom_attrs={"data-testid": "event-overdue"},
        ),
    )


def not_found() -> rx.Component:
    return not_found_box(
        "calendar-x",
        t("events.detail.not_found_title"),
        t("events.detail.not_found_text"),
        t("events.detail.not_found_back"),
        EVENTS_PATH,
        "event-not-found",
    )


def event_detail_page() -> rx.Component:
    return detail_page(
        EVENTS_PATH,
        E,
        back=back_link(),
        not_found=not_found(),
        found=found(),
        dialogs=(event_dialogs(), add_equipment_dialog(), remove_line_dialog()),
    )
