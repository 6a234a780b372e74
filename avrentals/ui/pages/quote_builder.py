"""/quotes/new and /quotes/<id>: the quote builder. Details, client (picked from the client
list or typed as a one-off), lines, discount and tax, the server's totals, the autosave
indicator, and the quote's actions (PDF, send, approve, duplicate, archive). Read-only for
roles without `quotes:write` and for Accepted / Declined / Archived quotes."""

from __future__ import annotations

import reflex as rx

from avrentals.domain.quote_workflow import VALIDITY_DAYS
from avrentals.ui import routes
from avrentals.ui.components.date_range import date_input
from avrentals.ui.components.forms import conflict_resolution, field_binder, form_field
from avrentals.ui.components.listing import live_banner, message_box
from avrentals.ui.components.quote_totals import quote_totals
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.pages.quote_dialogs import (
    confirm_dialog,
    open_pdf,
    quote_menu_actions,
    send_dialog,
    status_badge,
)
from avrentals.ui.pages.quote_lines import client_picker, lines_section
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.quote_actions import QuoteActionsState
from avrentals.ui.state.quote_builder import QuoteBuilderState
from avrentals.ui.state.quote_send import QuoteSendState

B = QuoteBuilderState
X = QuoteActionsState
CAN_DELETE = AuthState.permissions.contains("quotes:delete")
SEND = QuoteSendState
WIDE = rx.breakpoints(initial="none", sm="inline")


# --- inputs -------------------------------------------------------------------------------------


# An error is the service's message or the key of one of ours.
_field = field_binder("quote", B.errors, translate_errors=True)


def _text(field: str, **props) -> rx.Component:
    """An uncontrolled input of a header field: sent (debounced) as typed and on leaving."""
    return rx.input(
        id=f"quote-{field}",
        default_value=B.header[field],
        key=B.form_key,
        on_change=B.set_field(field).debounce(300),
        on_blur=B.set_field(field),
        read_only=~B.editable,
        size="2",
        width="100%",
        custom_attrs={"data-testid": f"quote-{field}"},
        **props,
    )


def _date(field: str, label: str | rx.Var[str]) -> rx.Component:
    return date_input(
        label,
        B.header[field],
        B.set_field(field),
        f"quote-{field}",
        id=f"quote-{field}",
        read_only=~B.editable,
        width="100%",
    )


def _grid(*children: rx.Component) -> rx.Component:
    return rx.grid(
        *children,
        grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
        gap="12px",
        width="100%",
    )


def _card(title: str | rx.Var[str], *children: rx.Component, testid: str = "") -> rx.Component:
    attrs = {"custom_attrs": {"data-testid": testid}} if testid else {}
    return rx.card(
        rx.vstack(rx.heading(title, size="3", as_="h2"), *children, spacing="3", width="100%"),
        size="2",
        width="100%",
        **attrs,
    )


def details_card() -> rx.Component:
    return _card(
        t("quotes.builder.details"),
        _grid(
            _field(
                "name",
                t("quotes.field.name"),
                _text("name", max_length=100),
                required=True,
                full=True,
            ),
            _field(
                "location", t("common.field.location"), _text("location", max_length=200), full=True
            ),
            _field(
                "start_date",
                t("common.field.start_date"),
                _date("start_date", t("common.field.start_date")),
                required=True,
            ),
            _field(
                "end_date",
                t("common.field.end_date"),
                _date("end_date", t("common.field.end_date")),
                required=True,
            ),
        ),
    )


