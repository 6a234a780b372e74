"""/availability: the availability timeline, items x days with booked/bookable per cell.

The grid is plain CSS grid (one row element per item, one button per cell) inside one scroll
container, with a sticky item column and a sticky day header; at most 100 items per page are
rendered (server-side paging), so the DOM stays light with hundreds of items. Tapping a cell
opens the events that use the item that day.
"""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.date_range import date_input, range_error
from avrentals.ui.components.listing import (
    error_callout,
    live_banner,
    loading_rows,
    message_box,
    search_box,
)
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.pages.calendar import language_watch
from avrentals.ui.state.timeline import ALL_CATEGORIES, TimelineState

GRID_CSS = """
.tl-scroll { overflow: auto; max-height: calc(100dvh - 250px); min-height: 260px; width: 100%;
  border: 1px solid var(--gray-a5); border-radius: var(--radius-3);
  background: var(--color-panel-solid); overscroll-behavior: contain;
  -webkit-overflow-scrolling: touch; }
.tl-grid { --tl-name-w: 210px; --tl-cell-w: 46px; width: max-content; }
.tl-row { display: grid; grid-template-columns: var(--tl-cols); }
.tl-head { position: sticky; top: 0; z-index: 3; background: var(--color-panel-solid);
  border-bottom: 1px solid var(--gray-a6); }
.tl-corner, .tl-name { position: sticky; left: 0; z-index: 2;
  background: var(--color-panel-solid); border-right: 1px solid var(--gray-a6); }
.tl-corner { z-index: 4; display: flex; align-items: flex-end; padding: 6px 10px;
  font-size: 12px; font-weight: 600; color: var(--gray-11); }
.tl-name { display: flex; flex-direction: column; justify-content: center; min-width: 0;
  padding: 2px 10px; height: 38px; border-bottom: 1px solid var(--gray-a3); }
.tl-name a { font-size: 13px; font-weight: 500; color: var(--gray-12); text-decoration: none;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; line-height: 1.3; }
.tl-name a:hover { text-decoration: underline; }
.tl-name span { font-size: 11px; color: var(--gray-10); white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; line-height: 1.2; }
.tl-day { display: flex; flex-direction: column; align-items: center; justify-content: flex-end;
  padding: 4px 0 5px; font-size: 11px; line-height: 1.25; color: var(--gray-11); }
.tl-day b { font-size: 13px; color: var(--gray-12); font-weight: 600; }
.tl-day i { font-style: normal; font-size: 10px; text-transform: uppercase;
  color: var(--accent-11); font-weight: 600; min-height: 12px; }
.tl-day.we { background: var(--gray-a3); }
.tl-day.td { box-shadow: inset 0 -3px 0 var(--accent-9); }
.tl-day.td b { color: var(--accent-11); }
.tl-cell { appearance: none; border: 0; margin: 0; padding: 0; height: 38px; font: inherit;
  font-size: 11px; font-variant-numeric: tabular-nums; cursor: pointer; background: none;
  color: var(--gray-9); border-right: 1px solid var(--gray-a3);
  border-bottom: 1px solid var(--gray-a3); }
.tl-cell.we { background-color: var(--gray-a2); }
.tl-cell.part { background-color: var(--blue-a4); color: var(--blue-12); }
.tl-cell.full { background-color: var(--amber-a6); color: var(--amber-12); font-weight: 600; }
.tl-cell.over { background-color: var(--red-9); color: white; font-weight: 700; }
.tl-cell.none { color: var(--gray-8); }
.tl-cell.td { box-shadow: inset 2px 0 0 var(--accent-9), inset -2px 0 0 var(--accent-9); }
.tl-cell:hover { filter: brightness(0.93); }
.tl-cell:focus-visible { outline: 2px solid var(--accent-9); outline-offset: -2px; }
.tl-range > * { min-width: 0; }
.tl-range input[type="date"] { min-width: 0; width: 100%; }
.tl-swatch { width: 14px; height: 14px; border-radius: 3px; display: inline-block;
  border: 1px solid var(--gray-a5); }
@media (max-width: 767px) {
  .tl-grid { --tl-name-w: 124px; --tl-cell-w: 42px; }
  .tl-scroll { max-height: calc(100dvh - 330px); }
  .tl-name { padding: 2px 8px; }
}
"""


