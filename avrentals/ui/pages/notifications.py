"""/notifications (everyone, own notifications only): the full list with filters (all /
unread, by type) and paging, mark read / all read, remove, and the types to mute."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.listing import loading_rows, message_box, no_results_box
from avrentals.ui.components.notification_bell import notification_summary
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.state.notifications import TYPE_CHOICES, NotificationsState

S = NotificationsState


def _filters() -> rx.Component:
    return rx.flex(
        rx.segmented_control.root(
            rx.segmented_control.item(t("ui.notifications.show_all"), value="all"),
            rx.segmented_control.item(t("ui.notifications.show_unread"), value="unread"),
            value=S.show,
            on_change=S.set_show,
            size="2",
            custom_attrs={"data-testid": "notifications-show"},
        ),
        rx.select.root(
            rx.select.trigger(
                placeholder=t("ui.notifications.any_type"), aria_label=t("ui.notifications.type")
            ),
            rx.select.content(
                rx.select.item(t("ui.notifications.any_type"), value="any"),
                *[rx.select.item(t(c["key"]), value=c["value"]) for c in TYPE_CHOICES],
            ),
            value=S.type_value,
            on_change=S.set_kind,
            size="2",
        ),
        rx.spacer(display=rx.breakpoints(initial="none", sm="block")),
        rx.button(
            rx.icon("check-check", size=16),
            t("ui.notifications.mark_all_read"),
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
                rx.badge(t(n["type_key"].to(str)), variant="soft", color_scheme="gray"),
                rx.cond(
                    n["read"] == "1",
                    rx.fragment(),
                    rx.icon_button(
                        rx.icon("check", size=16),
                        on_click=S.mark_read(n["id"]),
                        variant="ghost",
                        size="2",
                        aria_label=t("ui.notifications.mark_read"),
                        title=t("ui.notifications.mark_read"),
                    ),
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=16),
                    on_click=S.delete_item(n["id"]),
                    variant="ghost",
                    color_scheme="red",
                    size="2",
                    aria_label=t("common.action.remove"),
                    title=t("common.action.remove"),
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
        background=rx.cond(
            n["read"] == "1",
            "var(--color-panel)",  # i18n: not text
            "var(--accent-a2)",  # i18n: not text
        ),
        custom_attrs={
            "data-testid": "notification-row",
            "data-read": rx.cond(n["read"] == "1", "true", "false"),  # i18n: not text
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
                    rx.text(
                        t("common.list.page_of", page=S.page, pages=S.total_pages),
                        size="2",
                        color_scheme="gray",
                    ),
                    rx.icon_button(
                        rx.icon("chevron-left", size=16),
                        on_click=S.prev_page,
                        disabled=S.page <= 1,
                        variant="soft",
                        color_scheme="gray",
                        aria_label=t("ui.listing.previous_page"),
                    ),
                    rx.icon_button(
                        rx.icon("chevron-right", size=16),
                        on_click=S.next_page,
                        disabled=S.page >= S.total_pages,
                        variant="soft",
                        color_scheme="gray",
                        aria_label=t("ui.listing.next_page"),
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
                    t("ui.notifications.no_results.title"),
                    t("ui.notifications.no_results.text"),
                    t("ui.notifications.no_results.clear"),
                    S.clear_filters,
                    "notifications-no-results",
                ),
                message_box(
                    "bell-off",
                    t("ui.notifications.empty.title"),
                    t("ui.notifications.empty.text"),
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
            rx.text(t(choice["key"]), size="2"),
            align="center",
            spacing="2",
        ),
        cursor="pointer",
    )


def _preferences() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("ui.notifications.mute.title"), size="3", as_="h2"),
            rx.text(
                t("ui.notifications.mute.text"),
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
