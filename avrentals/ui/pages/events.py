"""/events: the events list (server-side pages, search, status and client filters, sort) in a
table or as cards, with the create / edit / duplicate / delete dialogs. Phones get cards."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.listing import (
    header_cell,
    icon_action,
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
from avrentals.ui.pages.event_dialogs import event_dialogs
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.event_form import EventDeleteState, EventDuplicateState, EventFormState
from avrentals.ui.state.events import ALL, EVENTS_PATH, SORT_OPTIONS, STATUS_LABELS, EventsState

S = EventsState
CAN_WRITE = AuthState.permissions.contains("events:write")
CAN_DELETE = AuthState.permissions.contains("events:delete")
CAN_DUPLICATE = CAN_WRITE & AuthState.permissions.contains("rentals:write")


def detail_href(event_id: rx.Var) -> rx.Var:
    return EVENTS_PATH + "/" + event_id


def status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    """Upcoming blue, on now green, completed gray; `label` is the catalogue key of the
    status's label (`STATUS_LABELS`)."""
    return status_pill(status, t(label), {"upcoming": "blue", "ongoing": "green"}, "event-status")


def overdue_badge(row: rx.Var) -> rx.Component:
    """Red flag of an event whose gear is not all back after its return window."""
    return rx.cond(
        row["overdue"] != "",
        rx.badge(
            rx.icon("triangle-alert", size=12),
            row["overdue"],
            color_scheme="red",
            variant="solid",
            radius="full",
            white_space="normal",
            custom_attrs={"data-testid": "event-overdue-badge"},
        ),
    )


def new_event_button() -> rx.Component:
    return new_button(CAN_WRITE, t("events.list.new"), EventFormState.open_create, "new-event")


def row_actions(row: rx.Var) -> rx.Component:
    duplicate = icon_action(
        "copy",
        EventDuplicateState.open_duplicate(row["id"]),
        t("events.list.duplicate_aria", name=row["name"]),
        "duplicate-event",
        title=t("events.action.duplicate"),
    )
    return list_row_actions(
        row,
        can_edit=CAN_WRITE,
        on_edit=EventFormState.open_edit(row["id"]),
        edit_testid="edit-event",
        can_delete=CAN_DELETE,
        on_delete=EventDeleteState.ask_delete(row["id"]),
        delete_testid="delete-event",
        more=(rx.cond(CAN_DUPLICATE, duplicate),),
    )


def _select(value, on_change, items: list[rx.Component], label: str | rx.Var[str], testid: str):
    return rx.box(
        rx.select.root(
            rx.select.trigger(width="100%", aria_label=label),
            rx.select.content(*items),
            value=value,
            on_change=on_change,
            size="2",
        ),
        min_width="0",
        custom_attrs={"data-testid": testid},
    )


def toolbar() -> rx.Component:
    search = search_box(
        value=S.search,
        key=S.filters_key,
        on_change=S.set_search.debounce(300),
        placeholder=t("events.list.search_placeholder"),
        label=t("events.list.search_label"),
        testid="event-search",
    )
    status = _select(
        S.status,
        S.set_status,
        [
            rx.select.item(t("events.list.all_statuses"), value=ALL),
            *[rx.select.item(t(label), value=key) for key, label in STATUS_LABELS.items()],
        ],
        t("common.field.status"),
        "status-filter",
    )
    client = _select(
        S.client,
        S.set_client,
        [
            rx.select.item(t("events.list.all_clients"), value=ALL),
            rx.select.separator(),
            rx.foreach(S.clients, lambda c: rx.select.item(c["name"], value=c["id"])),
        ],
        t("common.field.client"),
        "client-filter",
    )
    sort = _select(
        S.sort,
        S.set_sort,
        [rx.select.item(t(label), value=key) for key, (_s, _d, label) in SORT_OPTIONS.items()],
        t("events.list.sort_label"),
        "event-sort",
    )
    view = rx.box(
        rx.segmented_control.root(
            rx.segmented_control.item(
                rx.icon("table", size=14),
                value="table",
                aria_label=t("events.list.view_table"),
                title=t("events.list.view_table"),
            ),
            rx.segmented_control.item(
                rx.icon("layout-grid", size=14),
                value="cards",
                aria_label=t("events.list.view_cards"),
                title=t("events.list.view_cards"),
            ),
            value=S.view,
            on_change=S.set_view,
            size="2",
            aria_label=t("events.list.view_toggle"),
        ),
        class_name="avr-only-wide",
        custom_attrs={"data-testid": "view-toggle"},
    )
    return rx.grid(
        rx.box(search, grid_column=rx.breakpoints(initial="1 / -1", md="auto")),
        status,
        client,
        sort,
        view,
        grid_template_columns=rx.breakpoints(
            initial="1fr 1fr", sm="1fr 1fr 1fr auto", md="2fr 1fr 1fr 1fr auto"
        ),
        gap="12px",
        width="100%",
        align_items="center",
    )


