"""/equipment/import: CSV import of equipment in four steps - choose a file (drag & drop or
click), check the preview (counts, first rows, every row error with its row number), import
all rows or none with a progress bar, then a summary with the way back to the inventory."""

from __future__ import annotations

from typing import Any

import reflex as rx

from avrentals.domain.services.equipment_csv import MAX_FILE_BYTES, MAX_ROWS
from avrentals.ui import routes
from avrentals.ui.components.detail import stat
from avrentals.ui.components.shell import shell
from avrentals.ui.i18n import t
from avrentals.ui.state.equipment_import import UPLOAD_ID, EquipmentImportState

S = EquipmentImportState
ACCEPT = {
    "text/csv": [".csv"],
    "text/plain": [".csv", ".txt"],
    "application/vnd.ms-excel": [".csv"],
}


def _testid(name: str) -> dict[str, dict[str, str]]:
    return {"custom_attrs": {"data-testid": name}}


def page_intro() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.link(
                rx.hstack(
                    rx.icon("arrow-left", size=14), rx.text(t("nav.equipment.label")), spacing="1"
                ),
                href=routes.EQUIPMENT,
                size="2",
                **_testid("back-to-inventory"),
            ),
            rx.heading(t("equipment.import.title"), size="6", as_="h2"),
            rx.text(
                t("equipment.import.intro"),
                size="2",
                color_scheme="gray",
                max_width="640px",
            ),
            spacing="2",
            align="start",
        ),
        rx.button(
            rx.icon("file-down", size=16),
            t("equipment.import.download_template"),
            variant="soft",
            on_click=S.download_template,
            **_testid("download-template"),
        ),
        justify="between",
        align="start",
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def file_error() -> rx.Component:
    return rx.cond(
        S.file_error != "",
        rx.callout(
            t(S.file_error),
            icon="circle-alert",
            color_scheme="red",
            role="alert",
            width="100%",
            **_testid("file-error"),
        ),
    )


def drop_zone() -> rx.Component:
    return rx.upload(
        rx.vstack(
            rx.center(
                rx.cond(S.checking, rx.spinner(size="3"), rx.icon("upload", size=26)),
                width="56px",
                height="56px",
                border_radius="9999px",
                background="var(--accent-a3)",
                color="var(--accent-11)",
            ),
            rx.cond(
                S.checking,
                rx.text(t("equipment.import.checking", name=S.file_name), weight="medium"),
                rx.text(t("equipment.import.drop_hint"), weight="medium"),
            ),
            rx.text(
                t(
                    "equipment.import.limits",
                    mb=MAX_FILE_BYTES // 1_048_576,
                    rows=f"{MAX_ROWS:,}",
                ),
                size="1",
                color_scheme="gray",
            ),
            rx.button(
                t("equipment.import.choose_file"), variant="outline", size="2", type="button"
            ),
            align="center",
            spacing="2",
            padding="32px 16px",
            width="100%",
        ),
        id=UPLOAD_ID,
        accept=ACCEPT,
        max_files=1,
        multiple=False,
        max_size=MAX_FILE_BYTES + 1_048_576,  # a little over: the service names the limit
        disabled=S.checking,
        on_drop=S.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
        border="2px dashed var(--gray-a7)",
        border_radius="12px",
        width="100%",
        cursor="pointer",
        **_testid("csv-upload"),
    )


def counts() -> rx.Component:
    return rx.grid(
        stat(t("equipment.import.rows_in_file"), S.total_rows, "count-total"),
        stat(t("equipment.import.ready"), S.valid_count, "count-valid"),
        stat(t("equipment.import.rows_with_errors"), S.error_count, "count-errors"),
        columns=rx.breakpoints(initial="1", sm="3"),
        spacing="3",
        width="100%",
    )


def scroll_table(
    headers: list[rx.Component], rows: rx.Var, render_row: Any, testid: str, **box_props: Any
) -> rx.Component:
    """A compact table of `rows` that scrolls sideways on a narrow screen."""
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*headers)),
            rx.table.body(rx.foreach(rows, render_row)),
            variant="surface",
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        **box_props,
        **_testid(testid),
    )


