"""The event dialogs: create / edit form (field messages, client picker, conflict comparison,
refused date moves), duplicate, delete confirmation; and on the event page the
add-equipment dialog (search, pick, "available X of Y for these dates", the explanation),
and the remove-line confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from avrentals.ui.components.dialogs import delete_dialog, form_dialog
from avrentals.ui.components.forms import (
    field_binder,
    field_error,
    field_label,
    picker_search,
)
from avrentals.ui.i18n import t
from avrentals.ui.state.event_form import (
    NO_USER,
    EventDeleteState,
    EventDuplicateState,
    EventFormState,
)
from avrentals.ui.state.event_rentals import EventRentalsState

F = EventFormState
D = EventDuplicateState
X = EventDeleteState
R = EventRentalsState


def rental_conflict_box(message: rx.Var, lines: rx.Var, testid: str) -> rx.Component:
    """A refused booking or move, readably: per item what was asked, what is free of the
    bookable units, the fully used days and which events hold the stock (`lines` from
    `events.conflict_lines`)."""

    def line(r: rx.Var) -> rx.Component:
        summary = t(
            "events.conflict.summary",
            requested=r["requested"],
            available=r["available"],
            bookable=r["bookable"],
        )
        days = rx.cond(
            r["more"] != "",
            t("events.conflict.days_more", days=r["days"], more=r["more"]),
            t("events.conflict.days", days=r["days"]),
        )
        booked = t("events.conflict.booked", usage=r["usage"], holders=r["holders"])
        return rx.vstack(
            rx.text(r["item"], weight="bold", size="2"),
            rx.text(summary, size="2"),
            rx.cond(r["days"] != "", rx.text(days, size="1")),
            rx.cond(r["holders"] != "", rx.text(booked, size="1")),
            spacing="0",
            custom_attrs={"data-testid": "conflict-line", "data-item": r["item_id"]},
        )

    return rx.cond(
        message != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("calendar-x")),
            rx.callout.text(message, weight="medium"),
            rx.vstack(rx.foreach(lines, line), spacing="2"),
            color_scheme="red",
            size="1",
            width="100%",
            custom_attrs={"data-testid": testid},
        ),
    )


# --- create / edit ---------------------------------------------------------------------------


_field = field_binder("event", F.errors)


def _label(
    field: str, label: str | rx.Var[str], required: bool = False, prefix: str = "event"
) -> rx.Component:
    return field_label(f"{prefix}-{field}", label, required)


def _input(field: str, max_len: int = 200, **props: Any) -> rx.Component:
    props.setdefault("type", "text")  # no browser validation: the service's message is shown
    return rx.input(
        id=f"event-{field}",
        name=field,
        default_value=F.values[field],
        max_length=max_len,
        auto_complete="off",
        size="2",
        width="100%",
        custom_attrs={"data-testid": f"event-{field}"},
        **props,
    )


def _client_picker() -> rx.Component:
    return rx.vstack(
        picker_search(
            t("events.form.find_client"),
            F.search_clients.debounce(250),
            F.client_search_key,
            t("events.form.find_client"),
            "event-client-search",
        ),
        rx.select.root(
            rx.select.trigger(
                placeholder=t("events.form.choose_client"),
                width="100%",
                id="event-client_id",
                custom_attrs={"data-testid": "event-client_id"},
            ),
            rx.select.content(
                rx.foreach(F.clients, lambda c: rx.select.item(c["name"], value=c["id"]))
            ),
            value=F.values["client_id"],
            on_change=lambda v: F.set_choice("client_id", v),
            size="2",
        ),
        spacing="2",
        width="100%",
    )


def _user_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            placeholder=t("events.detail.nobody"),
            width="100%",
            id="event-assigned_user_id",
            custom_attrs={"data-testid": "event-assigned_user_id"},
        ),
        rx.select.content(
            rx.select.item(t("events.detail.nobody"), value=NO_USER),
            rx.foreach(F.users, lambda u: rx.select.item(u["name"], value=u["id"])),
        ),
        value=F.user_value,
        on_change=lambda v: F.set_choice("assigned_user_id", v),
        size="2",
    )


def event_form_dialog() -> rx.Component:
    body = rx.vstack(
        rental_conflict_box(F.rental_conflict, F.rental_conflict_lines, "event-rental-conflict"),
        rx.grid(
            _field(
                "name",
                t("common.field.name"),
                _input("name", 100, auto_focus=True),
                required=True,
                full=True,
            ),
            _field(
                "client_id", t("common.field.client"), _client_picker(), required=True, full=True
            ),
            _field("location", t("common.field.location"), _input("location", 200), required=True),
            _field("assigned_user_id", t("events.field.assigned_to"), _user_select()),
            _field(
                "start_date",
                t("common.field.start_date"),
                _input("start_date", 10, type="date"),
                required=True,
            ),
            _field(
                "end_date",
                t("common.field.end_date"),
                _input("end_date", 10, type="date"),
                required=True,
            ),
            _field(
                "prep_days",
                t("events.field.prep_days"),
                _input("prep_days", 3, input_mode="numeric"),
                hint=t("events.form.prep_hint"),
            ),
            _field(
                "return_days",
                t("events.field.return_days"),
                _input("return_days", 3, input_mode="numeric"),
                hint=t("events.form.return_hint"),
            ),
            _field(
                "notes",
                t("common.field.notes"),
                rx.text_area(
                    id="event-notes",
                    name="notes",
                    default_value=F.values["notes"],
                    max_length=2000,
                    rows="3",
                    width="100%",
                    custom_attrs={"data-testid": "event-notes"},
                ),
                full=True,
            ),
            grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
            gap="12px",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )
    return form_dialog(
        F,
        noun="event",
        title_edit=t("events.form.title_edit"),
        title_new=t("events.list.new"),
        hint_new=t("events.form.hint_new"),
        body=body,
        save_testid="save-event",
        form_testid="event-form",
        max_width="640px",
    )


# --- duplicate ---------------------------------------------------------------------------------


def duplicate_dialog() -> rx.Component:
    def dup_field(
        field: str, label: rx.Var[str], kind: str, hint: rx.Var[str] | None = None
    ) -> rx.Component:
        return rx.vstack(
            _label(field, label, field != "end_date", prefix="dup"),
            rx.input(
                id=f"dup-{field}",
                name=field,
                default_value=D.values[field],
                type=kind,
                size="2",
                width="100%",
                custom_attrs={"data-testid": f"dup-{field}"},
            ),
            rx.text(hint, size="1", color_scheme="gray") if hint is not None else rx.fragment(),
            field_error(D.errors[field], f"dup-error-{field}"),
            spacing="1",
            width="100%",
            grid_column="1 / -1" if field == "name" else "auto",
        )

    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("events.duplicate.title")),
            rx.dialog.description(
                t("events.duplicate.copies"),
                rx.text.strong(D.source_name),
                t("events.duplicate.copies_rest", period=D.source_period),
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            rental_conflict_box(D.rental_conflict, D.rental_conflict_lines, "dup-rental-conflict"),
            rx.form(
                rx.grid(
                    dup_field("name", t("common.field.name"), "text"),
                    dup_field("start_date", t("events.duplicate.new_start"), "date"),
                    dup_field(
                        "end_date",
                        t("events.duplicate.new_end"),
                        "date",
                        t("events.duplicate.end_hint"),
                    ),
                    grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
                    gap="12px",
                    width="100%",
                    margin_top="8px",
                ),
                rx.cond(
                    D.form_error != "",
                    rx.callout(D.form_error, icon="circle-alert", color_scheme="red", size="1"),
                ),
                rx.flex(
                    rx.dialog.close(
                        rx.button(
                            t("common.action.cancel"),
                            variant="soft",
                            color_scheme="gray",
                            type="button",
                        )
                    ),
                    rx.button(
                        rx.icon("copy", size=16),
                        t("events.action.duplicate"),
                        type="submit",
                        loading=D.saving,
                        custom_attrs={"data-testid": "confirm-duplicate"},
                    ),
                    justify="end",
                    spacing="3",
                    margin_top="16px",
                ),
                key=D.dup_key,
                on_submit=D.duplicate,
                reset_on_submit=False,
            ),
            max_width="520px",
        ),
        open=D.dup_open,
        on_open_change=D.set_dup_open,
    )


def event_delete_dialog() -> rx.Component:
    return delete_dialog(
        X,
        t("events.delete.title"),
        rx.text.strong(X.delete_name),
        t("events.delete.after_name"),
        rx.text.span(X.delete_lines, custom_attrs={"data-testid": "delete-lines"}),
        t("events.delete.undone"),
    )


def event_dialogs() -> rx.Component:
    """The dialogs of the list and the event page."""
    return rx.fragment(event_form_dialog(), duplicate_dialog(), event_delete_dialog())


# --- add equipment -------------------------------------------------------------------------------


def _result(r: rx.Var) -> rx.Component:
    """One search hit: a real button, so Tab / Enter / Space pick it too."""
    picked = r["id"] == R.picked_id
    return rx.el.button(
        rx.flex(
            rx.vstack(
                rx.text(r["name"], size="2", weight="medium"),
                rx.text(r["code"] + " · " + r["category"], size="1", color_scheme="gray"),
                spacing="0",
                min_width="0",
                align="start",
            ),
            rx.spacer(),
            rx.text(
                t("events.add.good", count=r["good"]),
                size="1",
                color_scheme="gray",
                white_space="nowrap",
            ),
            align="center",
            spacing="2",
            width="100%",
        ),
        type="button",
        on_click=R.pick_item(r["id"]),
        aria_pressed=picked,
        width="100%",
        text_align="left",
        font="inherit",
        color="inherit",
        border="none",
        padding="8px 10px",
        border_radius="var(--radius-2)",
        cursor="pointer",
        background=rx.cond(picked, "var(--accent-a4)", "transparent"),  # i18n: not text
        _hover={"background": "var(--gray-a3)"},
        custom_attrs={"data-testid": "item-result", "data-id": r["id"]},
    )


def _ledger() -> rx.Component:
    def row(d: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(d["day"], white_space="nowrap"),
            rx.table.cell(d["booked"], class_name="avr-num"),
            rx.table.cell(d["free"], class_name="avr-num"),
            rx.table.cell(d["events"]),
            background=rx.cond(d["peak"] != "", "var(--amber-a3)", "transparent"),  # i18n: not text
            custom_attrs={"data-testid": "ledger-day", "data-peak": d["peak"]},
        )

    return rx.vstack(
        rx.text(R.ledger_summary, size="2", custom_attrs={"data-testid": "ledger-summary"}),
        rx.cond(
            R.on_event > 0,
            rx.text(
                t("events.ledger.on_event", count=R.on_event),
                size="1",
                color_scheme="gray",
            ),
        ),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(t("events.ledger.col_day")),
                        rx.table.column_header_cell(
                            t("events.ledger.col_booked"), class_name="avr-num"
                        ),
                        rx.table.column_header_cell(
                            t("events.ledger.col_free"), class_name="avr-num"
                        ),
                        rx.table.column_header_cell(t("events.ledger.col_held_by")),
                    )
                ),
                rx.table.body(rx.foreach(R.ledger, row)),
                size="1",
                variant="surface",
                width="100%",
            ),
            max_height="220px",
            overflow_y="auto",
            width="100%",
        ),
        spacing="2",
        width="100%",
        custom_attrs={"data-testid": "availability-explain"},
    )


def _picked() -> rx.Component:
    chevron = rx.cond(R.explain_open, "chevron-up", "chevron-down")  # i18n: not text
    return rx.cond(
        R.picked_id != "",
        rx.card(
            rx.vstack(
                rx.flex(
                    rx.vstack(
                        rx.text(R.picked_name, weight="bold", size="3"),
                        rx.text(
                            R.picked_code, size="1", color_scheme="gray", class_name="avr-mono"
                        ),
                        spacing="0",
                        min_width="0",
                    ),
                    rx.spacer(),
                    rx.vstack(
                        _label("qty", t("common.field.quantity"), prefix="add"),
                        rx.input(
                            id="add-qty",
                            value=R.qty_text,
                            on_change=R.set_qty,
                            type="text",
                            input_mode="numeric",
                            max_length=7,
                            width="96px",
                            size="2",
                            auto_focus=True,
                            on_key_down=R.qty_key,
                            custom_attrs={"data-testid": "add-qty"},
                        ),
                        spacing="1",
                    ),
                    align="end",
                    spacing="3",
                    width="100%",
                ),
                rx.button(
                    rx.cond(R.avail_loading, rx.spinner(size="1"), rx.icon("info", size=14)),
                    rx.text(
                        t("events.add.available", free=R.free, bookable=R.bookable),
                        custom_attrs={"data-testid": "availability"},
                    ),
                    rx.icon(chevron, size=14),
                    on_click=R.toggle_explain,
                    variant="soft",
                    color_scheme=rx.cond(R.free > 0, "green", "red"),  # i18n: not text
                    size="2",
                    type="button",
                    aria_expanded=R.explain_open,
                    title=t("events.add.why"),
                    custom_attrs={"data-testid": "availability-toggle"},
                    white_space="normal",
                    height="auto",
                    min_height="32px",
                    text_align="left",
                ),
                rx.text(
                    t("events.add.window", window=R.window_label),
                    size="1",
                    color_scheme="gray",
                ),
                rx.cond(
                    R.qty_warning != "",
                    rx.text(
                        t(R.qty_warning, free=R.free),
                        size="1",
                        color_scheme="amber",
                        custom_attrs={"data-testid": "qty-warning"},
                    ),
                ),
                rx.cond(R.explain_open, _ledger()),
                spacing="2",
                width="100%",
            ),
            width="100%",
            custom_attrs={"data-testid": "picked-item"},
        ),
    )


def _queued() -> rx.Component:
    def line(r: rx.Var) -> rx.Component:
        return rx.flex(
            rx.text(r["qty"] + " \u00d7 " + r["name"], size="2", weight="medium"),
            rx.spacer(),
            rx.text(r["label"], size="1", color_scheme="gray"),
            rx.icon_button(
                rx.icon("x", size=12),
                on_click=R.unqueue_line(r["id"]),
                variant="ghost",
                color_scheme="gray",
                size="1",
                aria_label=t("events.add.unqueue"),
            ),
            align="center",
            spacing="2",
            width="100%",
            custom_attrs={"data-testid": "queued-line"},
        )

    return rx.cond(
        R.lines.length() > 0,
        rx.vstack(
            rx.text(t("events.add.to_book"), size="1", weight="bold", color_scheme="gray"),
            rx.foreach(R.lines, line),
            spacing="1",
            width="100%",
        ),
    )


def add_equipment_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("events.add.title")),
            rx.dialog.description(
                t("events.add.description"),
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            rx.vstack(
                picker_search(
                    t("events.add.search_placeholder"),
                    R.search_items.debounce(250),
                    R.add_key,
                    t("events.add.search_label"),
                    "item-search",
                ),
                rx.box(
                    rx.cond(
                        R.results.length() > 0,
                        rx.vstack(rx.foreach(R.results, _result), spacing="0", width="100%"),
                        rx.text(
                            t("events.add.no_items"), size="2", color_scheme="gray", padding="8px"
                        ),
                    ),
                    max_height="200px",
                    overflow_y="auto",
                    width="100%",
                    border="1px solid var(--gray-a5)",
                    border_radius="var(--radius-3)",
                    padding="4px",
                ),
                rx.cond(
                    R.avail_notice != "",
                    rx.callout(
                        R.avail_notice,
                        icon="radio",
                        color_scheme="blue",
                        size="1",
                        width="100%",
                        custom_attrs={"data-testid": "availability-notice"},
                    ),
                ),
                _picked(),
                _queued(),
                rental_conflict_box(R.add_conflict, R.add_conflict_lines, "add-conflict"),
                rx.cond(
                    R.add_error != "",
                    rx.callout(
                        R.add_error,
                        icon="circle-alert",
                        color_scheme="red",
                        size="1",
                        width="100%",
                        custom_attrs={"data-testid": "add-error"},
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            rx.flex(
                rx.button(
                    rx.icon("list-plus", size=16),
                    t("events.add.another"),
                    on_click=R.queue_line,
                    variant="soft",
                    color_scheme="gray",
                    disabled=R.picked_id == "",
                    custom_attrs={"data-testid": "queue-line"},
                ),
                rx.spacer(),
                rx.dialog.close(
                    rx.button(t("common.action.cancel"), variant="soft", color_scheme="gray")
                ),
                rx.button(
                    t("events.add.book"),
                    on_click=R.book,
                    loading=R.booking,
                    disabled=~R.can_book,
                    custom_attrs={"data-testid": "book-equipment"},
                ),
                spacing="3",
                margin_top="16px",
                wrap="wrap",
            ),
            max_width="600px",
        ),
        open=R.add_open,
        on_open_change=R.set_add_open,
    )


def remove_line_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("events.remove.title")),
            rx.alert_dialog.description(
                rx.text.strong(R.remove_label),
                t("events.remove.text"),
                size="2",
            ),
            rx.cond(
                R.remove_error != "",
                rx.callout(
                    R.remove_error, icon="ban", color_scheme="red", size="1", margin_top="12px"
                ),
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(t("common.action.cancel"), variant="soft", color_scheme="gray")
                ),
                rx.button(
                    t("common.action.remove"),
                    on_click=R.confirm_remove,
                    loading=R.removing,
                    color_scheme="red",
                    custom_attrs={"data-testid": "confirm-remove"},
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            max_width="440px",
        ),
        open=R.remove_open,
        on_open_change=R.set_remove_open,
    )