def range_picker() -> rx.Component:
    size = {"size": rx.breakpoints(initial="1", sm="2"), "height": "32px"}

    def step(icon: str, label: rx.Var[str], direction: int, testid: str) -> rx.Component:
        return rx.icon_button(
            rx.icon(icon, size=16),
            on_click=TimelineState.shift(direction),
            variant="soft",
            color_scheme="gray",
            size="2",
            aria_label=label,
            title=label,
            custom_attrs={"data-testid": testid},
        )

    return rx.hstack(
        step("chevron-left", t("timeline.range.earlier"), -1, "range-prev"),
        date_input(
            t("timeline.range.from"),
            TimelineState.start,
            TimelineState.set_start,
            "range-start",
            **size,
        ),
        rx.text("\u2013", color_scheme="gray", display=rx.breakpoints(initial="none", sm="block")),
        date_input(
            t("timeline.range.to"), TimelineState.end, TimelineState.set_end, "range-end", **size
        ),
        step("chevron-right", t("timeline.range.later"), 1, "range-next"),
        rx.button(
            t("timeline.range.four_weeks"),
            on_click=TimelineState.reset_range,
            variant="soft",
            color_scheme="gray",
            size="2",
            title=t("timeline.range.four_weeks_title"),
            display=rx.breakpoints(initial="none", sm="inline-flex"),
            custom_attrs={"data-testid": "range-reset"},
        ),
        spacing="2",
        align="center",
        width="100%",
        min_width="0",
        class_name="tl-range",
    )


def toolbar() -> rx.Component:
    category = rx.select.root(
        rx.select.trigger(placeholder=t("timeline.filter.all_categories"), width="100%"),
        rx.select.content(
            rx.select.item(t("timeline.filter.all_categories"), value=ALL_CATEGORIES),
            rx.select.separator(),
            rx.foreach(
                TimelineState.categories,
                lambda c: rx.select.item(c["name"], value=c["id"]),
            ),
        ),
        value=TimelineState.category,
        on_change=TimelineState.set_category,
        size="2",
    )
    search = search_box(
        value=TimelineState.search,
        key=TimelineState.filters_key,
        on_change=TimelineState.set_search.debounce(300),
        placeholder=t("timeline.filter.search"),
        label=t("timeline.filter.search"),
        testid="timeline-search",
    )
    return rx.vstack(
        rx.grid(
            rx.box(range_picker(), grid_column=rx.breakpoints(initial="1 / -1", lg="auto")),
            rx.box(category, custom_attrs={"data-testid": "category-filter"}, min_width="0"),
            rx.box(search, min_width="0"),
            grid_template_columns=rx.breakpoints(
                initial="minmax(0, 1fr)",
                sm="minmax(0, 1fr) minmax(0, 1fr)",
                lg="minmax(420px, 2fr) minmax(0, 1fr) minmax(0, 1fr)",
            ),
            gap="10px",
            width="100%",
        ),
        range_error(TimelineState.range_error),
        spacing="2",
        width="100%",
    )


def legend_item(cls: str, label: rx.Var[str], style: dict) -> rx.Component:
    return rx.hstack(
        rx.el.span(class_name=f"tl-swatch {cls}", style=style),
        rx.text(label, size="1", color_scheme="gray"),
        spacing="1",
        align="center",
    )


