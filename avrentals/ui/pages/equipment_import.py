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
                rx.hstack(rx.icon("arrow-left", size=14), rx.text("Inventory"), spacing="1"),
                href=routes.EQUIPMENT,
                size="2",
                **_testid("back-to-inventory"),
            ),
            rx.heading("Import equipment from CSV", size="6", as_="h2"),
            rx.text(
                "One item per row. Required columns: Name, Category, Quantity, Location. "
                "Categories and subcategories are matched by name. Rows with an empty asset "
                "code get one generated. Nothing is imported while any row has an error.",
                size="2",
                color_scheme="gray",
                max_width="640px",
            ),
            spacing="2",
            align="start",
        ),
        rx.button(
            rx.icon("file-down", size=16),
            "Download template",
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
            S.file_error,
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
                rx.text("Checking ", S.file_name, "…", weight="medium"),
                rx.text("Drag a CSV file here, or click to choose one", weight="medium"),
            ),
            rx.text(
                f"UTF-8, comma or semicolon separated, up to {MAX_FILE_BYTES // 1_048_576} MB "
                f"and {MAX_ROWS:,} rows.",
                size="1",
                color_scheme="gray",
            ),
            rx.button("Choose file", variant="outline", size="2", type="button"),
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
        stat("Rows in the file", S.total_rows, "count-total"),
        stat("Ready to import", S.valid_count, "count-valid"),
        stat("Rows with errors", S.error_count, "count-errors"),
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
                "Fix these rows in your file and upload it again; nothing is imported while "
                "a row has an error. Row numbers are spreadsheet rows (the header is row 1).",
                icon="triangle-alert",
                color_scheme="red",
                width="100%",
            ),
            scroll_table(
                [
                    rx.table.column_header_cell("Row", width="72px"),
                    rx.table.column_header_cell("Column", width="160px"),
                    rx.table.column_header_cell("Problem"),
                ],
                S.errors,
                lambda e: rx.table.row(
                    rx.table.cell(e["row"]),
                    rx.table.cell(e["column"]),
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
                    "Only the first problems are listed; fix these and check again.",
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
        ("Row", "row"),
        ("Asset code", "asset_code"),
        ("Name", "name"),
        ("Category", "category"),
        ("Subcategory", "subcategory"),
        ("Qty", "quantity"),
        ("Location", "location"),
    )
    return rx.vstack(
        rx.text("First rows of the file", size="2", weight="bold"),
        scroll_table(
            [rx.table.column_header_cell(label) for label, _ in columns],
            S.sample,
            lambda r: rx.table.row(*[rx.table.cell(r[key]) for _label, key in columns]),
            "import-sample",
        ),
        rx.cond(
            S.ignored_columns != "",
            rx.text(
                "Ignored columns (not part of an item): ",
                S.ignored_columns,
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
                "Choose another file",
                variant="soft",
                color_scheme="gray",
                on_click=S.start_over,
                **_testid("import-start-over"),
            ),
            rx.button(
                rx.icon("upload", size=16),
                S.import_label,
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
                rx.text("Importing ", S.file_name, "…", weight="medium"),
                spacing="2",
                align="center",
            ),
            rx.progress(value=S.progress_percent, max=100, width="100%", size="3"),
            rx.text(
                S.progress_label,
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
                    S.done_label,
                    size="4",
                    as_="h3",
                    **_testid("import-done"),
                ),
                spacing="2",
                align="center",
            ),
            rx.text(
                "Every row of ",
                S.file_name,
                " is now in the inventory.",
                size="2",
                color_scheme="gray",
            ),
            rx.flex(
                rx.link(
                    rx.button(rx.icon("package", size=16), "Go to the inventory"),
                    href=routes.EQUIPMENT,
                    **_testid("import-go-inventory"),
                ),
                rx.button(
                    "Import another file",
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