def client_card() -> rx.Component:
    linked = rx.cond(
        B.header["client_id"] != "",
        rx.flex(
            rx.icon("link", size=14),
            rx.text(
                t("quotes.builder.linked_to"), rx.text.strong(B.header["linked_name"]), size="2"
            ),
            rx.spacer(),
            rx.cond(
                B.editable,
                rx.button(
                    t("quotes.builder.make_one_off"),
                    on_click=B.unlink_client,
                    variant="ghost",
                    size="1",
                    type="button",
                    custom_attrs={"data-testid": "unlink-client"},
                ),
            ),
            align="center",
            gap="2",
            width="100%",
            custom_attrs={"data-testid": "linked-client"},
        ),
        rx.text(
            t("quotes.builder.one_off_hint"),
            size="1",
            color_scheme="gray",
        ),
    )
    return _card(
        t("common.field.client"),
        rx.cond(B.editable, client_picker()),
        linked,
        _grid(
            _field(
                "client_name",
                t("quotes.field.client_name"),
                _text("client_name", max_length=100),
                required=True,
                full=True,
            ),
            _field("client_email", t("common.field.email"), _text("client_email", type="email")),
            _field(
                "client_phone",
                t("common.field.phone"),
                _text("client_phone", type="tel", max_length=30),
            ),
            _field(
                "client_address",
                t("common.field.address"),
                _text("client_address", max_length=200),
                full=True,
            ),
        ),
        field_error_box(B.errors["client_id"]),
        testid="quote-client",
    )


def field_error_box(message: rx.Var) -> rx.Component:
    return rx.cond(message != "", rx.text(message, size="1", color_scheme="red"))


def pricing_card() -> rx.Component:
    discount = rx.flex(
        _text("discount_value", input_mode="decimal", flex="1"),
        rx.select.root(
            rx.select.trigger(aria_label=t("quotes.field.discount_type"), width="96px"),
            rx.select.content(
                rx.select.item("€", value="fixed"), rx.select.item("%", value="percentage")
            ),
            value=B.header["discount_type"],
            on_change=B.set_discount_type,
            disabled=~B.editable,
            size="2",
        ),
        gap="2",
        width="100%",
        custom_attrs={"data-testid": "quote-discount"},
    )
    tax = rx.input(
        rx.input.slot("%", side="right"),
        id="quote-tax_percent",
        default_value=B.header["tax_percent"],
        key=B.form_key,
        on_change=B.set_field("tax_percent").debounce(300),
        on_blur=B.set_field("tax_percent"),
        read_only=~B.editable,
        input_mode="decimal",
        size="2",
        width="100%",
        custom_attrs={"data-testid": "quote-tax_percent"},
    )
    return _card(
        t("quotes.builder.discount_and_tax"),
        _field(
            "discount_value",
            t("quotes.field.discount"),
            discount,
            hint=t("quotes.builder.discount_hint"),
        ),
        _field("tax_percent", t("quotes.builder.tax"), tax, hint=t("quotes.builder.tax_hint")),
    )


def notes_card() -> rx.Component:
    return _card(
        t("common.field.notes"),
        form_field(
            "quote",
            "notes",
            t("quotes.builder.notes_label"),
            rx.text_area(
                id="quote-notes",
                default_value=B.header["notes"],
                key=B.form_key,
                on_change=B.set_field("notes").debounce(300),
                on_blur=B.set_field("notes"),
                read_only=~B.editable,
                max_length=1000,
                rows="4",
                width="100%",
                custom_attrs={"data-testid": "quote-notes"},
            ),
            t(B.errors["notes"]),
            hint=B.notes_count,
        ),
    )


# --- header: title, save indicator, actions ------------------------------------------------------


def save_indicator() -> rx.Component:
    icon = rx.match(
        B.save_status,
        ("saved", rx.icon("cloud-check", size=14)),
        ("saving", rx.spinner(size="1")),
        ("unsaved", rx.icon("pencil-line", size=14)),
        ("error", rx.icon("cloud-alert", size=14)),
        rx.icon("cloud", size=14),
    )
    color = rx.match(
        B.save_status, ("saved", "green"), ("unsaved", "amber"), ("error", "red"), "gray"
    )
    return rx.cond(
        B.editable,
        rx.badge(
            icon,
            t(B.save_label),
            color_scheme=color,
            variant="soft",
            size="2",
            role="status",
            custom_attrs={"data-testid": "save-status", "data-status": B.save_status},
        ),
    )


def _action(icon: str, label: str | rx.Var[str], on_click, testid: str, **props) -> rx.Component:
    return rx.button(
        rx.icon(icon, size=16),
        rx.text(label, display=WIDE),
        on_click=on_click,
        variant=props.pop("variant", "soft"),
        size="2",
        title=label,
        aria_label=label,
        custom_attrs={"data-testid": testid},
        **props,
    )


