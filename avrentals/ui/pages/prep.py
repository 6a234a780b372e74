"""/prep: the events to prepare (ongoing and coming up) and the overdue returns, each with its
check-out or check-in progress; a tap opens the tablet checklist."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.components.listing import error_callout, message_box, status_pill
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.state.prep import PREP_PATH, PrepListState

S = PrepListState
STATUS_COLORS = {"ongoing": "green", "upcoming": "blue", "completed": "gray"}
DONE_FILL = "var(--green-9)"  # progress bar colours
ACTIVE_FILL = "var(--accent-9)"


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
    # `status_label` holds a catalogue key (or the raw status, shown as is).
    return status_pill(row["status"], t(row["status_label"]), STATUS_COLORS)


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
                            t("prep.overdue.badge"),
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
                    rx.text(t(row["lines_key"], count=row["lines"]), size="2", color_scheme="gray"),
                    spacing="2",
                    align="center",
                    wrap="wrap",
                ),
                rx.hstack(
                    rx.text(t(row["phase"]), size="2", weight="medium", min_width="80px"),
                    progress_bar(
                        row["percent"],
                        rx.cond(
                            overdue,
                            "var(--red-9)",  # i18n: not text
                            rx.cond(row["percent"] == "100", DONE_FILL, ACTIVE_FILL),
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
                        t("prep.list.overdue_units", count=row["missing"]),
                        size="2",
                        color_scheme="red",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            size="3",
            width="100%",
            border=rx.cond(overdue, "1px solid var(--red-8)", "none"),  # i18n: not text
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
                t("prep.list.intro"),
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
                        t("prep.list.empty_title"),
                        t("prep.list.empty_text"),
                        testid="prep-empty",
                    ),
                ),
            ),
            spacing="4",
            width="100%",
        ),
    )
