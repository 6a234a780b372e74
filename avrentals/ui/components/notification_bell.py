"""The notification bell of the header: the unread badge, a popover with the latest
notifications (newest first, priority colour, relative time; a click marks it read and opens
what it is about), "Mark all read" and a link to /notifications. Also the notification
summary shared with the /notifications page."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.i18n import t
from avrentals.ui.state.notifications import NotificationBellState

S = NotificationBellState
# Long messages stop after two lines in the popover.
CLAMP_2 = {
    "display": "-webkit-box",
    "WebkitLineClamp": "2",
    "WebkitBoxOrient": "vertical",
    "overflow": "hidden",
}


def priority_dot(color: rx.Var) -> rx.Component:
    return rx.box(
        width="10px",
        height="10px",
        min_width="10px",
        margin_top="5px",
        border_radius="9999px",
        background=rx.match(
            color,
            ("red", "var(--red-9)"),
            ("amber", "var(--amber-9)"),
            "var(--gray-8)",
        ),
    )


def when_text(n: rx.Var) -> rx.Var[str]:
    """How long ago a notification arrived ("5 min ago", "12 Mar 2026") in the tab's
    language, from the parts `display_row` puts in the row."""
    return t(
        n["when_key"].to(str),
        n=n["when_n"],
        day=n["when_day"],
        month=t(n["when_month"].to(str)),
        year=n["when_year"],
    )


def notification_summary(n: rx.Var) -> rx.Component:
    """Priority dot, title (bold while unread), message and when."""
    return rx.hstack(
        priority_dot(n["color"]),
        rx.vstack(
            rx.text(
                n["title"],
                size="2",
                weight=rx.cond(n["read"] == "1", "regular", "bold"),  # i18n: not text
                trim="both",
            ),
            rx.text(n["message"], size="1", color_scheme="gray", style=CLAMP_2),
            rx.text(
                rx.cond(n["priority"] == "high", t("ui.notifications.high_priority"), ""),
                when_text(n),
                size="1",
                color=rx.cond(
                    n["priority"] == "high",
                    "var(--red-11)",  # i18n: not text
                    "var(--gray-10)",  # i18n: not text
                ),
            ),
            spacing="1",
            align="start",
            min_width="0",
            text_align="left",
        ),
        spacing="3",
        align="start",
        width="100%",
    )


def _bell_item(n: rx.Var) -> rx.Component:
    return rx.el.button(
        notification_summary(n),
        type="button",
        on_click=S.open_item(n["id"]),
        width="100%",
        padding="10px 12px",
        border_radius="var(--radius-3)",
        background=rx.cond(
            n["read"] == "1",
            "transparent",  # i18n: not text
            "var(--accent-a2)",  # i18n: not text
        ),
        cursor="pointer",
        border="none",
        color="inherit",
        _hover={"background": "var(--gray-a3)"},
        custom_attrs={
            "data-testid": "notification-item",
            "data-priority": n["priority"],
            "data-read": rx.cond(n["read"] == "1", "true", "false"),  # i18n: not text
        },
    )


def _popover_body() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(t("nav.notifications.label"), size="3", as_="h2"),
            rx.spacer(),
            rx.button(
                rx.icon("check-check", size=14),
                t("ui.notifications.mark_all_read"),
                on_click=S.mark_all_read,
                disabled=S.unread == 0,
                variant="ghost",
                size="1",
                custom_attrs={"data-testid": "notifications-mark-all"},
            ),
            align="center",
            width="100%",
            padding="4px 4px 0 4px",
        ),
        rx.cond(
            S.items.length() > 0,
            rx.vstack(
                rx.foreach(S.items, _bell_item),
                spacing="1",
                width="100%",
                max_height="min(420px, 60vh)",
                overflow_y="auto",
            ),
            rx.center(
                rx.vstack(
                    rx.icon("bell-off", size=22, color="var(--gray-9)"),
                    rx.text(t("ui.notifications.caught_up"), size="2", color_scheme="gray"),
                    align="center",
                    spacing="2",
                ),
                padding="28px 8px",
                width="100%",
                custom_attrs={"data-testid": "notifications-empty"},
            ),
        ),
        rx.separator(size="4"),
        rx.link(
            t("ui.notifications.see_all"),
            href=routes.NOTIFICATIONS,
            size="2",
            on_click=S.set_open(False),
            padding="0 4px 4px 4px",
            custom_attrs={"data-testid": "notifications-see-all"},
        ),
        spacing="2",
        width="100%",
    )


def notification_bell() -> rx.Component:
    """The header bell (loads on mount; live through `NotificationBellState`)."""
    return rx.box(
        rx.popover.root(
            rx.popover.trigger(
                rx.box(
                    rx.icon_button(
                        rx.icon("bell", size=18),
                        variant="ghost",
                        color_scheme="gray",
                        size="2",
                        aria_label=t("nav.notifications.label"),
                        title=t("nav.notifications.label"),
                        custom_attrs={"data-testid": "notification-bell"},
                    ),
                    rx.cond(
                        S.unread > 0,
                        rx.badge(
                            S.badge,
                            color_scheme="red",
                            variant="solid",
                            radius="full",
                            size="1",
                            position="absolute",
                            top="-6px",
                            right="-8px",
                            pointer_events="none",
                            custom_attrs={"data-testid": "notification-count"},
                        ),
                    ),
                    position="relative",
                    display="inline-flex",
                ),
            ),
            rx.popover.content(
                _popover_body(),
                width="min(380px, calc(100vw - 24px))",
                padding="8px",
                # Solid, so the page under the popover never shows through the list.
                background="var(--color-panel-solid)",
                align="end",
                custom_attrs={"data-testid": "notification-popover"},
            ),
            open=S.open,
            on_open_change=S.set_open,
        ),
        on_mount=S.load,
        display="inline-flex",
    )
