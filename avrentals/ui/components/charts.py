"""Report pieces shared by the dashboard and the reports page: the revenue bar chart, the
utilisation-per-category chart, the ranked lists (top clients, top items), the per-item
utilisation table, a panel frame and a stat card.

They take display-ready vars (strings, and plain numbers only where a chart needs a bar's
size) from `avrentals.ui.state.reports` helpers; every panel has an empty state.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.i18n import t

AXIS_TICK = {"fontSize": 12, "fill": "var(--gray-11)"}
TOOLTIP = {
    "content_style": {
        "background": "var(--color-panel-solid)",
        "border": "1px solid var(--gray-a6)",
        "borderRadius": "8px",
        "fontSize": "13px",
    },
    "label_style": {"color": "var(--gray-12)", "fontWeight": 600},
    "item_style": {"color": "var(--gray-12)"},
    "cursor": {"fill": "var(--gray-a3)"},
}


def panel(title: str | rx.Var[str], icon: str, *body: rx.Component, testid: str, aside: Any = None):
    """A titled card holding one report."""
    return rx.card(
        rx.flex(
            rx.hstack(
                rx.icon(icon, size=18, color="var(--accent-11)"),
                rx.heading(title, size="3", as_="h2"),
                spacing="2",
                align="center",
            ),
            aside if aside is not None else rx.fragment(),
            justify="between",
            align="center",
            gap="8px",
            wrap="wrap",
            margin_bottom="12px",
        ),
        *body,
        width="100%",
        min_width="0",
        custom_attrs={"data-testid": testid},
    )


def empty_note(icon: str, text: str | rx.Var[str], testid: str) -> rx.Component:
    """The quiet "nothing yet" line inside a panel."""
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=22, color="var(--gray-9)"),
            rx.text(text, size="2", color_scheme="gray", text_align="center"),
            align="center",
            spacing="2",
        ),
        padding="28px 12px",
        width="100%",
        custom_attrs={"data-testid": testid},
    )


def stat_card(
    icon: str,
    title: str | rx.Var[str],
    value: rx.Var,
    note: rx.Var,
    href: str,
    testid: str,
    color: str,
) -> rx.Component:
    """A big number with its caption, linking to the page it counts."""
    return rx.link(
        rx.card(
            rx.hstack(
                rx.center(
                    rx.icon(icon, size=20),
                    width="40px",
                    height="40px",
                    border_radius="var(--radius-3)",
                    background=f"var(--{color}-a3)",
                    color=f"var(--{color}-11)",
                    flex_shrink="0",
                ),
                rx.vstack(
                    rx.text(title, size="2", color_scheme="gray", weight="medium"),
                    rx.text(
                        value,
                        size="7",
                        weight="bold",
                        line_height="1.1",
                        custom_attrs={"data-testid": f"{testid}-value"},
                    ),
                    rx.text(note, size="1", color_scheme="gray"),
                    spacing="1",
                    min_width="0",
                ),
                spacing="3",
                align="start",
            ),
            width="100%",
            height="100%",
            class_name="avr-stat-card",
        ),
        href=href,
        underline="none",
        color="inherit",
        width="100%",
        custom_attrs={"data-testid": testid},
    )


def revenue_chart(points: rx.Var, total: rx.Var, testid: str = "revenue-chart") -> rx.Component:
    """Monthly revenue bars (accepted quotes by start month) with the period's total; an
    empty state when every month is zero."""
    has_revenue = total != ""
    return rx.cond(
        has_revenue,
        rx.vstack(
            rx.text(
                t("ui.charts.total"),
                " ",
                rx.text.strong(total, custom_attrs={"data-testid": "revenue-total"}),
                size="2",
                color_scheme="gray",
            ),
            rx.box(
                rx.recharts.bar_chart(
                    rx.recharts.cartesian_grid(
                        stroke_dasharray="3 3", vertical=False, stroke="var(--gray-a5)"
                    ),
                    rx.recharts.x_axis(data_key="short", tick=AXIS_TICK, tick_line=False),
                    rx.recharts.y_axis(tick=AXIS_TICK, width=56, tick_line=False),
                    rx.recharts.graphing_tooltip(**TOOLTIP),
                    rx.recharts.bar(
                        data_key="revenue",
                        name=t("ui.charts.revenue"),
                        fill="var(--accent-9)",
                        radius=[4, 4, 0, 0],
                        max_bar_size=48,
                    ),
                    data=points,
                    margin={"top": 8, "right": 8, "left": 0, "bottom": 0},
                    width="100%",
                    height=240,
                ),
                width="100%",
                height="240px",
            ),
            rx.flex(
                rx.foreach(
                    points,
                    lambda p: rx.text(
                        p["label"].to(str),
                        ": ",
                        p["text"].to(str),
                        size="1",
                        color_scheme="gray",
                        custom_attrs={"data-testid": "revenue-month"},
                    ),
                ),
                gap="4px 14px",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
            custom_attrs={"data-testid": testid},
        ),
        empty_note(
            "receipt",
            t("ui.charts.revenue_empty"),
            f"{testid}-empty",
        ),
    )


def utilisation_chart(categories: rx.Var, testid: str = "utilisation-chart") -> rx.Component:
    """Utilisation per category as horizontal bars (percent from 0 to a round figure above
    the busiest), busiest first."""
    return rx.cond(
        categories.length() > 0,
        rx.box(
            rx.recharts.bar_chart(
                rx.recharts.cartesian_grid(
                    stroke_dasharray="3 3", horizontal=False, stroke="var(--gray-a5)"
                ),
                rx.recharts.x_axis(
                    type_="number", domain=[0, "auto"], unit="%", tick=AXIS_TICK, tick_line=False
                ),
                rx.recharts.y_axis(
                    data_key="name", type_="category", width=96, tick=AXIS_TICK, tick_line=False
                ),
                rx.recharts.graphing_tooltip(**TOOLTIP),
                rx.recharts.bar(
                    data_key="value",
                    name=t("ui.charts.utilisation"),
                    unit="%",
                    fill="var(--teal-9)",
                    radius=[0, 4, 4, 0],
                    max_bar_size=22,
                ),
                data=categories,
                layout="vertical",
                margin={"top": 4, "right": 16, "left": 0, "bottom": 0},
                width="100%",
                height=rx.cond(categories.length() > 4, categories.length() * 40 + 40, 200),
            ),
            width="100%",
            custom_attrs={"data-testid": testid},
        ),
        empty_note("chart-bar", t("ui.charts.utilisation_empty"), f"{testid}-empty"),
    )


def category_lines(categories: rx.Var) -> rx.Component:
    """Each category's percentage and unit-days as text (what the chart shows, readable)."""
    return rx.vstack(
        rx.foreach(
            categories,
            lambda c: rx.flex(
                rx.text(c["name"].to(str), size="2", weight="medium", truncate=True, min_width="0"),
                rx.text(
                    rx.text.strong(c["percent"].to(str)),
                    " · ",
                    c["detail"].to(str),
                    size="1",
                    color_scheme="gray",
                    white_space="nowrap",
                ),
                justify="between",
                gap="8px",
                width="100%",
                custom_attrs={"data-testid": "utilisation-category"},
            ),
        ),
        spacing="1",
        width="100%",
    )


