"""/audit (Admin): who changed what and when. Filters by user, entity type, action and dates;
each entry with its field-by-field old -> new diff; "Export CSV" of everything matching."""

from __future__ import annotations

from typing import Any

import reflex as rx

from avrentals.ui import routes
from avrentals.ui.components.date_range import date_input
from avrentals.ui.components.listing import error_callout, loading_rows, message_box
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.state.audit import ALL, AuditState

S = AuditState


def picker(name: str, value: rx.Var, on_change: Any, items: rx.Component, testid: str):
    """A filter picker; `name` picks its label and "any" keys (`audit.filter.<name>`,
    `audit.filter.any_<name>`)."""
    return rx.select.root(
        rx.select.trigger(
            aria_label=t(f"audit.filter.{name}"),
            width="100%",
            custom_attrs={"data-testid": testid},
        ),
        rx.select.content(rx.select.item(t(f"audit.filter.any_{name}"), value=ALL), items),
        value=value,
        on_change=on_change,
        size="2",
    )


def filters() -> rx.Component:
    return rx.card(
        rx.grid(
            picker(
                "user",
                S.user,
                S.set_user,
                rx.foreach(S.users, lambda u: rx.select.item(u["username"], value=u["id"])),
                "audit-user",
            ),
            picker(
                "entity",
                S.entity,
                S.set_entity,
                rx.foreach(S.entity_types, lambda t: rx.select.item(t, value=t)),
                "audit-entity",
            ),
            picker(
                "action",
                S.action,
                S.set_action,
                rx.foreach(S.actions, lambda a: rx.select.item(a, value=a)),
                "audit-action",
            ),
            rx.hstack(
                date_input(t("reports.period.from"), S.start, S.set_start, "audit-from", size="2"),
                rx.text("\u2013", color_scheme="gray"),
                date_input(t("reports.period.to"), S.end, S.set_end, "audit-to", size="2"),
                spacing="2",
                align="center",
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", sm="3", lg="4"),
            gap="10px",
            width="100%",
        ),
        rx.flex(
            rx.text(
                rx.cond(
                    S.total == 0,
                    t("audit.count.none"),
                    t(
                        "audit.count.range",
                        first=S.first_entry,
                        last=S.last_entry,
                        total=S.total_text,
                    ),
                ),
                size="2",
                color_scheme="gray",
                custom_attrs={"data-testid": "audit-count"},
            ),
            rx.hstack(
                rx.cond(
                    S.has_filters,
                    rx.button(
                        rx.icon("x", size=14),
                        t("users.list.clear_filters"),
                        on_click=S.clear_filters,
                        variant="soft",
                        color_scheme="gray",
                        size="2",
                        custom_attrs={"data-testid": "audit-clear"},
                    ),
                ),
                rx.button(
                    rx.icon("download", size=14),
                    t("common.action.export_csv"),
                    on_click=S.export_csv,
                    loading=S.exporting,
                    disabled=S.total == 0,
                    size="2",
                    custom_attrs={"data-testid": "audit-export"},
                ),
                spacing="2",
            ),
            justify="between",
            align="center",
            gap="8px",
            wrap="wrap",
            margin_top="10px",
        ),
        rx.cond(
            S.filter_error != "",
            rx.text(t(S.filter_error), color_scheme="red", size="2", role="alert"),
        ),
        width="100%",
    )


def change_row(c: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(c["field"], variant="ghost"), white_space="nowrap"),
        rx.table.cell(
            rx.text(
                c["old"],
                color="var(--red-11)",
                size="2",
                word_break="break-word",
                white_space="pre-wrap",
            ),
        ),
        rx.table.cell(
            rx.text(
                c["new"],
                color="var(--green-11)",
                size="2",
                word_break="break-word",
                white_space="pre-wrap",
            ),
        ),
        custom_attrs={"data-testid": "audit-change"},
    )


def entry(row: rx.Var, i: rx.Var) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.hstack(
                rx.badge(row["action"], color_scheme=row["color"], variant="soft"),
                rx.text(row["entity"], weight="bold", size="2"),
                rx.text(row["entity_id"], size="1", color_scheme="gray", truncate=True),
                spacing="2",
                align="center",
                min_width="0",
            ),
            rx.text(
                row["at"],
                " · ",
                rx.cond(row["user"] == "", t("audit.entry.system"), row["user"]),
                size="1",
                color_scheme="gray",
                white_space="nowrap",
            ),
            justify="between",
            align="center",
            gap="4px 12px",
            wrap="wrap",
        ),
        rx.cond(
            S.changes[i].length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell(t("audit.diff.field"), width="24%"),
                            rx.table.column_header_cell(t("audit.diff.old"), width="38%"),
                            rx.table.column_header_cell(t("audit.diff.new"), width="38%"),
                        )
                    ),
                    rx.table.body(rx.foreach(S.changes[i], change_row)),
                    size="1",
                    width="100%",
                    layout="fixed",
                ),
                overflow_x="auto",
                margin_top="8px",
            ),
            rx.text(
                t(row["changes"], count=row["change_count"]),
                size="1",
                color_scheme="gray",
                margin_top="4px",
            ),
        ),
        width="100%",
        custom_attrs={"data-testid": "audit-entry"},
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("chevron-left", size=16),
            t("audit.pager.newer"),
            on_click=S.prev_page,
            disabled=S.page <= 1,
            variant="soft",
            size="2",
        ),
        rx.text(
            t("common.list.page_of", page=S.page, pages=S.total_pages),
            size="2",
            color_scheme="gray",
        ),
        rx.button(
            t("audit.pager.older"),
            rx.icon("chevron-right", size=16),
            on_click=S.next_page,
            disabled=S.page >= S.total_pages,
            variant="soft",
            size="2",
        ),
        justify="center",
        align="center",
        spacing="3",
        width="100%",
    )


def entries() -> rx.Component:
    return rx.cond(
        S.rows.length() > 0,
        rx.vstack(rx.foreach(S.rows, entry), pager(), spacing="2", width="100%"),
        rx.cond(
            S.has_filters,
            message_box(
                "search-x",
                t("audit.no_results.title"),
                t("audit.no_results.text"),
                rx.button(t("users.list.clear_filters"), variant="soft", on_click=S.clear_filters),
                testid="audit-no-results",
            ),
            message_box(
                "history",
                t("audit.empty.title"),
                t("audit.empty.text"),
                testid="audit-empty",
            ),
        ),
    )


def audit_page() -> rx.Component:
    return shell(
        routes.AUDIT,
        rx.vstack(
            rx.text(routes.BY_PATH[routes.AUDIT].description, size="2", color_scheme="gray"),
            error_callout(S.error),
            filters(),
            rx.cond(S.loaded, entries(), loading_rows("audit-loading")),
            spacing="3",
            width="100%",
            custom_attrs={"data-testid": "audit"},
        ),
    )