def status_bar() -> rx.Component:
    return rx.flex(
        rx.hstack(
            rx.text(
                TimelineState.range_label,
                size="2",
                weight="medium",
                custom_attrs={"data-testid": "range-label"},
            ),
            rx.cond(
                TimelineState.conflict_cells > 0,
                rx.badge(
                    rx.icon("triangle-alert", size=12),
                    t("timeline.status.over", count=TimelineState.conflict_cells),
                    color_scheme="red",
                    variant="solid",
                    custom_attrs={"data-testid": "timeline-conflicts"},
                ),
            ),
            rx.cond(TimelineState.loading, rx.spinner(size="1")),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.hstack(
            legend_item("", t("timeline.legend.free"), {}),
            legend_item("", t("timeline.legend.part"), {"background": "var(--blue-a4)"}),
            legend_item("", t("timeline.legend.full"), {"background": "var(--amber-a6)"}),
            legend_item("", t("timeline.legend.over"), {"background": "var(--red-9)"}),
            spacing="3",
            wrap="wrap",
        ),
        justify="between",
        align="center",
        gap="8px",
        wrap="wrap",
        width="100%",
    )


def grid() -> rx.Component:
    def day_head(h: rx.Var) -> rx.Component:
        return rx.el.div(
            rx.el.i(h["month"]),
            rx.el.span(h["dow"]),
            rx.el.b(h["num"]),
            class_name="tl-day " + h["cls"],
            title=h["iso"],
        )

    def item_row(row: rx.Var, i: rx.Var) -> rx.Component:
        return rx.el.div(
            rx.el.div(
                rx.el.a(
                    row["name"],
                    href=routes.EQUIPMENT + "/" + row["id"],
                    title=row["name"],
                ),
                rx.el.span(
                    t("timeline.row.category", category=row["category"], count=row["bookable"])
                ),
                class_name="tl-name",
            ),
            rx.foreach(
                TimelineState.cells[i],
                lambda cell, j: rx.el.button(
                    cell[0],
                    class_name="tl-cell " + cell[1],
                    title=cell[2],
                    type="button",
                    on_click=TimelineState.open_cell(i, j),
                ),
            ),
            class_name="tl-row",
            custom_attrs={"data-testid": "timeline-row", "data-item": row["id"]},
        )

    return rx.el.div(
        rx.el.div(
            rx.el.div(
                rx.el.div(t("timeline.grid.item"), class_name="tl-corner"),
                rx.foreach(TimelineState.header, day_head),
                class_name="tl-row tl-head",
            ),
            rx.foreach(TimelineState.rows, item_row),
            class_name="tl-grid",
            style={"--tl-cols": TimelineState.grid_columns},
        ),
        class_name="tl-scroll",
        role="region",
        aria_label=t("timeline.grid.label"),
        tab_index=0,
        custom_attrs={"data-testid": "timeline-grid"},
    )


def pager() -> rx.Component:
    return rx.flex(
        rx.text(
            rx.cond(
                TimelineState.total > 0,
                t(
                    "timeline.page.items",
                    first=TimelineState.first_shown,
                    last=TimelineState.last_shown,
                    total=TimelineState.total,
                ),
                t("timeline.page.none"),
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.hstack(
            rx.button(
                rx.icon("chevron-left", size=16),
                t("common.list.previous"),
                on_click=TimelineState.prev_page,
                disabled=TimelineState.page <= 1,
                variant="soft",
                color_scheme="gray",
                size="2",
                custom_attrs={"data-testid": "timeline-prev-page"},
            ),
            rx.button(
                t("common.list.next"),
                rx.icon("chevron-right", size=16),
                on_click=TimelineState.next_page,
                disabled=TimelineState.page >= TimelineState.total_pages,
                variant="soft",
                color_scheme="gray",
                size="2",
                custom_attrs={"data-testid": "timeline-next-page"},
            ),
            spacing="2",
        ),
        justify="between",
        align="center",
        gap="8px",
        wrap="wrap",
        width="100%",
    )


def cell_dialog() -> rx.Component:
    event_row = lambda e: rx.hstack(  # noqa: E731
        rx.vstack(
            rx.link(
                e["name"],
                href=routes.EVENTS + "/" + e["id"],
                weight="medium",
                custom_attrs={"data-testid": "cell-event"},
            ),
            rx.text(t("timeline.cell.blocks", period=e["blocked"]), size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.spacer(),
        rx.badge("\u00d7" + e["quantity"], variant="soft", size="2"),
        align="center",
        width="100%",
        padding="8px 0",
        border_bottom="1px solid var(--gray-a4)",
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(TimelineState.cell_item["name"]),
            rx.dialog.description(TimelineState.cell_day, size="2", color_scheme="gray"),
            rx.text(
                TimelineState.cell_summary,
                size="2",
                weight="medium",
                margin_top="8px",
                custom_attrs={"data-testid": "cell-summary"},
            ),
            rx.cond(
                TimelineState.cell_events.length() > 0,
                rx.vstack(rx.foreach(TimelineState.cell_events, event_row), spacing="0"),
                rx.text(t("timeline.cell.empty"), size="2", color_scheme="gray"),
            ),
            rx.flex(
                rx.link(
                    t("timeline.cell.open_item"),
                    href=routes.EQUIPMENT + "/" + TimelineState.cell_item["id"],
                    size="2",
                ),
                rx.dialog.close(
                    rx.button(t("common.action.close"), variant="soft", color_scheme="gray")
                ),
                justify="between",
                align="center",
                margin_top="16px",
            ),
            max_width="440px",
            custom_attrs={"data-testid": "cell-dialog"},
        ),
        open=TimelineState.cell_open,
        on_open_change=TimelineState.set_cell_open,
    )


def body() -> rx.Component:
    empty = message_box(
        "chart-gantt",
        t("timeline.page.none"),
        t("timeline.empty.text"),
        rx.cond(
            TimelineState.has_filters,
            rx.button(
                t("timeline.empty.clear"), on_click=TimelineState.clear_filters, variant="soft"
            ),
        ),
        testid="timeline-empty",
    )
    return rx.cond(
        TimelineState.loaded,
        rx.cond(TimelineState.rows.length() > 0, rx.fragment(grid(), pager()), empty),
        loading_rows("timeline-loading"),
    )


def timeline_page() -> rx.Component:
    return shell(
        routes.AVAILABILITY,
        rx.el.style(GRID_CSS),
        rx.vstack(
            live_banner(TimelineState.live_notice, TimelineState.dismiss_notice),
            toolbar(),
            status_bar(),
            error_callout(TimelineState.error),
            body(),
            spacing="3",
            width="100%",
        ),
        cell_dialog(),
        language_watch(TimelineState.relabel),
    )
