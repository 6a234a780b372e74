"""The quote's totals breakdown: sub-total, discount ("(x %)" when a percentage), net, fees,
tax with its rate and the total. It shows the figures the quote service computed (the
state's `totals` dict of display strings); nothing is added up in the browser."""

from __future__ import annotations

import reflex as rx

from avrentals.ui.i18n import t


def _row(label: rx.Var | str, value: rx.Var, key: str, *, strong: bool = False) -> rx.Component:
    weight = "bold" if strong else "regular"
    size = "4" if strong else "2"
    return rx.flex(
        rx.text(label, size=size, weight=weight, color_scheme=None if strong else "gray"),
        rx.spacer(),
        rx.text(
            value,
            size=size,
            weight=weight,
            class_name="avr-num",
            custom_attrs={"data-testid": f"total-{key}"},
        ),
        align="baseline",
        width="100%",
        gap="3",
    )


def quote_totals(totals: rx.Var, note: rx.Var, busy: rx.Var | bool = False) -> rx.Component:
    """The breakdown card; `note` explains why the figures wait (hidden while empty)."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(t("ui.quote_totals.title"), size="3", as_="h2"),
                rx.spacer(),
                rx.cond(busy, rx.spinner(size="1")),
                width="100%",
                align="center",
            ),
            _row(t("ui.quote_totals.sub_total"), totals["sub_total"], "sub_total"),
            _row(totals["discount_label"], "- " + totals["discount"], "discount"),
            _row(t("ui.quote_totals.net"), totals["net"], "net"),
            _row(t("ui.quote_totals.fees"), totals["fees"], "fees"),
            _row(totals["tax_label"], totals["tax"], "tax"),
            rx.separator(size="4"),
            _row(t("ui.quote_totals.total"), totals["total"], "total", strong=True),
            rx.cond(
                note != "",
                rx.text(
                    note,
                    size="1",
                    color_scheme="amber",
                    custom_attrs={"data-testid": "totals-note"},
                ),
            ),
            spacing="2",
            width="100%",
        ),
        size="2",
        width="100%",
        custom_attrs={"data-testid": "quote-totals", "aria-live": "polite"},
    )