def actions_bar() -> rx.Component:
    not_ready = ~B.pdf_ready
    can = B.can_write & (B.quote_id != "")
    return rx.flex(
        _action(
            "file-text",
            t("quotes.action.preview_pdf"),
            open_pdf(B.quote_id),
            "builder-preview-pdf",
            disabled=not_ready,
            color_scheme="gray",
        ),
        _action(
            "file-down",
            t("quotes.action.download_pdf"),
            open_pdf(B.quote_id, download=True),
            "builder-download-pdf",
            disabled=not_ready,
            color_scheme="gray",
        ),
        rx.cond(
            can & B.editable,
            _action(
                "send",
                t("quotes.send.title"),
                SEND.open_send,
                "builder-send",
                disabled=not_ready,
            ),
        ),
        rx.cond(
            can & (B.status == "Sent"),
            _action(
                "calendar-check",
                t("quotes.action.approve_into_event"),
                X.ask("approve", B.quote_id),
                "builder-approve",
                disabled=not_ready,
                variant="solid",
                color_scheme="green",
            ),
        ),
        rx.cond(
            can,
            rx.menu.root(
                rx.menu.trigger(
                    rx.icon_button(
                        rx.icon("ellipsis", size=16),
                        variant="soft",
                        color_scheme="gray",
                        size="2",
                        aria_label=t("quotes.builder.more_actions"),
                        custom_attrs={"data-testid": "builder-more"},
                    )
                ),
                rx.menu.content(
                    quote_menu_actions(
                        B.quote_id,
                        B.status,
                        lambda name: f"builder-{name}",
                        can_write=B.can_write,
                        can_delete=CAN_DELETE,
                        with_approve=False,
                    ),
                    align="end",
                ),
            ),
        ),
        gap="2",
        wrap="wrap",
        align="center",
        custom_attrs={"data-testid": "builder-actions"},
    )


def _warning(icon: str, text: rx.Var[str], testid: str) -> rx.Component:
    """A short amber line under the title (expired, changed since sent)."""
    return rx.text(
        rx.icon(icon, size=12),
        " ",
        text,
        size="1",
        color_scheme="amber",
        custom_attrs={"data-testid": testid},
    )


def title_bar() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.link(
                rx.hstack(
                    rx.icon("arrow-left", size=14), rx.text(t("quotes.builder.back")), spacing="1"
                ),
                href=routes.QUOTES,
                size="2",
                color_scheme="gray",
            ),
            rx.flex(
                rx.heading(
                    rx.cond(B.quote_id != "", B.page_title, t("quotes.list.new")),
                    size="5",
                    as_="h2",
                    custom_attrs={"data-testid": "quote-title"},
                ),
                rx.cond(B.quote_id != "", status_badge(B.status)),
                save_indicator(),
                gap="2",
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                B.sent_on != "",
                rx.text(
                    rx.cond(
                        B.sent_to != "",
                        t("quotes.builder.sent_info", to=B.sent_to, date=B.sent_on),
                        t("quotes.builder.marked_sent_info", date=B.sent_on),
                    ),
                    rx.cond(
                        (B.valid_until != "") & ~B.expired,
                        t("quotes.builder.valid_until", date=B.valid_until),
                        "",
                    ),
                    size="1",
                    color_scheme="gray",
                    custom_attrs={"data-testid": "sent-info"},
                ),
            ),
            rx.cond(
                B.expired,
                _warning(
                    "clock-alert",
                    t("quotes.builder.expired", date=B.valid_until, days=VALIDITY_DAYS),
                    "quote-expired",
                ),
            ),
            rx.cond(
                B.changed_since_sent,
                _warning(
                    "triangle-alert", t("quotes.builder.changed_since_sent"), "changed-since-sent"
                ),
            ),
            rx.cond(
                B.event_id != "",
                rx.link(
                    rx.hstack(
                        rx.icon("calendar-check", size=14),
                        rx.text(t("quotes.builder.event_link", event=B.event_name)),
                    ),
                    href=routes.EVENTS + "/" + B.event_id,
                    size="2",
                    custom_attrs={"data-testid": "quote-event-link"},
                ),
            ),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        actions_bar(),
        direction=rx.breakpoints(initial="column", md="row"),
        align=rx.breakpoints(initial="start", md="end"),
        gap="3",
        width="100%",
    )


