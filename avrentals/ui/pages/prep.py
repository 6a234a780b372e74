"""/prep: the events to prepare (ongoing and coming up) and the overdue returns, each with its
check-out or check-in progress; a tap opens the tablet checklist."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.components.listing import error_callout, message_box, status_pill
from avrentals.ui.components.shell import shell
from avrentals.ui.state.prep import PREP_PATH, PrepListState

S = PrepListState
STATUS_COLORS = {"ongoing": "green", "upcoming": "blue", "completed": "gray"}
STATUS_LABELS = {"ongoing": "Ongoing", "upcoming": "Upcoming", "completed": "Ended"}


def progress_bar(
    percent: rx.Var, fill: rx.Var | str, testid: str = "", **props: object
) -> rx.Component:
    """A thick rounded bar filled to `percent` (a string var "0".."100") in `fill` (a CSS
    colour)."""
    attrs = {"data-testid": testid} if testid else {}
    return rx.box(
        rx.box(
            width=percent + "%",
            height="100%",
            background=fill,
            border_radius="inherit",
            transition="width 150ms ease-out",
        ),
        height="12px",
        min_height="12px",
        width="100%",
        background="var(--gray-a4)",
        border_radius="9999px",
        overflow="hidden",
        role="progressbar",
        aria_valuemin=0,
        aria_valuemax=100,
        aria_valuenow=percent,
        custom_attrs=attrs,
        **props,
    )


def _status(row: rx.Var) -> rx.Component:
    label = rx.match(
        row["status"],
        *[(key, label) for key, label in STATUS_LABELS.items()],
        row["status"],
    )
    return status_pill(row["status"], label, STATUS_COLORS)


def prep_card(row: rx.Var) -> rx.Component:
    overdue = row["overdue"] != ""
    return rx.link(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.vstack(
                        rx.text(row["name"], size="4", weight="bold"),
                        rx.text(
                            row["client"], " · ", row["location"], size="2", color_scheme="gray"
                        ),
                        spacing="1",
                        min_width="0",
                    ),
                    rx.spacer(),
                    rx.cond(
                        overdue,
                        rx.badge(
                            rx.icon("triangle-alert", size=14),
                            "Overdue return",
                            color_scheme="red",
                            variant="solid",
                            radius="full",
                            custom_attrs={"data-testid": "prep-overdue"},
                        ),
                        _status(row),
                    ),
                    width="100%",
                    align="start",
                ),
                rx.hstack(
                    rx.icon("calendar", size=14, color="var(--gray-10)"),
                    rx.text(row["period"], size="2"),
                    rx.text("·", color_scheme="gray"),
                    rx.text(row["lines"], size="2", color_scheme="gray"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.hstack(
                    rx.text(row["phase"], size="2", weight="medium", min_width="80px"),
                    progress_bar(
                        row["percent"],
                        rx.cond(
                            overdue,
                            "var(--red-9)",
                            rx.cond(row["percent"] == "100", "var(--green-9)", "var(--accent-9)"),
                        ),
                        flex="1",
                    ),
                    rx.text(
                        row["progress"],
                        size="2",
                        weight="bold",
                        custom_attrs={"data-testid": "prep-row-progress"},
                    ),
                    align="center",
                    spacing="3",
                    width="100%",
                ),
                rx.cond(
                    overdue,
                    rx.text(
                        row["missing"],
                        " units still out after the event ended.",
                        size="2",
                        color_scheme="red",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            size="3",
            width="100%",
            border=rx.cond(overdue, "1px solid var(--red-8)", "none"),
        ),
        href=PREP_PATH + "/" + row["id"],
        underline="none",
        color="inherit",
        width="100%",
        custom_attrs={"data-testid": "prep-row", "data-event-id": row["id"]},
    )


def prep_page() -> rx.Component:
    return shell(
        PREP_PATH,
        rx.vstack(
            rx.text(
                "Jobs going out soon, on the road, and gear that should be back.",
                size="2",
                color_scheme="gray",
            ),
            error_callout(S.error),
            rx.cond(
                ~S.loaded,
                rx.skeleton(height="160px", width="100%", loading=True),
                rx.cond(
                    S.rows.length() > 0,
                    rx.grid(
                        rx.foreach(S.rows, prep_card),
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="4",
                        width="100%",
                    ),
                    message_box(
                        "scan-barcode",
                        "Nothing to prepare",
                        "No event starts in the next two weeks and all gear is back.",
                        testid="prep-empty",
                    ),
                ),
            ),
            spacing="4",
            width="100%",
        ),
    )