# --- table and cards -----------------------------------------------------------------------


def table_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(
                row["name"],
                href=detail_href(row["id"]),
                weight="medium",
                custom_attrs={"data-field": "name"},
            ),
            rx.text(row["location"], size="1", color_scheme="gray", class_name="avr-only-tablet"),
        ),
        rx.table.cell(rx.text(row["client"], custom_attrs={"data-field": "client"})),
        rx.table.cell(row["location"], class_name="avr-col-desktop"),
        rx.table.cell(
            rx.text(row["period"], white_space="nowrap", custom_attrs={"data-field": "period"}),
            rx.cond(
                row["buffers"] != "",
                rx.text(row["buffers"], size="1", color_scheme="gray", white_space="nowrap"),
            ),
        ),
        rx.table.cell(
            rx.flex(
                status_badge(row["status"], row["status_label"]),
                overdue_badge(row),
                gap="1",
                wrap="wrap",
            )
        ),
        rx.table.cell(row_actions(row), white_space="nowrap"),
        **live_attrs(row, S, "event-row"),
        align="center",
    )


def events_table() -> rx.Component:
    headers = [
        header_cell(t("events.list.col_event")),
        header_cell(t("common.field.client")),
        header_cell(t("common.field.location"), desktop_only=True),
        header_cell(t("events.list.col_dates")),
        header_cell(t("common.field.status")),
    ]
    return list_table(headers, S.rows, table_row, "event-table")


def event_card(row: rx.Var) -> rx.Component:
    return list_card(
        row,
        S,
        "event-card",
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.link(
                        row["name"],
                        href=detail_href(row["id"]),
                        weight="bold",
                        size="3",
                        custom_attrs={"data-field": "name"},
                    ),
                    rx.text(row["client"], size="2", color_scheme="gray"),
                    spacing="1",
                    min_width="0",
                ),
                rx.spacer(),
                rx.flex(
                    status_badge(row["status"], row["status_label"]),
                    overdue_badge(row),
                    gap="1",
                    wrap="wrap",
                    justify="end",
                ),
                align="start",
                width="100%",
            ),
            rx.hstack(
                rx.icon("calendar", size=14, color="var(--gray-10)", flex_shrink="0"),
                rx.text(row["period"], size="2"),
                rx.cond(
                    row["buffers"] != "",
                    rx.text("+ " + row["buffers"], size="1", color_scheme="gray"),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.hstack(
                rx.icon("map-pin", size=14, color="var(--gray-10)", flex_shrink="0"),
                rx.text(row["location"], size="2", min_width="0"),
                rx.spacer(),
                row_actions(row),
                align="center",
                spacing="2",
                width="100%",
            ),
            spacing="2",
        ),
    )


def card_grid() -> rx.Component:
    """Cards on every screen size (the "cards" view)."""
    return rx.grid(
        rx.foreach(S.rows, event_card),
        grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr", lg="1fr 1fr 1fr"),
        gap="12px",
        width="100%",
        custom_attrs={"data-testid": "event-cards"},
    )


def list_body() -> rx.Component:
    empty = message_box(
        "calendar-plus",
        t("events.list.empty_title"),
        t("events.list.empty_text"),
        new_event_button(),
        testid="event-empty",
    )
    no_results = no_results_box(
        t("events.list.no_results_title"),
        t("events.list.no_results_text"),
        t("events.list.clear_filters"),
        S.clear_filters,
        "event-no-results",
    )
    return list_states(
        S,
        loading_testid="event-loading",
        empty=empty,
        no_results=no_results,
        content=rx.cond(
            S.view == "cards",
            card_grid(),
            rx.fragment(events_table(), list_cards(S.rows, event_card)),
        ),
    )


def events_page() -> rx.Component:
    return list_page(
        EVENTS_PATH,
        routes.BY_PATH[EVENTS_PATH].description,
        S,
        new=new_event_button(),
        toolbar=toolbar(),
        body=list_body(),
        dialogs=[event_dialogs()],
    )