def notices() -> rx.Component:
    return rx.vstack(
        live_banner(B.live_notice, B.dismiss_notice),
        rx.cond(
            B.stale_notice != "",
            rx.callout(
                B.stale_notice,
                icon="radio",
                color_scheme="blue",
                size="1",
                width="100%",
                custom_attrs={"data-testid": "form-stale"},
            ),
        ),
        conflict_resolution(B, "quote"),
        rx.cond(
            ~B.can_write,
            rx.callout(
                t("quotes.builder.read_only_role"),
                icon="eye",
                color_scheme="gray",
                size="1",
                width="100%",
                custom_attrs={"data-testid": "quote-read-only"},
            ),
            rx.cond(
                ~B.editable & (B.quote_id != ""),
                rx.callout(
                    t(
                        "quotes.builder.read_only_status",
                        status=t("quotes.status." + B.status.lower()),
                    ),
                    icon="lock",
                    color_scheme="gray",
                    size="1",
                    width="100%",
                    custom_attrs={"data-testid": "quote-read-only"},
                ),
            ),
        ),
        rx.cond(
            B.save_hint != "",
            rx.text(
                t(B.save_hint, fields=B.save_hint_fields.map(lambda key: t(key)).join(", ")),
                size="2",
                color_scheme="amber",
                custom_attrs={"data-testid": "save-hint"},
            ),
        ),
        rx.cond(
            B.form_error != "",
            rx.callout(
                B.form_error,
                icon="circle-alert",
                color_scheme="red",
                size="1",
                width="100%",
                custom_attrs={"data-testid": "form-error"},
            ),
        ),
        spacing="2",
        width="100%",
    )


def totals_shown() -> rx.Var:
    """The state's totals with their labels worded in the tab's language."""
    totals = B.totals
    discount = rx.cond(
        totals["discount_rate"] != "",
        t("quotes.totals.discount_rate", rate=totals["discount_rate"]),
        t("quotes.field.discount"),
    )
    tax = rx.cond(
        totals["tax_rate"] != "",
        t("quotes.totals.tax_rate", rate=totals["tax_rate"]),
        t("quotes.builder.tax"),
    )
    keys = ("sub_total", "discount", "net", "fees", "tax", "total")
    return rx.Var.create(
        {k: totals[k] for k in keys} | {"discount_label": discount, "tax_label": tax}
    )


def builder_body() -> rx.Component:
    main = rx.vstack(details_card(), client_card(), lines_section(), notes_card(), spacing="4")
    # Beside the document on a desktop; below it, side by side, on a tablet.
    aside = rx.grid(
        pricing_card(),
        quote_totals(totals_shown(), t(B.totals_note)),
        grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr", md="1fr"),
        gap="16px",
        align_items="start",
        position=rx.breakpoints(initial="static", md="sticky"),
        top="16px",
    )
    return rx.grid(
        rx.box(main, min_width="0"),
        rx.box(aside, min_width="0"),
        grid_template_columns=rx.breakpoints(initial="1fr", md="minmax(0, 1fr) 320px"),
        gap="16px",
        width="100%",
        align_items="start",
    )


def builder_content() -> rx.Component:
    return rx.cond(
        ~B.loaded,
        rx.center(rx.spinner(size="3"), padding="48px", width="100%"),
        rx.cond(
            B.not_found,
            message_box(
                "file-x",
                t("quotes.builder.not_found_title"),
                t("quotes.builder.not_found_text"),
                rx.link(
                    rx.button(t("quotes.builder.back_to_quotes"), variant="soft"),
                    href=routes.QUOTES,
                ),
                testid="quote-not-found",
            ),
            rx.vstack(
                title_bar(),
                notices(),
                rx.cond(
                    B.load_error != "",
                    rx.callout(B.load_error, icon="circle-alert", color_scheme="red"),
                ),
                builder_body(),
                spacing="4",
                width="100%",
            ),
        ),
    )


def quote_builder_page() -> rx.Component:
    return shell(
        routes.QUOTES,
        rx.box(
            builder_content(),
            confirm_dialog(),
            send_dialog(),
            width="100%",
            custom_attrs={"data-testid": "quote-builder"},
        ),
    )
