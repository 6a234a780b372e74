"""Maintenance dialogs: raise request / log repair (field messages, item picker), the close
confirmation and an item's maintenance history; plus the item page's maintenance actions."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.components.dialogs import form_dialog
from avrentals.ui.components.forms import form_field, picker_search
from avrentals.ui.components.listing import status_pill
from avrentals.ui.i18n import t
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.maintenance import MaintenanceState
from avrentals.ui.state.maintenance_form import MaintenanceFormState
from avrentals.ui.state.maintenance_log_form import MaintenanceLogFormState

F = MaintenanceFormState
M = MaintenanceState
E = MaintenanceLogFormState
CAN_WRITE = AuthState.permissions.contains("maintenance:write")
LOG_COLORS = {"open": "amber", "closed": "green"}


def _input(field: str, label: rx.Var[str], *, required: bool = False, full: bool = False, **props):
    control = rx.input(
        id=f"maint-{field}",
        name=field,
        default_value=F.values[field],
        size="3",
        width="100%",
        auto_complete="off",
        custom_attrs={"data-testid": f"maint-{field}"},
        **props,
    )
    hint = t(F.units_hint, count=F.units_hint_count) if field == "units" else ""
    return form_field(
        "maint", field, label, control, F.errors[field], required=required, full=full, hint=hint
    )


def _description() -> rx.Component:
    control = rx.text_area(
        id="maint-description",
        name="description",
        default_value=F.values["description"],
        placeholder=t("maintenance.form.description_placeholder"),
        max_length=1000,
        rows="3",
        width="100%",
        auto_focus=True,
        custom_attrs={"data-testid": "maint-description"},
    )
    return form_field(
        "maint",
        "description",
        t("common.field.description"),
        control,
        F.errors["description"],
        required=True,
        full=True,
    )


def _picked_item() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.text(F.item["name"], weight="bold", size="3"),
            rx.text(
                t(
                    "maintenance.item.counts",
                    subject=F.item["asset_code"],
                    good=F.item["good"],
                    damaged=F.item["damaged"],
                    maintenance=F.item["maintenance"],
                ),
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
            min_width="0",
        ),
        rx.cond(
            F.mode == "request",
            rx.button(
                t("maintenance.form.change_item"),
                on_click=F.change_item,
                variant="ghost",
                size="1",
                type="button",
                custom_attrs={"data-testid": "maint-change-item"},
            ),
        ),
        justify="between",
        align="center",
        gap="3",
        padding="10px 12px",
        border_radius="var(--radius-3)",
        background="var(--gray-a3)",
        width="100%",
        custom_attrs={"data-testid": "maint-item"},
    )


def _option(o: rx.Var) -> rx.Component:
    return rx.button(
        rx.vstack(
            rx.text(o["name"], weight="medium", size="2"),
            rx.text(
                t("maintenance.form.option_good", code=o["asset_code"], good=o["good"]),
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
            align="start",
        ),
        on_click=F.pick_item(o["id"]),
        variant="soft",
        color_scheme="gray",
        type="button",
        width="100%",
        height="auto",
        padding="8px 12px",
        justify="start",
        custom_attrs={"data-testid": "maint-option", "data-id": o["id"]},
    )


def _picker() -> rx.Component:
    return rx.vstack(
        picker_search(
            t("maintenance.form.search_placeholder"),
            F.search_items.debounce(250),
            F.form_key,
            t("maintenance.form.search_label"),
            "maint-item-search",
        ),
        rx.cond(
            F.item_options.length() > 0,
            rx.vstack(rx.foreach(F.item_options, _option), spacing="1", width="100%"),
            rx.text(t("maintenance.form.no_items"), size="2", color_scheme="gray"),
        ),
        rx.cond(
            F.errors["equipment_id"] != "",
            rx.text(F.errors["equipment_id"], size="1", color_scheme="red"),
        ),
        spacing="2",
        width="100%",
        max_height="280px",
        overflow_y="auto",
    )


def _switch(field: str, label: rx.Var[str]) -> rx.Component:
    return rx.text(
        rx.flex(
            rx.switch(
                checked=F.values[field] == "yes",
                on_change=lambda v: F.set_choice(field, v),
                size="2",
                custom_attrs={"data-testid": f"maint-{field}"},
            ),
            label,
            gap="2",
            align="center",
        ),
        as_="label",
        size="2",
    )


def _repair_fields() -> rx.Component:
    source = rx.select.root(
        rx.select.trigger(width="100%", id="maint-from_status"),
        rx.select.content(
            rx.select.item(t("maintenance.form.damaged_units"), value="damaged"),
            rx.select.item(t("maintenance.form.units_in_maintenance_option"), value="maintenance"),
        ),
        value=F.values["from_status"],
        on_change=lambda v: F.set_choice("from_status", v),
        size="3",
    )
    return rx.cond(
        F.mode == "repair",
        rx.fragment(
            form_field(
                "maint",
                "from_status",
                t("maintenance.form.repairing"),
                rx.box(source, custom_attrs={"data-testid": "maint-from_status"}, width="100%"),
                F.errors["from_status"],
            ),
            rx.vstack(
                _switch("move_to_good", t("maintenance.form.move_to_good")),
                _switch("close", t("maintenance.form.close_log")),
                spacing="2",
                justify="end",
                grid_column="1 / -1",
            ),
        ),
    )


def maintenance_form_dialog() -> rx.Component:
    """Raise request / log repair: Enter in a field submits, Escape closes."""
    fields = rx.grid(
        _description(),
        _input(
            "units",
            t("maintenance.field.units"),
            required=True,
            input_mode="numeric",
            max_length=6,
        ),
        _input("log_date", t("common.field.date"), required=True, type="date", max_length=10),
        _input(
            "cost",
            t("maintenance.field.cost_eur"),
            input_mode="decimal",
            max_length=14,
            placeholder="0.00",
        ),
        _repair_fields(),
        grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
        gap="12px",
        width="100%",
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.cond(
                    F.mode == "request",
                    t("maintenance.form.title_request"),
                    t("maintenance.action.log_repair"),
                )
            ),
            rx.dialog.description(
                rx.cond(
                    F.mode == "request",
                    t("maintenance.form.hint_request"),
                    t("maintenance.form.hint_repair"),
                ),
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            rx.form(
                rx.vstack(
                    rx.cond(F.has_item, _picked_item(), _picker()),
                    fields,
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    F.form_error != "",
                    rx.callout(
                        F.form_error,
                        icon="circle-alert",
                        color_scheme="red",
                        size="1",
                        margin_top="12px",
                        custom_attrs={"data-testid": "form-error"},
                    ),
                ),
                rx.flex(
                    rx.dialog.close(
                        rx.button(
                            t("common.action.cancel"),
                            variant="soft",
                            color_scheme="gray",
                            type="button",
                            size="3",
                        )
                    ),
                    rx.button(
                        rx.cond(
                            F.mode == "request",
                            t("maintenance.action.raise_request"),
                            t("maintenance.form.save_repair"),
                        ),
                        type="submit",
                        size="3",
                        loading=F.saving,
                        disabled=F.saving,
                        custom_attrs={"data-testid": "maint-save"},
                    ),
                    justify="end",
                    gap="3",
                    margin_top="16px",
                ),
                key=F.form_key,
                on_submit=F.save,
                reset_on_submit=False,
                custom_attrs={"data-testid": "maint-form"},
            ),
            max_width="560px",
        ),
        open=F.form_open,
        on_open_change=F.set_form_open,
    )


def log_edit_dialog() -> rx.Component:
    """Correct a log's date, description or cost (versioned, with conflict resolution)."""

    def field(name: str, label: rx.Var[str], control: rx.Component, *, full: bool = False):
        return form_field("log", name, label, control, E.errors[name], required=True, full=full)

    body = rx.grid(
        field(
            "description",
            t("common.field.description"),
            rx.text_area(
                id="log-description",
                name="description",
                default_value=E.values["description"],
                max_length=1000,
                rows="3",
                width="100%",
                custom_attrs={"data-testid": "log-description"},
            ),
            full=True,
        ),
        field(
            "log_date",
            t("common.field.date"),
            rx.input(
                id="log-log_date",
                name="log_date",
                type="date",
                default_value=E.values["log_date"],
                width="100%",
                custom_attrs={"data-testid": "log-log_date"},
            ),
        ),
        field(
            "cost",
            t("maintenance.field.cost_eur"),
            rx.input(
                id="log-cost",
                name="cost",
                default_value=E.values["cost"],
                input_mode="decimal",
                max_length=14,
                width="100%",
                custom_attrs={"data-testid": "log-cost"},
            ),
        ),
        grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
        gap="12px",
        width="100%",
    )
    return form_dialog(
        E,
        # The shared form_dialog composes English sentences around `noun` (a str).
        noun="maintenance log",
        title_edit=t("maintenance.edit.title"),
        title_new=t("maintenance.edit.title"),
        hint_new="",
        body=body,
        save_testid="save-log",
        form_testid="log-form",
        max_width="520px",
    )