def error_table() -> rx.Component:
    return rx.cond(
        S.error_count > 0,
        rx.vstack(
            rx.callout(
                t("equipment.import.fix_rows"),
                icon="triangle-alert",
                color_scheme="red",
                width="100%",
            ),
            scroll_table(
                [
                    rx.table.column_header_cell(t("equipment.import.col_row"), width="72px"),
                    rx.table.column_header_cell(t("equipment.import.col_column"), width="160px"),
                    rx.table.column_header_cell(t("equipment.import.col_problem")),
                ],
                S.errors,
                lambda e: rx.table.row(
                    rx.table.cell(e["row"]),
                    rx.table.cell(t(e["column"])),
                    rx.table.cell(e["message"]),
                    **_testid("import-error-row"),
                ),
                "import-errors",
                max_height="420px",
                overflow_y="auto",
            ),
            rx.cond(
                S.errors_truncated,
                rx.text(
                    t("equipment.import.truncated"),
                    size="1",
                    color_scheme="gray",
                ),
            ),
            spacing="2",
            width="100%",
        ),
    )


def sample_table() -> rx.Component:
    columns = (
        ("equipment.import.col_row", "row"),
        ("equipment.field.asset_code", "asset_code"),
        ("common.field.name", "name"),
        ("common.field.category", "category"),
        ("equipment.field.subcategory", "subcategory"),
        ("equipment.import.col_qty", "quantity"),
        ("common.field.location", "location"),
    )
    return rx.vstack(
        rx.text(t("equipment.import.first_rows"), size="2", weight="bold"),
        scroll_table(
            [rx.table.column_header_cell(t(label)) for label, _ in columns],
            S.sample,
            lambda r: rx.table.row(*[rx.table.cell(r[key]) for _label, key in columns]),
            "import-sample",
        ),
        rx.cond(
            S.ignored_columns != "",
            rx.text(
                t("equipment.import.ignored_columns", columns=S.ignored_columns),
                size="1",
                color_scheme="gray",
            ),
        ),
        spacing="2",
        width="100%",
    )


def preview_step() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon("file-spreadsheet", size=18),
            rx.text(S.file_name, weight="medium", **_testid("import-file-name")),
            align="center",
            spacing="2",
        ),
        counts(),
        error_table(),
        sample_table(),
        rx.flex(
            rx.button(
                rx.icon("rotate-ccw", size=16),
                t("equipment.import.choose_another"),
                variant="soft",
                color_scheme="gray",
                on_click=S.start_over,
                **_testid("import-start-over"),
            ),
            rx.button(
                rx.icon("upload", size=16),
                rx.cond(
                    S.valid_count == 1,
                    t("equipment.import.button_one", count=S.valid_count_text),
                    t("equipment.import.button_other", count=S.valid_count_text),
                ),
                disabled=~S.can_import,
                on_click=S.start_import,
                **_testid("import-button"),
            ),
            justify="end",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def importing_step() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.spinner(size="2"),
                rx.text(t("equipment.import.importing", name=S.file_name), weight="medium"),
                spacing="2",
                align="center",
            ),
            rx.progress(value=S.progress_percent, max=100, width="100%", size="3"),
            rx.text(
                t(
                    "equipment.import.progress",
                    percent=S.progress_percent,
                    rows=S.progress_total_text,
                ),
                size="1",
                color_scheme="gray",
                **_testid("import-progress-text"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        role="status",
        **_testid("import-progress"),
    )


def done_step() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon("circle-check", size=22, color="var(--green-11)"),
                rx.heading(
                    rx.cond(
                        S.created == 1,
                        t("equipment.import.done_one", count=S.created_text),
                        t("equipment.import.done_other", count=S.created_text),
                    ),
                    size="4",
                    as_="h3",
                    **_testid("import-done"),
                ),
                spacing="2",
                align="center",
            ),
            rx.text(
                t("equipment.import.done_text", name=S.file_name),
                size="2",
                color_scheme="gray",
            ),
            rx.flex(
                rx.link(
                    rx.button(rx.icon("package", size=16), t("equipment.import.go_inventory")),
                    href=routes.EQUIPMENT,
                    **_testid("import-go-inventory"),
                ),
                rx.button(
                    t("equipment.import.another"),
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.start_over,
                ),
                spacing="3",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def equipment_import_page() -> rx.Component:
    return shell(
        routes.EQUIPMENT,
        rx.vstack(
            page_intro(),
            file_error(),
            rx.match(
                S.stage,
                ("preview", preview_step()),
                ("importing", importing_step()),
                ("done", done_step()),
                drop_zone(),
            ),
            spacing="5",
            width="100%",
            max_width="1100px",
        ),
    )
