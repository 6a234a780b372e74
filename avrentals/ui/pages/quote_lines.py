"""The builder's lines: the equipment search (arrow keys + Enter add the highlighted item,
each result with "available X of Y" for the quote's dates), the services and fees pickers,
and the editable lines (quantity, unit price, remove), which stack on a phone."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.components.forms import field_error, picker_search
from avrentals.ui.i18n import t
from avrentals.ui.state.quote_builder import QuoteBuilderState

B = QuoteBuilderState
TYPE_COLORS = {"equipment": "indigo", "service": "cyan", "fee": "orange"}
TYPE_KEYS = {k: f"quotes.line.type_{k}" for k in TYPE_COLORS}
PHONE_ONLY = rx.breakpoints(initial="block", sm="none")
WIDE_ONLY = rx.breakpoints(initial="none", sm="grid")
FIGURE_PAD = rx.breakpoints(initial="0", sm="6px")  # level with the inputs' text
# Description | qty | price | days | total | remove; on a phone the description takes the
# first row and the figures share the next ones.
LINE_COLUMNS = rx.breakpoints(
    initial="1fr 1fr 1fr 32px", sm="minmax(0, 1fr) 84px 110px 56px 110px 32px"
)


def _result(row: rx.Var, index: rx.Var) -> rx.Component:
    active = index == B.highlight
    return rx.flex(
        rx.vstack(
            rx.text(row["name"], size="2", weight="medium"),
            rx.text(row["code"], " · ", row["category"], size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.vstack(
            rx.text(t("quotes.picker.rate", rate=row["rate"]), size="1", color_scheme="gray"),
            rx.badge(
                rx.cond(
                    row["free"] != "",
                    t("quotes.line.available_short", free=row["free"], bookable=row["bookable"]),
                    t("quotes.picker.in_stock", count=row["bookable"]),
                ),
                color_scheme=rx.cond(row["free"] == "0", "red", "green"),  # i18n: not text
                variant="soft",
                custom_attrs={"data-testid": "result-availability"},
            ),
            spacing="1",
            align="end",
        ),
        on_click=B.add_equipment(row["id"]),
        gap="3",
        align="center",
        padding="8px 10px",
        border_radius="var(--radius-2)",
        cursor="pointer",
        background=rx.cond(active, "var(--accent-a4)", "transparent"),  # i18n: not text
        _hover={"background": "var(--accent-a3)"},
        role="option",
        aria_selected=rx.cond(active, "true", "false"),  # i18n: not text
        custom_attrs={"data-testid": "equipment-result", "data-id": row["id"]},
    )


def equipment_picker() -> rx.Component:
    return rx.vstack(
        rx.input(
            rx.input.slot(rx.icon("search", size=14)),
            rx.cond(B.equipment_searching, rx.input.slot(rx.spinner(size="1"))),
            placeholder=t("quotes.picker.equipment_placeholder"),
            on_change=B.search_equipment.debounce(250),
            on_focus=B.open_equipment,
            on_key_down=B.equipment_key,
            type="search",
            size="2",
            width="100%",
            aria_label=t("quotes.picker.equipment_label"),
            role="combobox",
            custom_attrs={"data-testid": "equipment-search"},
        ),
        rx.cond(
            B.equipment_results.length() > 0,
            rx.box(
                rx.foreach(B.equipment_results, _result),
                border="1px solid var(--gray-a5)",
                border_radius="var(--radius-3)",
                padding="4px",
                width="100%",
                max_height="320px",
                overflow_y="auto",
                role="listbox",
                custom_attrs={"data-testid": "equipment-results"},
            ),
        ),
        spacing="2",
        width="100%",
    )


def _catalogue_select(
    placeholder: str | rx.Var[str], items: rx.Var, on_change, testid: str, price_suffix: str
) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            placeholder=placeholder,
            width="100%",
            aria_label=placeholder,
            custom_attrs={"data-testid": testid},
        ),
        rx.select.content(
            rx.foreach(
                items,
                lambda s: rx.select.item(
                    s["name"] + " · " + s["price"] + price_suffix, value=s["id"]
                ),
            )
        ),
        value="",
        on_change=on_change,
        size="2",
    )


def catalogue_pickers() -> rx.Component:
    return rx.grid(
        rx.box(
            _catalogue_select(
                t("quotes.picker.add_service"), B.services, B.add_service, "add-service", ""
            ),
            min_width="0",
        ),
        rx.box(
            _catalogue_select(t("quotes.picker.add_fee"), B.fees, B.add_fee, "add-fee", ""),
            min_width="0",
        ),
        grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr"),
        gap="8px",
        width="100%",
    )


def _number_input(line: rx.Var, field: str, label_key: str, testid: str) -> rx.Component:
    return rx.input(
        default_value=line[field],
        key=B.form_key + "-" + line["key"] + "-" + field,
        on_change=B.set_line(line["key"], field).debounce(300),
        on_blur=B.set_line(line["key"], field),
        read_only=~B.editable,
        input_mode="numeric" if field == "quantity" else "decimal",
        size="2",
        width="100%",
        aria_label=t(label_key, line=line["description"]),
        custom_attrs={"data-testid": testid},
    )


def _cell(label: str | rx.Var[str], body: rx.Component, error: rx.Var, testid: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", display=PHONE_ONLY),
        body,
        field_error(error, testid),
        spacing="1",
        min_width="0",
    )


def line_row(line: rx.Var) -> rx.Component:
    kind = rx.match(
        line["item_type"],
        *[
            (k, rx.badge(t(TYPE_KEYS[k]), color_scheme=c, variant="soft", size="1"))
            for k, c in TYPE_COLORS.items()
        ],
        rx.badge(line["item_type"], size="1"),
    )
    describe = rx.vstack(
        rx.hstack(kind, rx.cond(line["fee_type"] == "percentage", rx.badge("%", size="1"))),
        rx.input(
            default_value=line["description"],
            key=B.form_key + "-" + line["key"] + "-description",
            on_change=B.set_line(line["key"], "description").debounce(300),
            on_blur=B.set_line(line["key"], "description"),
            read_only=~B.editable,
            size="2",
            width="100%",
            aria_label=t("common.field.description"),
            custom_attrs={"data-testid": "line-description"},
        ),
        field_error(line["err_description"], "line-error-description"),
        rx.cond(
            line["short"] != "",
            rx.text(
                t("quotes.line.available_short", free=line["free"], bookable=line["bookable"]),
                size="1",
                color_scheme=rx.cond(line["over"] != "", "red", "green"),  # i18n: not text
                title=t("quotes.line.available_long", free=line["free"], bookable=line["bookable"]),
                custom_attrs={"data-testid": "line-availability"},
            ),
        ),
        field_error(line["err_line"], "line-error"),
        spacing="1",
        min_width="0",
        grid_column=rx.breakpoints(initial="1 / -1", sm="auto"),
    )
    unit_label = rx.cond(
        line["fee_type"] == "percentage", t("quotes.line.percent"), t("quotes.line.unit_price")
    )
    return rx.box(
        describe,
        _cell(
            t("quotes.line.qty"),
            _number_input(line, "quantity", "quotes.line.quantity_of", "line-quantity"),
            line["err_quantity"],
            "line-error-quantity",
        ),
        _cell(
            t("quotes.line.price"),
            _number_input(line, "unit_price", "quotes.line.unit_price_of", "line-unit-price"),
            line["err_unit_price"],
            "line-error-unit_price",
        ),
        rx.vstack(
            rx.text(
                rx.cond(line["item_type"] == "fee", unit_label, t("quotes.line.days")),
                size="1",
                color_scheme="gray",
                display=PHONE_ONLY,
            ),
            rx.text(
                rx.cond(line["item_type"] == "fee", "—", line["days"]),
                size="2",
                custom_attrs={"data-testid": "line-days"},
            ),
            spacing="1",
            display=rx.breakpoints(initial="none", sm="flex"),
            padding_top=FIGURE_PAD,
        ),
        rx.vstack(
            rx.text(t("quotes.list.total"), size="1", color_scheme="gray", display=PHONE_ONLY),
            rx.text(
                line["line_total"],
                size="2",
                weight="medium",
                class_name="avr-num",
                custom_attrs={"data-testid": "line-total"},
            ),
            spacing="1",
            align="end",
            padding_top=FIGURE_PAD,
        ),
        rx.cond(
            B.editable,
            rx.icon_button(
                rx.icon("x", size=14),
                on_click=B.remove_line(line["key"]),
                variant="ghost",
                color_scheme="red",
                size="1",
                aria_label=t("quotes.line.remove_named", line=line["description"]),
                title=t("quotes.line.remove"),
                custom_attrs={"data-testid": "remove-line"},
            ),
            rx.box(),
        ),
        display="grid",
        grid_template_columns=LINE_COLUMNS,
        gap="10px",
        align_items="start",
        padding="12px 0",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
        custom_attrs={
            "data-testid": "quote-line",
            "data-type": line["item_type"],
            "data-ref": line["ref_id"],
        },
    )


def lines_header() -> rx.Component:
    def head(label: str | rx.Var[str], end: bool = False) -> rx.Component:
        return rx.text(label, size="1", color_scheme="gray", text_align="right" if end else "left")

    return rx.box(
        head(t("quotes.line.item")),
        head(t("quotes.line.qty")),
        head(t("quotes.line.price")),
        head(t("quotes.line.days")),
        head(t("quotes.list.total"), end=True),
        rx.box(),
        display=WIDE_ONLY,
        grid_template_columns=LINE_COLUMNS,
        gap="10px",
        width="100%",
        padding_bottom="4px",
        border_bottom="1px solid var(--gray-a5)",
    )


def lines_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(t("quotes.field.lines"), size="3", as_="h2"),
                rx.spacer(),
                rx.text(
                    t("quotes.line.count", count=B.lines.length()), size="1", color_scheme="gray"
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                B.editable,
                rx.vstack(equipment_picker(), catalogue_pickers(), spacing="2", width="100%"),
            ),
            field_error(B.errors["lines"], "error-lines"),
            rx.cond(
                B.lines.length() > 0,
                rx.vstack(
                    lines_header(),
                    rx.foreach(B.lines, line_row),
                    spacing="0",
                    width="100%",
                    custom_attrs={"data-testid": "quote-lines"},
                ),
                rx.text(
                    t("quotes.line.empty"),
                    size="2",
                    color_scheme="gray",
                    custom_attrs={"data-testid": "lines-empty"},
                ),
            ),
            spacing="3",
            width="100%",
        ),
        size="2",
        width="100%",
    )


def client_picker() -> rx.Component:
    def result(c: rx.Var) -> rx.Component:
        return rx.button(
            rx.vstack(
                rx.text(c["name"], size="2", weight="medium"),
                rx.text(c["email"], size="1", color_scheme="gray"),
                spacing="0",
                align="start",
            ),
            on_click=B.pick_client(c["id"]),
            variant="ghost",
            color_scheme="gray",
            width="100%",
            justify="start",
            height="auto",
            padding="6px 8px",
            type="button",
            custom_attrs={"data-testid": "client-result"},
        )

    return rx.vstack(
        picker_search(
            t("quotes.picker.client_placeholder"),
            B.search_clients.debounce(250),
            B.client_key,
            t("quotes.picker.client_label"),
            "quote-client-search",
        ),
        rx.cond(
            B.client_results.length() > 0,
            rx.vstack(
                rx.foreach(B.client_results, result),
                spacing="1",
                width="100%",
                border="1px solid var(--gray-a5)",
                border_radius="var(--radius-3)",
                padding="4px",
            ),
        ),
        spacing="2",
        width="100%",
    )