def close_log_dialog() -> rx.Component:
    """Confirmation before closing a log (a stale version is explained in place)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("maintenance.close.title")),
            rx.alert_dialog.description(
                rx.text(M.close_label, weight="medium"),
                rx.text(
                    t("maintenance.close.text"),
                    size="2",
                    color_scheme="gray",
                ),
                size="2",
            ),
            rx.cond(
                M.close_error != "",
                rx.callout(
                    M.close_error,
                    icon="circle-alert",
                    color_scheme="red",
                    size="1",
                    margin_top="12px",
                    custom_attrs={"data-testid": "close-error"},
                ),
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(t("common.action.cancel"), variant="soft", color_scheme="gray")
                ),
                rx.button(
                    t("maintenance.close.confirm"),
                    on_click=M.confirm_close,
                    loading=M.closing,
                    disabled=M.closing,
                    custom_attrs={"data-testid": "confirm-close"},
                ),
                justify="end",
                gap="3",
                margin_top="16px",
            ),
            max_width="460px",
        ),
        open=M.close_open,
        on_open_change=M.set_close_open,
    )


def log_entry(log: rx.Var, *, closable: bool) -> rx.Component:
    """One log: its photo (a damage report's, when taken), description, date · units · move
    · technician, cost and status (and, for writers, a Close button on an open log when
    `closable`)."""
    close = rx.cond(
        CAN_WRITE & (log["status"] == "open"),
        rx.button(
            t("common.action.close"),
            on_click=M.ask_close(log["id"]),
            variant="soft",
            size="1",
            aria_label=t("maintenance.log.close_aria", description=log["description"]),
            custom_attrs={"data-testid": "close-log"},
        ),
    )
    edit = rx.cond(
        CAN_WRITE,
        rx.icon_button(
            rx.icon("pencil", size=14),
            on_click=E.open_edit(log["id"]),
            variant="ghost",
            color_scheme="gray",
            size="1",
            aria_label=t("maintenance.log.edit_aria", description=log["description"]),
            title=t("maintenance.log.edit_title"),
            custom_attrs={"data-testid": "edit-log"},
        ),
    )
    photo = rx.cond(
        log["photo_thumb_url"] != "",
        rx.link(
            rx.image(
                src=log["photo_thumb_url"],
                alt=t("maintenance.log.photo_alt", description=log["description"]),
                width="56px",
                height="56px",
                object_fit="cover",
                border_radius="var(--radius-2)",
            ),
            href=log["photo_url"],
            is_external=True,
            title=t("maintenance.log.open_photo"),
            flex_shrink="0",
            custom_attrs={"data-testid": "log-photo"},
        ),
    )
    return rx.flex(
        photo,
        rx.vstack(
            rx.text(log["description"], size="2", word_break="break-word"),
            rx.text(
                log["date"],
                " · ",
                t(log["units_key"], count=log["units"]),
                " · ",
                rx.cond(
                    log["move_to"] != "",
                    t("maintenance.log.move", source=t(log["move_from"]), target=t(log["move_to"])),
                    t("maintenance.log.no_move", source=t(log["move_from"])),
                ),
                " · ",
                log["technician"],
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
            min_width="0",
            flex="1 1 240px",
        ),
        rx.hstack(
            rx.text(log["cost"], size="2", class_name="avr-num", white_space="nowrap"),
            status_pill(log["status"], t(log["status_label"]), LOG_COLORS),
            edit,
            close if closable else rx.fragment(),
            align="center",
            spacing="2",
            flex_shrink="0",
            margin_left="auto",
        ),
        align="center",
        justify="between",
        gap="3",
        wrap="wrap",
        padding="8px 0",
        border_top="1px solid var(--gray-a4)",
        width="100%",
        custom_attrs={"data-testid": "maintenance-log", "data-id": log["id"]},
    )


def history_dialog() -> rx.Component:
    """Every log of one item, newest first."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("maintenance.history.title")),
            rx.dialog.description(
                t(
                    "maintenance.item.counts",
                    subject=M.history_item["name"],
                    good=M.history_item["good"],
                    damaged=M.history_item["damaged"],
                    maintenance=M.history_item["maintenance"],
                ),
                size="2",
                color_scheme="gray",
                margin_bottom="12px",
            ),
            rx.cond(
                M.history_error != "",
                rx.callout(M.history_error, icon="circle-alert", color_scheme="red", size="1"),
            ),
            rx.cond(
                M.history.length() > 0,
                rx.vstack(
                    rx.foreach(M.history, lambda log: log_entry(log, closable=True)),
                    spacing="0",
                    width="100%",
                    custom_attrs={"data-testid": "history-list"},
                ),
                rx.text(t("maintenance.history.empty"), size="2", color_scheme="gray"),
            ),
            rx.flex(
                rx.dialog.close(
                    rx.button(t("maintenance.history.done"), variant="soft", color_scheme="gray")
                ),
                justify="end",
                margin_top="16px",
            ),
            max_width="640px",
        ),
        open=M.history_open,
        on_open_change=M.set_history_open,
    )


def maintenance_actions(item_id: rx.Var) -> rx.Component:
    """The item page's maintenance buttons (writers only) with the dialogs they open."""
    return rx.fragment(
        rx.cond(
            CAN_WRITE,
            rx.flex(
                rx.button(
                    rx.icon("wrench", size=16),
                    t("maintenance.form.title_request"),
                    on_click=F.open_request(item_id),
                    variant="soft",
                    custom_attrs={"data-testid": "item-raise-request"},
                ),
                rx.button(
                    rx.icon("hammer", size=16),
                    t("maintenance.action.log_repair"),
                    on_click=F.open_repair(item_id),
                    variant="soft",
                    custom_attrs={"data-testid": "item-log-repair"},
                ),
                gap="2",
                wrap="wrap",
            ),
        ),
        maintenance_form_dialog(),
    )