def ranked_list(
    rows: rx.Var,
    href_base: str,
    main: str,
    side: str,
    note: str,
    testid: str,
    empty: str | rx.Var[str],
) -> rx.Component:
    """A numbered top list: name (a link), a secondary line and a figure on the right."""
    return rx.cond(
        rows.length() > 0,
        rx.vstack(
            rx.foreach(
                rows,
                lambda r: rx.hstack(
                    rx.center(
                        rx.text(r["rank"], size="1", weight="bold"),
                        width="24px",
                        height="24px",
                        border_radius="9999px",
                        background="var(--accent-a3)",
                        color="var(--accent-11)",
                        flex_shrink="0",
                    ),
                    rx.vstack(
                        rx.link(
                            r["name"],
                            href=href_base + "/" + r["id"],
                            size="2",
                            weight="medium",
                            truncate=True,
                            max_width="100%",
                        ),
                        rx.text(r[note], size="1", color_scheme="gray"),
                        spacing="0",
                        min_width="0",
                        flex="1",
                    ),
                    rx.text(r[side], size="2", weight="bold", white_space="nowrap"),
                    align="center",
                    spacing="3",
                    width="100%",
                    custom_attrs={"data-testid": f"{testid}-row"},
                ),
            ),
            spacing="3",
            width="100%",
            custom_attrs={"data-testid": testid},
        ),
        empty_note("list-x", empty, f"{testid}-empty"),
    )


