"""/notifications (everyone, own notifications only): the full list with filters (all /
unread, by type) and paging, mark read / all read, remove, and the types to mute."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.listing import loading_rows, message_box, no_results_box
from avrentals.ui.components.notification_bell import notification_summary
from avrentals.ui.components.shell import shell
from avrentals.ui.state.notifications import TYPE_CHOICES, NotificationsState

S = NotificationsState


def _filters() -> rx.Component:
    return rx.flex(
        rx.segmented_control.root(
            rx.segmented_control.item("All", value="all"),
            rx.segmented_control.item("Unread", value="unread"),
            value=S.show,
            on_change=S.set_show,
            size="2",
            custom_attrs={"data-testid": "notifications-show"},
        ),
        rx.select.root(
            rx.select.trigger(placeholder="Any type", aria_label="Type"),
            rx.select.content(
                rx.select.item("Any type", value="any"),
                *[rx.select.item(c["label"], value=c["value"]) for c in TYPE_CHOICES],
            ),
            value=S.type_value,
            on_change=S.set_kind,
            size="2",
        ),
        rx.spacer(display=rx.breakpoints(initial="none", sm="block")),
        rx.button(
            rx.icon("check-check", size=16),
            "Mark all read",
            on_click=S.mark_all_read,
            disabled=S.unread == 0,
            variant="soft",
            custom_attrs={"data-testid": "page-mark-all"},
        ),
        gap="3",
        wrap="wrap",
        align="center",
        width="100%",
    )


def _row(n: rx.Var) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.box(
                rx.el.button(
                    notification_summary(n),
                    type="button",
                    on_click=S.open_item(n["id"]),
                    width="100%",
                    cursor="pointer",
                    text_align="left",
                    background="transparent",
                    border="none",
                    padding="0",
                    color="inherit",
                ),
                flex="1",
                min_width="0",
            ),
            rx.hstack(
                rx.badge(n["type_label"], variant="soft", color_scheme="gray"),
                rx.cond(
                    n["read"] == "1",
                    rx.fragment(),
                    rx.icon_button(
                        rx.icon("check", size=16),
                        on_click=S.mark_read(n["id"]),
                        variant="ghost",
                        size="2",
                        aria_label="Mark read",
                        title="Mark read",
                    ),
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=16),
                    on_click=S.delete_item(n["id"]),
                    variant="ghost",
                    color_scheme="red",
                    size="2",
                    aria_label="Remove",
                    title="Remove",
                ),
                align="center",
                spacing="2",
            ),
            direction=rx.breakpoints(initial="column", sm="row"),
            gap="3",
            align=rx.breakpoints(initial="start", sm="center"),
            width="100%",
        ),
        width="100%",
        background=rx.cond(n["read"] == "1", "var(--color-panel)", "var(--accent-a2)"),
        custom_attrs={
            "data-testid": "notification-row",
            "data-read": rx.cond(n["read"] == "1", "true", "false"),
        },
    )


def _list() -> rx.Component:
    return rx.cond(
        ~S.loaded,
        loading_rows("notifications-loading"),
        rx.cond(
            S.rows.length() > 0,
            rx.vstack(
                rx.foreach(S.rows, _row),
                rx.hstack(
                    rx.text(S.page_label, size="2", color_scheme="gray"),
                    rx.icon_button(
                        rx.icon("chevron-left", size=16),
                        on_click=S.prev_page,
                        disabled=S.page <= 1,
                        variant="soft",
                        color_scheme="gray",
                        aria_label="Previous page",
                    ),
                    rx.icon_button(
                        rx.icon("chevron-right", size=16),
                        on_click=S.next_page,
                        disabled=S.page >= S.total_pages,
                        variant="soft",
                        color_scheme="gray",
                        aria_label="Next page",
                    ),
                    align="center",
                    justify="end",
                    width="100%",
                ),
                spacing="2",
                width="100%",
            ),
            rx.cond(
                S.has_filters,
                no_results_box(
                    "Nothing matches",
                    "No notification matches these filters.",
                    "Show all",
                    S.clear_filters,
                    "notifications-no-results",
                ),
                message_box(
                    "bell-off",
                    "No notifications",
                    "Reminders, alerts and changes that concern you will appear here.",
                    testid="notifications-empty-page",
                ),
            ),
        ),
    )


def _preference(choice: dict[str, str]) -> rx.Component:
    kind = choice["value"]
    return rx.el.label(
        rx.hstack(
            rx.checkbox(
                checked=S.muted.contains(kind),
                on_change=lambda checked: S.set_muted(kind, checked),
                disabled=S.saving_prefs,
                custom_attrs={"data-testid": f"mute-{kind}"},
            ),
            rx.text(choice["label"], size="2"),
            align="center",
            spacing="2",
        ),
        cursor="pointer",
    )


def _preferences() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Mute notifications", size="3", as_="h2"),
            rx.text(
                "Ticked types are not sent to you from now on; what you already received stays.",
                size="2",
                color_scheme="gray",
            ),
            rx.grid(
                *[_preference(c) for c in TYPE_CHOICES],
                columns=rx.breakpoints(initial="1", sm="2"),
                gap="3",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-testid": "notification-preferences"},
    )


def notifications_page() -> rx.Component:
    return shell(
        routes.NOTIFICATIONS,
        rx.vstack(
            rx.text(
                routes.BY_PATH[routes.NOTIFICATIONS].description, size="2", color_scheme="gray"
            ),
            _filters(),
            _list(),
            _preferences(),
            spacing="4",
            width="100%",
            max_width="860px",
        ),
    )
