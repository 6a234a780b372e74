"""/equipment/<id>: one item with all its fields, unit counts by status, upcoming bookings,
maintenance history and audit history."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.detail import back_link as shared_back_link
from avrentals.ui.components.detail import (
    detail_actions,
    detail_page,
    list_row,
    not_found_box,
    section,
    stat,
)
from avrentals.ui.i18n import t
from avrentals.ui.pages.equipment import CAN_DELETE, CAN_EDIT, status_badge
from avrentals.ui.pages.equipment_dialogs import equipment_delete_dialog, equipment_form_dialog
from avrentals.ui.pages.maintenance_dialogs import maintenance_actions
from avrentals.ui.state.equipment_delete import EquipmentDeleteState
from avrentals.ui.state.equipment_detail import (
    PHOTO_ACCEPT,
    PHOTO_UPLOAD_ID,
    EquipmentDetailState,
)
from avrentals.ui.state.equipment_form import EquipmentFormState

D = EquipmentDetailState


def back_link() -> rx.Component:
    return shared_back_link(t("nav.equipment.label"), routes.EQUIPMENT)


def _fact(label: str | rx.Var[str], value: rx.Var, key: str) -> rx.Component:
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
            rx.heading(t("equipment.detail.details"), size="3", as_="h3"),
            rx.grid(
                _fact(t("equipment.field.asset_code"), i["asset_code"], "asset_code"),
                _fact(t("equipment.field.type"), t(i["type"]), "type"),
                _fact(t("common.field.category"), i["category"], "category"),
                _fact(t("equipment.field.subcategory"), i["subcategory"], "subcategory"),
                _fact(t("common.field.location"), i["location"], "location"),
                _fact(t("equipment.field.daily_rate"), i["rate"], "rate"),
                _fact(t("common.field.quantity"), i["quantity"], "quantity"),
                _fact(t("equipment.field.low_stock"), i["low_stock"], "low_stock"),
                grid_template_columns="1fr 1fr",
                gap="12px",
                width="100%",
            ),
            _fact(t("common.field.description"), i["description"], "description"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": "equipment-facts"},
    )


def photo_view() -> rx.Component:
    """The photo (opens full size in a new tab), or a placeholder when there is none."""
    return rx.cond(
        D.item["image_url"] != "",
        rx.link(
            rx.image(
                src=D.item["image_url"],
                alt=D.item["name"],
                width="100%",
                height="100%",
                object_fit="contain",
                loading="lazy",
                custom_attrs={"data-testid": "equipment-photo"},
            ),
            href=D.item["image_url"],
            is_external=True,
            aria_label=t("equipment.photo.open_full"),
            display="block",
            width="100%",
            height="100%",
        ),
        rx.vstack(
            rx.icon("image", size=36, color="var(--gray-8)"),
            rx.text(t("equipment.photo.none"), size="2", color_scheme="gray"),
            align="center",
            justify="center",
            spacing="2",
            width="100%",
            height="100%",
            custom_attrs={"data-testid": "equipment-photo-placeholder"},
        ),
    )


def photo_uploader() -> rx.Component:
    """Drop zone / file picker (keyboard: focus it and press Enter). The browser only
    pre-filters by type; the server checks the content."""
    return rx.upload.root(
        rx.cond(
            D.uploading,
            rx.hstack(
                rx.spinner(size="2"),
                rx.text(t("equipment.photo.uploading"), size="2"),
                align="center",
                justify="center",
                spacing="2",
                custom_attrs={"data-testid": "photo-uploading"},
            ),
            rx.vstack(
                rx.hstack(
                    rx.icon("upload", size=16),
                    rx.text(
                        rx.cond(
                            D.item["image_url"] != "",
                            t("equipment.photo.replace"),
                            t("equipment.photo.add"),
                        ),
                        size="2",
                        weight="medium",
                    ),
                    align="center",
                    spacing="2",
                ),
                rx.text(
                    t("equipment.photo.drop_hint"),
                    size="1",
                    color_scheme="gray",
                    align="center",
                ),
                align="center",
                spacing="1",
            ),
        ),
        id=PHOTO_UPLOAD_ID,
        accept=PHOTO_ACCEPT,
        max_files=1,
        multiple=False,
        disabled=D.uploading,
        on_drop=[
            D.start_photo_upload,
            D.upload_photo(rx.upload_files(upload_id=PHOTO_UPLOAD_ID)),
        ],
        on_drop_rejected=D.photo_rejected,
        border="1px dashed var(--gray-a8)",
        border_radius="var(--radius-3)",
        padding="14px",
        width="100%",
        cursor="pointer",
        drag_active_style={"border_color": "var(--accent-9)", "background": "var(--accent-a2)"},
        custom_attrs={"data-testid": "photo-upload", "aria-label": t("equipment.photo.upload")},
    )


def remove_photo_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("equipment.photo.remove_title")),
            rx.alert_dialog.description(
                t("equipment.photo.remove_before_name"),
                rx.text.strong(D.item["name"]),
                t("equipment.photo.remove_after_name"),
                size="2",
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(t("common.action.cancel"), variant="soft", color_scheme="gray")
                ),
                rx.button(
                    t("equipment.photo.remove"),
                    on_click=D.confirm_remove_photo,
                    loading=D.removing,
                    disabled=D.removing,
                    color_scheme="red",
                    custom_attrs={"data-testid": "confirm-remove-photo"},
                ),
                justify="end",
                gap="3",
                margin_top="16px",
            ),
            max_width="420px",
        ),
        open=D.remove_open,
        on_open_change=D.set_remove_open,
    )


def label_buttons() -> rx.Component:
    return rx.flex(
        rx.button(
            rx.icon("qr-code", size=16),
            t("equipment.label.download_png"),
            on_click=D.download_label,
            variant="soft",
            size="2",
            custom_attrs={"data-testid": "download-label"},
        ),
        rx.menu.root(
            rx.menu.trigger(
                rx.button(
                    rx.icon("file-text", size=16),
                    t("equipment.label.sheet_pdf"),
                    rx.icon("chevron-down", size=14),
                    variant="soft",
                    size="2",
                    custom_attrs={"data-testid": "label-sheet"},
                )
            ),
            rx.menu.content(
                rx.menu.item(
                    t("equipment.label.this_item"),
                    on_click=D.download_label_sheet(False),
                    custom_attrs={"data-testid": "label-sheet-item"},
                ),
                rx.menu.item(
                    t("equipment.label.every_in_category", category=D.item["category"]),
                    on_click=D.download_label_sheet(True),
                    custom_attrs={"data-testid": "label-sheet-category"},
                ),
            ),
        ),
        gap="8px",
        wrap="wrap",
    )


def photo_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.heading(t("equipment.detail.photo_label"), size="3", as_="h3"),
                rx.spacer(),
                rx.cond(
                    CAN_EDIT & (D.item["image_url"] != ""),
                    rx.button(
                        rx.icon("trash-2", size=14),
                        t("equipment.photo.remove"),
                        on_click=D.ask_remove_photo,
                        variant="ghost",
                        color_scheme="red",
                        size="1",
                        custom_attrs={"data-testid": "remove-photo"},
                    ),
                ),
                align="center",
                width="100%",
            ),
            rx.box(
                photo_view(),
                width="100%",
                aspect_ratio="4 / 3",
                max_height=rx.breakpoints(initial="220px", sm="280px"),
                background="var(--gray-a2)",
                border_radius="var(--radius-3)",
                overflow="hidden",
            ),
            rx.cond(CAN_EDIT, photo_uploader()),
            rx.cond(
                D.photo_error != "",
                rx.callout(
                    t(D.photo_error),
                    icon="triangle-alert",
                    color_scheme="red",
                    size="1",
                    width="100%",
                    role="alert",
                    custom_attrs={"data-testid": "photo-error"},
                ),
            ),
            label_buttons(),
            spacing="3",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": "equipment-photo-card"},
    )


def counts() -> rx.Component:
    return rx.grid(
        stat(t("equipment.status.good"), D.counts["good"], "count-good"),
        stat(t("equipment.status.damaged"), D.counts["damaged"], "count-damaged"),
        stat(t("equipment.status.maintenance"), D.counts["maintenance"], "count-maintenance"),
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
            rx.text(t("equipment.detail.units", count=b["quantity"]), size="2", weight="medium"),
            rx.badge(t(b["prep"]), variant="soft", color_scheme="blue", radius="full"),
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
                m["date"],
                " · ",
                m["technician"],
                " · ",
                t("equipment.detail.maintenance_units", count=m["units"]),
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.vstack(
            rx.text(m["cost"], size="2", class_name="avr-num"),
            rx.badge(t(m["status"]), variant="soft", color_scheme="amber", radius="full"),
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
            rx.text(
                t(
                    "equipment.history.by",
                    action=t(h["action"]),
                    actor=rx.cond(h["actor"] != "", h["actor"], t("equipment.history.system")),
                ),
                size="2",
                weight="medium",
            ),
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
            status_badge(D.item["status"], t(D.item["status_label"])),
            rx.spacer(),
            actions(),
            align="center",
            gap="12px",
            wrap="wrap",
            width="100%",
        ),
        rx.grid(
            rx.vstack(
                photo_card(),
                counts(),
                maintenance_actions(D.detail_id),
                facts(),
                spacing="3",
                width="100%",
            ),
            rx.vstack(
                section(
                    t("equipment.detail.bookings"),
                    D.bookings.length(),
                    D.bookings,
                    booking_row,
                    t("equipment.detail.no_bookings"),
                    "equipment-bookings",
                ),
                section(
                    t("equipment.status.maintenance"),
                    D.maintenance.length(),
                    D.maintenance,
                    maintenance_row,
                    t("equipment.detail.no_maintenance"),
                    "equipment-maintenance-log",
                ),
                section(
                    t("equipment.detail.history"),
                    D.history.length(),
                    D.history,
                    history_row,
                    t("equipment.detail.no_history"),
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
    return not_found_box(
        "package-x",
        t("equipment.detail.not_found_title"),
        t("equipment.detail.not_found_text"),
        t("equipment.detail.back_to_inventory"),
        routes.EQUIPMENT,
        "equipment-not-found",
    )


def equipment_detail_page() -> rx.Component:
    return detail_page(
        routes.EQUIPMENT,
        D,
        back=back_link(),
        not_found=not_found(),
        found=found(),
        dialogs=(equipment_form_dialog(), equipment_delete_dialog(), remove_photo_dialog()),
    )
