"""/clients/<id>: one client with contacts, events, quotes (status colours) and client value."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.components.detail import back_link as shared_back_link
from avrentals.ui.components.detail import (
    detail_actions,
    detail_page,
    icon_fact,
    list_row,
    not_found_box,
    section,
    stat,
)
from avrentals.ui.i18n import t
from avrentals.ui.pages.client_dialogs import client_form_dialog, delete_dialog
from avrentals.ui.pages.clients import CAN_DELETE, CAN_WRITE
from avrentals.ui.state.client_delete import ClientDeleteState
from avrentals.ui.state.client_detail import ClientDetailState
from avrentals.ui.state.client_form import ClientFormState
from avrentals.ui.state.clients import CLIENTS_PATH

D = ClientDetailState


def quote_status_badge(status: rx.Var) -> rx.Component:
    """Draft gray, Sent blue, Accepted green, Declined red, Archived muted."""

    def badge(
        color: str, variant: str = "soft", label: rx.Var | None = None, **props
    ) -> rx.Component:
        return rx.badge(
            status if label is None else label,
            color_scheme=color,
            variant=variant,
            radius="full",
            custom_attrs={"data-testid": "quote-status"},
            **props,
        )

    return rx.match(
        status,
        ("Draft", badge("gray", label=t("clients.quote_status.draft"))),
        ("Sent", badge("blue", label=t("clients.quote_status.sent"))),
        ("Accepted", badge("green", label=t("clients.quote_status.accepted"))),
        ("Declined", badge("red", label=t("clients.quote_status.declined"))),
        (
            "Archived",
            badge("gray", "outline", label=t("clients.quote_status.archived"), opacity="0.65"),
        ),
        badge("gray"),
    )


def event_status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    def badge(color: str) -> rx.Component:
        return rx.badge(t(label), color_scheme=color, variant="soft", radius="full")

    return rx.match(
        status,
        ("upcoming", badge("blue")),
        ("ongoing", badge("green")),
        badge("gray"),
    )


def back_link() -> rx.Component:
    return shared_back_link(t("clients.detail.back"), CLIENTS_PATH)


def _contact_line(icon: str, name: str, label: rx.Var, value: rx.Var, href: rx.Var | None = None):
    """One contact fact; `name` (English, stable) marks it for tests as `data-contact`."""
    shown = rx.link(value, href=href) if href is not None else rx.text(value)
    return rx.cond(value != "", icon_fact(icon, label, shown, {"data-contact": name}))


def contact_block() -> rx.Component:
    c = D.client
    return rx.card(
        rx.vstack(
            rx.heading(t("clients.detail.contact"), size="3", as_="h3"),
            _contact_line(
                "user",
                "Contact person",
                t("clients.field.contact_person"),
                c["contact_person"],
            ),
            _contact_line(
                "mail", "Email", t("clients.field.email"), c["email"], "mailto:" + c["email"]
            ),
            _contact_line(
                "phone", "Phone", t("common.field.phone"), c["phone"], "tel:" + c["phone"]
            ),
            _contact_line("map-pin", "Address", t("common.field.address"), c["address"]),
            _contact_line("receipt", "Tax id", t("clients.field.tax_id"), c["tax_id"]),
            _contact_line("sticky-note", "Notes", t("common.field.notes"), c["notes"]),
            spacing="3",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": "client-contact"},
    )


def stats() -> rx.Component:
    return rx.grid(
        rx.box(
            stat(
                t("clients.field.value"),
                D.value,
                "client-value",
                t("clients.detail.value_hint"),
            ),
            grid_column="1 / -1",
        ),
        stat(t("clients.field.events"), D.event_count.to_string(), "event-count"),
        stat(t("clients.field.quotes"), D.quote_count.to_string(), "quote-count"),
        grid_template_columns="1fr 1fr",
        gap="12px",
        width="100%",
    )


def event_row(e: rx.Var) -> rx.Component:
    return list_row(
        rx.vstack(
            rx.text(e["name"], weight="medium", size="2"),
            rx.text(e["location"], size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.vstack(
            rx.text(e["period"], size="2", white_space="nowrap"),
            event_status_badge(e["status"], e["status_label"]),
            spacing="1",
            align="end",
            flex_shrink="0",
        ),
        "client-event",
        e["id"],
    )


def quote_row(q: rx.Var) -> rx.Component:
    return list_row(
        rx.vstack(
            rx.text(q["name"], weight="medium", size="2"),
            rx.text(q["number"] + " · " + q["period"], size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.vstack(
            rx.text(q["total"], size="2", weight="medium", class_name="avr-num"),
            quote_status_badge(q["status"]),
            spacing="1",
            align="end",
            flex_shrink="0",
        ),
        "client-quote",
        q["id"],
    )


def actions() -> rx.Component:
    return detail_actions(
        can_edit=CAN_WRITE,
        on_edit=ClientFormState.open_edit(D.detail_id),
        edit_testid="edit-client",
        can_delete=CAN_DELETE,
        on_delete=ClientDeleteState.ask_delete(D.detail_id),
        delete_testid="delete-client",
    )


def found() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.heading(
                D.client["name"],
                size="6",
                as_="h2",
                custom_attrs={"data-testid": "client-name"},
            ),
            rx.spacer(),
            actions(),
            align="center",
            gap="3",
            wrap="wrap",
            width="100%",
        ),
        rx.grid(
            rx.vstack(contact_block(), stats(), spacing="3", width="100%"),
            rx.vstack(
                section(
                    t("clients.field.events"),
                    D.event_count,
                    D.events,
                    event_row,
                    t("clients.detail.no_events"),
                    "client-events",
                ),
                section(
                    t("clients.field.quotes"),
                    D.quote_count,
                    D.quotes,
                    quote_row,
                    t("clients.detail.no_quotes"),
                    "client-quotes",
                ),
                spacing="3",
                width="100%",
                min_width="0",
            ),
            grid_template_columns=rx.breakpoints(initial="1fr", md="minmax(260px, 1fr) 2fr"),
            gap="16px",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def not_found() -> rx.Component:
    return not_found_box(
        "user-x",
        t("clients.detail.not_found_title"),
        t("clients.detail.not_found_text"),
        t("clients.detail.not_found_back"),
        CLIENTS_PATH,
        "client-not-found",
    )


def client_detail_page() -> rx.Component:
    return detail_page(
        CLIENTS_PATH,
        D,
        back=back_link(),
        not_found=not_found(),
        found=found(),
        dialogs=(client_form_dialog(), delete_dialog()),
    )
