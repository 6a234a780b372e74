"""/conflicts: every overbooked day in a range, one card per item with its spans of
consecutive days and the events involved (links to the item and to each event)."""

from __future__ import annotations

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.date_range import date_input, range_error
from avrentals.ui.components.listing import error_callout, live_banner, loading_rows
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.pages.calendar import language_watch
from avrentals.ui.state.conflicts import ConflictsState

S = ConflictsState


def range_bar() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.hstack(
                date_input(t("timeline.range.from"), S.start, S.set_start, "range-start", size="2"),
                rx.text("\u2013", color_scheme="gray"),
                date_input(t("timeline.range.to"), S.end, S.set_end, "range-end", size="2"),
                rx.button(
                    t("conflicts.range.next_90"),
                    on_click=ConflictsState.reset_range,
                    variant="soft",
                    color_scheme="gray",
                    size="2",
                    custom_attrs={"data-testid": "range-reset"},
                ),
                spacing="2",
                align="center",
                width=rx.breakpoints(initial="100%", md="auto"),
                min_width=rx.breakpoints(md="460px"),
            ),
            rx.hstack(
                rx.cond(ConflictsState.loading, rx.spinner(size="1")),
                rx.badge(
                    ConflictsState.count_label,
                    color_scheme=rx.cond(S.items.length() > 0, "red", "green"),  # i18n: not text
                    variant="soft",
                    size="2",
                    custom_attrs={"data-testid": "conflict-count"},
                ),
                align="center",
                spacing="2",
            ),
            justify="between",
            align="center",
            gap="10px",
            wrap="wrap",
            width="100%",
        ),
        range_error(ConflictsState.range_error),
        spacing="2",
        width="100%",
    )


def event_line(e: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon("calendar-check", size=14, color="var(--gray-10)", flex_shrink="0"),
        rx.link(
            e["name"],
            href=routes.EVENTS + "/" + e["id"],
            size="2",
            weight="medium",
            custom_attrs={"data-testid": "conflict-event"},
        ),
        rx.text("\u00d7" + e["quantity"], size="2", color_scheme="gray"),
        rx.text(t("conflicts.event.blocks", period=e["blocked"]), size="1", color_scheme="gray"),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def span_block(span: rx.Var, events: rx.Var) -> rx.Component:
    return rx.box(
        rx.flex(
            rx.hstack(
                rx.icon("calendar-x", size=16, color="var(--red-10)"),
                rx.text(
                    span["period"],
                    size="2",
                    weight="bold",
                    custom_attrs={"data-testid": "conflict-period"},
                ),
                rx.text("(" + span["days"] + ")", size="2", color_scheme="gray"),
                spacing="2",
                align="center",
            ),
            rx.text(
                t("conflicts.span.numbers", booked=span["booked"], bookable=span["bookable"]),
                rx.text.strong(
                    t("conflicts.span.short", count=span["short"]), color="var(--red-11)"
                ),
                size="2",
                custom_attrs={"data-testid": "conflict-numbers"},
            ),
            justify="between",
            align="center",
            gap="4px 12px",
            wrap="wrap",
        ),
        rx.vstack(rx.foreach(events, event_line), spacing="1", margin_top="6px"),
        padding="10px 0",
        border_top="1px solid var(--gray-a4)",
        custom_attrs={"data-testid": "conflict-span"},
    )


def item_card(item: rx.Var, i: rx.Var) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.hstack(
                rx.center(
                    rx.icon("triangle-alert", size=18),
                    width="36px",
                    height="36px",
                    border_radius="9999px",
                    background="var(--red-a3)",
                    color="var(--red-11)",
                    flex_shrink="0",
                ),
                rx.vstack(
                    rx.link(
                        item["name"],
                        href=routes.EQUIPMENT + "/" + item["id"],
                        size="3",
                        weight="bold",
                        custom_attrs={"data-testid": "conflict-item"},
                    ),
                    rx.text(item["summary"], size="1", color_scheme="gray"),
                    spacing="0",
                ),
                spacing="3",
                align="center",
            ),
            justify="between",
            align="center",
            margin_bottom="6px",
        ),
        rx.foreach(
            ConflictsState.spans[i],
            lambda span, j: span_block(span, ConflictsState.events[i][j]),
        ),
        width="100%",
        custom_attrs={"data-testid": "conflict-group", "data-item": item["id"]},
    )


def no_conflicts() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.center(
                rx.icon("circle-check", size=28),
                width="56px",
                height="56px",
                border_radius="9999px",
                background="var(--green-a3)",
                color="var(--green-11)",
            ),
            rx.heading(t("conflicts.empty.title"), size="4", as_="h2"),
            rx.text(
                t("conflicts.empty.text"),
                size="2",
                color_scheme="gray",
                text_align="center",
                max_width="380px",
            ),
            align="center",
            spacing="3",
        ),
        padding="56px 16px",
        border="1px dashed var(--gray-a6)",
        border_radius="var(--radius-4)",
        width="100%",
        custom_attrs={"data-testid": "no-conflicts"},
    )


def conflicts_page() -> rx.Component:
    return shell(
        routes.CONFLICTS,
        rx.vstack(
            live_banner(ConflictsState.live_notice, ConflictsState.dismiss_notice),
            range_bar(),
            error_callout(ConflictsState.error),
            rx.cond(
                ConflictsState.loaded,
                rx.cond(
                    ConflictsState.items.length() > 0,
                    rx.vstack(
                        rx.foreach(ConflictsState.items, item_card),
                        spacing="3",
                        width="100%",
                    ),
                    no_conflicts(),
                ),
                loading_rows("conflicts-loading"),
            ),
            spacing="3",
            width="100%",
        ),
        language_watch(ConflictsState.relabel),
    )
