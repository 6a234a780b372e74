"""/reports (Admin, Manager): revenue by month (3-24 months), and over a chosen period the top
clients and items (ten each), utilisation per category and per item (paged, filterable by
category)."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.charts import (
    category_lines,
    overall_figure,
    panel,
    revenue_chart,
    top_clients_list,
    top_items_list,
    utilisation_chart,
    utilisation_table,
)
from avrentals.ui.components.date_range import date_input, range_error
from avrentals.ui.components.listing import error_callout, loading_rows
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.state.reports import ALL_CATEGORIES, MONTH_CHOICES, ReportsState

S = ReportsState


def months_picker() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            aria_label=t("reports.months.label"), custom_attrs={"data-testid": "months"}
        ),
        rx.select.content(
            *[rx.select.item(t("reports.months.last", months=m), value=m) for m in MONTH_CHOICES],
        ),
        value=S.months,
        on_change=S.set_months,
        size="1",
    )


def period_bar() -> rx.Component:
    return rx.card(
        rx.flex(
            rx.hstack(
                rx.icon("calendar-range", size=16, color="var(--gray-10)"),
                rx.text(t("reports.period.label"), size="2", weight="medium"),
                date_input(
                    t("reports.period.from"), S.start, S.set_start, "report-start", size="2"
                ),
                rx.text("\u2013", color_scheme="gray"),
                date_input(t("reports.period.to"), S.end, S.set_end, "report-end", size="2"),
                spacing="2",
                align="center",
                width=rx.breakpoints(initial="100%", md="auto"),
                min_width=rx.breakpoints(md="440px"),
            ),
            rx.hstack(
                rx.button(
                    t("reports.period.last_90"),
                    on_click=S.reset_period,
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    custom_attrs={"data-testid": "report-reset"},
                ),
                rx.cond(S.loading, rx.spinner(size="2")),
                spacing="2",
                align="center",
            ),
            justify="between",
            align="center",
            gap="10px",
            wrap="wrap",
            width="100%",
        ),
        range_error(S.range_error),
        width="100%",
    )


def category_picker() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            placeholder=t("reports.category.all"),
            aria_label=t("common.field.category"),
            custom_attrs={"data-testid": "report-category"},
        ),
        rx.select.content(
            rx.select.item(t("reports.category.all"), value=ALL_CATEGORIES),
            rx.foreach(S.category_options, lambda c: rx.select.item(c["name"], value=c["id"])),
        ),
        value=S.category,
        on_change=S.set_category,
        size="1",
    )


def item_pager() -> rx.Component:
    return rx.flex(
        rx.text(
            rx.cond(
                S.total_items == 0,
                t("reports.items.none"),
                t("reports.items.range", first=S.first_item, last=S.last_item, total=S.total_items),
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.hstack(
            rx.icon_button(
                rx.icon("chevron-left", size=16),
                on_click=S.prev_page,
                disabled=S.page <= 1,
                variant="soft",
                size="2",
                aria_label=t("reports.pager.previous"),
            ),
            rx.icon_button(
                rx.icon("chevron-right", size=16),
                on_click=S.next_page,
                disabled=S.page >= S.total_pages,
                variant="soft",
                size="2",
                aria_label=t("reports.pager.next"),
            ),
            spacing="2",
        ),
        justify="between",
        align="center",
        width="100%",
    )


def content() -> rx.Component:
    revenue = panel(
        t("reports.revenue.title"),
        "chart-column",
        revenue_chart(S.revenue, S.revenue_sum),
        rx.text(
            t("reports.revenue.note"),
            size="1",
            color_scheme="gray",
            margin_top="8px",
        ),
        testid="revenue-panel",
        aside=months_picker(),
    )
    utilisation = panel(
        t("reports.utilisation.title"),
        "gauge",
        rx.vstack(
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
                    rx.text(t("reports.utilisation.by_item"), size="2", weight="medium"),
                    utilisation_table(S.items),
                    item_pager(),
                    spacing="2",
                    min_width="0",
                ),
                columns=rx.breakpoints(initial="1", lg="2"),
                gap="16px",
                width="100%",
            ),
            rx.text(
                t("reports.utilisation.note"),
                size="1",
                color_scheme="gray",
            ),
            spacing="3",
            width="100%",
        ),
        testid="utilisation-panel",
        aside=category_picker(),
    )
    return rx.vstack(
        rx.text(routes.BY_PATH[routes.REPORTS].description, size="2", color_scheme="gray"),
        error_callout(S.error),
        period_bar(),
        rx.cond(
            S.loaded,
            rx.vstack(
                utilisation,
                rx.grid(
                    panel(
                        t("reports.top_clients.title"),
                        "trophy",
                        top_clients_list(S.top_clients),
                        testid="top-clients-panel",
                    ),
                    panel(
                        t("reports.top_items.title"),
                        "package",
                        top_items_list(S.top_items),
                        testid="top-items-panel",
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    gap="12px",
                    width="100%",
                ),
                revenue,
                spacing="3",
                width="100%",
            ),
            loading_rows("reports-loading"),
        ),
        spacing="3",
        width="100%",
        custom_attrs={"data-testid": "reports"},
    )


def reports_page() -> rx.Component:
    return shell(routes.REPORTS, content())