def top_clients_list(rows: rx.Var) -> rx.Component:
    return ranked_list(
        rows,
        routes.CLIENTS,
        "name",
        "revenue",
        "quotes",
        "top-clients",
        t("ui.charts.top_clients_empty"),
    )


def top_items_list(rows: rx.Var) -> rx.Component:
    return ranked_list(
        rows,
        routes.EQUIPMENT,
        "name",
        "unit_days",
        "rentals",
        "top-items",
        t("ui.charts.top_items_empty"),
    )


def utilisation_table(items: rx.Var, testid: str = "utilisation-items") -> rx.Component:
    """Per item: utilisation (with a bar), booked and bookable unit-days, good units."""

    def row(i: rx.Var) -> rx.Component:
        return rx.table.row(
            rx.table.cell(
                rx.vstack(
                    rx.link(
                        i["name"].to(str),
                        href=routes.EQUIPMENT + "/" + i["id"].to(str),
                        size="2",
                        weight="medium",
                    ),
                    rx.text(i["category"].to(str), size="1", color_scheme="gray"),
                    spacing="0",
                ),
            ),
            rx.table.cell(
                rx.vstack(
                    rx.text(i["percent"].to(str), size="2", weight="bold"),
                    rx.progress(value=i["value"], max=100, size="1", width="72px"),
                    spacing="1",
                ),
                custom_attrs={"data-testid": "utilisation-item-percent"},
            ),
            rx.table.cell(
                i["booked"].to(str) + " / " + i["bookable"].to(str),
                text_align="right",
                white_space="nowrap",
            ),
            rx.table.cell(
                i["good"].to(str),
                text_align="right",
                white_space="nowrap",
                display=rx.breakpoints(initial="none", sm="table-cell"),
            ),
            custom_attrs={"data-testid": "utilisation-item"},
        )

    return rx.cond(
        items.length() > 0,
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(t("ui.charts.item")),
                        rx.table.column_header_cell(t("ui.charts.utilisation")),
                        rx.table.column_header_cell(
                            t("ui.charts.booked_bookable"), text_align="right"
                        ),
                        rx.table.column_header_cell(
                            t("ui.charts.good_units"),
                            text_align="right",
                            display=rx.breakpoints(initial="none", sm="table-cell"),
                        ),
                    )
                ),
                rx.table.body(rx.foreach(items, row)),
                size="1",
                width="100%",
            ),
            width="100%",
            overflow_x="auto",
            custom_attrs={"data-testid": testid},
        ),
        empty_note("package", t("ui.charts.items_empty"), f"{testid}-empty"),
    )


def overall_figure(overall: rx.Var) -> rx.Component:
    """The period's overall utilisation: the percentage and the unit-days behind it."""
    return rx.hstack(
        rx.text(
            overall["percent"],
            size="6",
            weight="bold",
            custom_attrs={"data-testid": "utilisation-overall"},
        ),
        rx.vstack(
            rx.text(t("ui.charts.overall"), size="1", color_scheme="gray"),
            rx.text(overall["detail"], size="1", color_scheme="gray"),
            spacing="0",
        ),
        align="center",
        spacing="3",
    )
