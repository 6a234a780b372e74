"""/ — the dashboard: greeting, stat cards (each linking to its page), the user's events this
week, quick actions for what the role may do, the notifications panel and, for Admins and
Managers, revenue, top clients, top items and utilisation with a period picker."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.charts import (
    category_lines,
    empty_note,
    overall_figure,
    panel,
    revenue_chart,
    stat_card,
    top_clients_list,
    top_items_list,
    utilisation_chart,
    utilisation_table,
)
from avrentals.ui.components.date_range import date_input, range_error
from avrentals.ui.components.listing import error_callout
from avrentals.ui.components.notification_bell import notification_summary
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.pages.equipment_dialogs import equipment_form_dialog
from avrentals.ui.pages.event_dialogs import event_form_dialog
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.dashboard import DashboardState
from avrentals.ui.state.equipment_form import EquipmentFormState
from avrentals.ui.state.event_form import EventFormState
from avrentals.ui.state.notifications import NotificationBellState

S = DashboardState
STATUS_COLORS = {"upcoming": "blue", "ongoing": "green", "completed": "gray"}
NOTIFICATIONS_SHOWN = 5


def can(permission: str) -> rx.Var:
    """Whether the signed-in role holds `permission` (display only; services decide)."""
    return AuthState.permissions.contains(permission)


def greeting() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading(
                t("dashboard.greeting.line", greeting=t(S.greeting_key), name=AuthState.user_name),
                size="6",
                as_="h2",
                custom_attrs={"data-testid": "greeting"},
            ),
            rx.hstack(
                rx.badge(
                    t(AuthState.user_role_key),
                    variant="soft",
                    size="2",
                    custom_attrs={"data-testid": "greeting-role"},
                ),
                rx.text(t("dashboard.greeting.subtitle"), size="2", color_scheme="gray"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            spacing="2",
        ),
        rx.cond(S.loading, rx.spinner(size="2")),
        justify="between",
        align="center",
        width="100%",
    )


def cards() -> rx.Component:
    return rx.grid(
        stat_card(
            "package",
            t("dashboard.card.equipment"),
            S.cards["equipment"],
            S.cards["equipment_note"],
            routes.EQUIPMENT,
            "card-equipment",
            "blue",
        ),
        stat_card(
            "users",
            t("dashboard.card.clients"),
            S.cards["clients"],
            S.cards["clients_note"],
            routes.CLIENTS,
            "card-clients",
            "violet",
        ),
        stat_card(
            "calendar-check",
            t("dashboard.card.upcoming"),
            S.cards["upcoming"],
            S.cards["upcoming_note"],
            routes.EVENTS,
            "card-upcoming",
            "green",
        ),
        stat_card(
            "wrench",
            t("dashboard.card.maintenance"),
            S.cards["maintenance"],
            S.cards["maintenance_note"],
            routes.MAINTENANCE,
            "card-maintenance",
            "orange",
        ),
        columns=rx.breakpoints(initial="2", lg="4"),
        gap="12px",
        width="100%",
    )


def event_row(e: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon("calendar-days", size=16),
            width="32px",
            height="32px",
            border_radius="var(--radius-3)",
            background="var(--accent-a3)",
            color="var(--accent-11)",
            flex_shrink="0",
        ),
        rx.vstack(
            rx.link(e["name"], href=routes.EVENTS + "/" + e["id"], size="2", weight="medium"),
            rx.text(e["period"] + " · " + e["client"], size="1", color_scheme="gray"),
            rx.text(e["location"], size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.match(
            e["status"],
            *[
                (k, rx.badge(t(e["status_label"]), color_scheme=c, variant="soft", radius="full"))
                for k, c in STATUS_COLORS.items()
            ],
            rx.badge(t(e["status_label"]), variant="soft", radius="full"),
        ),
        align="center",
        spacing="3",
        width="100%",
        custom_attrs={"data-testid": "my-event"},
    )


def my_events() -> rx.Component:
    return panel(
        t("dashboard.my_events.title"),
        "calendar-check",
        rx.cond(
            S.my_events.length() > 0,
            rx.vstack(rx.foreach(S.my_events, event_row), spacing="3", width="100%"),
            empty_note(
                "calendar-off",
                t("dashboard.my_events.empty"),
                "my-events-empty",
            ),
        ),
        testid="my-events",
        aside=rx.link(t("dashboard.my_events.all"), href=routes.EVENTS, size="2"),
    )


def action_button(icon: str, label: str | rx.Var[str], testid: str, **props) -> rx.Component:
    return rx.button(
        rx.icon(icon, size=16),
        label,
        variant="soft",
        size="3",
        width="100%",
        justify_content="start",
        custom_attrs={"data-testid": testid},
        **props,
    )


def quick_actions() -> rx.Component:
    new_event = rx.cond(
        can("events:write"),
        action_button(
            "calendar-plus",
            t("dashboard.quick.new_event"),
            "quick-new-event",
            on_click=EventFormState.open_create,
        ),
    )
    new_quote = rx.cond(
        can("quotes:write"),
        rx.link(
            action_button("file-plus", t("dashboard.quick.new_quote"), "quick-new-quote"),
            href=routes.QUOTES_NEW,
            width="100%",
        ),
    )
    scan = rx.cond(
        can("rentals:write"),
        rx.link(
            action_button("scan-barcode", t("dashboard.quick.scan_prep"), "quick-scan-prep"),
            href=routes.PREP,
            width="100%",
        ),
    )
    add_item = rx.cond(
        can("equipment:write"),
        action_button(
            "package-plus",
            t("dashboard.quick.add_item"),
            "quick-add-item",
            on_click=EquipmentFormState.open_create,
        ),
    )
    any_action = (
        can("events:write") | can("quotes:write") | can("rentals:write") | can("equipment:write")
    )
    return panel(
        t("dashboard.quick.title"),
        "zap",
        rx.cond(
            any_action,
            rx.grid(
                new_event,
                new_quote,
                scan,
                add_item,
                columns=rx.breakpoints(initial="2", md="1", xl="2"),
                gap="8px",
                width="100%",
            ),
            empty_note(
                "eye",
                t("dashboard.quick.none"),
                "quick-actions-empty",
            ),
        ),
        testid="quick-actions",
    )


def notification_row(n: rx.Var) -> rx.Component:
    """One of the latest notifications; a click marks it read and opens what it is about."""
    return rx.el.button(
        notification_summary(n),
        type="button",
        on_click=NotificationBellState.open_item(n["id"]),
        width="100%",
        padding="8px 10px",
        border_radius="var(--radius-3)",
        background=rx.cond(n["read"] == "1", "transparent", "var(--accent-a2)"),  # i18n: not text
        border="none",
        color="inherit",
        cursor="pointer",
        _hover={"background": "var(--gray-a3)"},
        custom_attrs={"data-testid": "dashboard-notification"},
    )


def notifications_panel() -> rx.Component:
    """The latest five notifications of the header bell's state (loaded and kept live by
    the bell itself), with a link to all of them."""
    items = NotificationBellState.items
    return panel(
        t("dashboard.notifications.title"),
        "bell",
        rx.cond(
            items.length() > 0,
            rx.vstack(
                rx.foreach(items[:NOTIFICATIONS_SHOWN], notification_row),
                spacing="1",
                width="100%",
            ),
            empty_note(
                "bell-off", t("dashboard.notifications.empty"), "dashboard-notifications-empty"
            ),
        ),
        testid="dashboard-notifications",
        aside=rx.link(t("dashboard.notifications.all"), href=routes.NOTIFICATIONS, size="2"),
    )


def period_picker() -> rx.Component:
    def preset(days: int) -> rx.Component:
        return rx.button(
            t("reports.period.days", days=days),
            on_click=S.last_days(days),
            variant="soft",
            color_scheme="gray",
            size="1",
            custom_attrs={"data-testid": f"period-{days}"},
        )

    return rx.vstack(
        rx.flex(
            rx.hstack(
                date_input(t("reports.period.from"), S.start, S.set_start, "util-start", size="1"),
                rx.text("\u2013", color_scheme="gray"),
                date_input(t("reports.period.to"), S.end, S.set_end, "util-end", size="1"),
                spacing="2",
                align="center",
                min_width=rx.breakpoints(initial="100%", sm="300px"),
            ),
            rx.hstack(preset(7), preset(30), preset(90), spacing="1"),
            gap="8px",
            wrap="wrap",
            align="center",
        ),
        range_error(S.range_error),
        spacing="1",
        width=rx.breakpoints(initial="100%", md="auto"),
    )


def report_panels() -> rx.Component:
    revenue = panel(
        t("dashboard.revenue.title"),
        "chart-column",
        revenue_chart(S.revenue, S.revenue_sum),
        testid="revenue-panel",
        aside=rx.link(t("nav.reports.label"), href=routes.REPORTS, size="2"),
    )
    clients = panel(
        t("reports.top_clients.title"),
        "trophy",
        top_clients_list(S.top_clients),
        testid="top-clients-panel",
    )
    items = panel(
        t("reports.top_items.title"),
        "package",
        top_items_list(S.top_items),
        testid="top-items-panel",
    )
    utilisation = panel(
        t("reports.utilisation.title"),
        "gauge",
        rx.vstack(
            period_picker(),
            overall_figure(S.overall),
            rx.grid(
                rx.vstack(
                    rx.text(t("reports.utilisation.by_category"), size="2", weight="medium"),
                    utilisation_chart(S.categories),
                    category_lines(S.categories),
                    spacing="2",
                    min_width="0",
                ),
                rx.vstack(
                    rx.text(t("dashboard.utilisation.busiest"), size="2", weight="medium"),
                    utilisation_table(S.items),
                    spacing="2",
                    min_width="0",
                ),
                columns=rx.breakpoints(initial="1", lg="2"),
                gap="16px",
                width="100%",
            ),
            rx.text(
                t("dashboard.utilisation.note"),
                size="1",
                color_scheme="gray",
            ),
            spacing="3",
            width="100%",
        ),
        testid="utilisation-panel",
    )
    return rx.vstack(
        revenue,
        rx.grid(
            clients, items, columns=rx.breakpoints(initial="1", md="2"), gap="12px", width="100%"
        ),
        utilisation,
        spacing="3",
        width="100%",
        custom_attrs={"data-testid": "report-panels"},
    )


def loading_placeholder() -> rx.Component:
    return rx.grid(
        *[rx.skeleton(height="96px", loading=True) for _ in range(4)],
        columns=rx.breakpoints(initial="2", lg="4"),
        gap="12px",
        width="100%",
    )


def dashboard_page() -> rx.Component:
    return shell(
        routes.HOME,
        rx.vstack(
            greeting(),
            error_callout(S.error),
            rx.cond(S.loaded, cards(), loading_placeholder()),
            rx.grid(
                my_events(),
                rx.vstack(quick_actions(), notifications_panel(), spacing="3", width="100%"),
                columns=rx.breakpoints(initial="1", md="2"),
                gap="12px",
                width="100%",
            ),
            rx.cond(S.has_reports, report_panels()),
            event_form_dialog(),
            equipment_form_dialog(),
            spacing="4",
            width="100%",
            custom_attrs={"data-testid": "dashboard"},
        ),
    )
