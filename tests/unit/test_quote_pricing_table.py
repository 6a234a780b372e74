"""Quote pricing end to end through the service's pure preview (the same reader and pricing
the saved quotes use), as a table of hand-computed cases: fixed vs percentage discount,
fixed and percentage fees, tax, half-up rounding at 0.005, one-day quotes, a discount larger
than the sub-total. No database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from avrentals.domain.services.quotes import preview_totals

START = date(2030, 6, 1)


def eq(price: str, qty: int = 1) -> dict[str, Any]:
    return {"item_type": "equipment", "unit_price": price, "quantity": qty}


def svc(price: str, qty: int = 1) -> dict[str, Any]:
    return {"item_type": "service", "unit_price": price, "quantity": qty}


def fee(amount: str, kind: str = "fixed", qty: int = 1) -> dict[str, Any]:
    return {"item_type": "fee", "unit_price": amount, "fee_type": kind, "quantity": qty}


# (case, days, lines, discount, discount type, tax rate,
#  expected (sub_total, discount_amount, fees_total, tax_amount, total), expected line totals)
CASES = [
    (
        "one-day quote",
        1,
        [eq("45.00", 2)],
        "0",
        "fixed",
        "0.23",
        ("90.00", "0.00", "0.00", "20.70", "110.70"),
        ["90.00"],
    ),
    (
        "fixed discount over three days",
        3,
        [eq("12.50")],
        "10",
        "fixed",
        "0.23",
        ("37.50", "10.00", "0.00", "6.33", "33.83"),  # tax 6.325 -> 6.33
        ["37.50"],
    ),
    (
        "percentage discount",
        3,
        [eq("12.50")],
        "10",
        "percentage",
        "0.23",
        ("37.50", "3.75", "0.00", "7.76", "41.51"),  # tax 7.7625 -> 7.76
        ["37.50"],
    ),
    (
        "percentage discount rounds half-up at 0.005",
        1,
        [eq("10.05")],
        "50",
        "percentage",
        "0",
        ("10.05", "5.03", "0.00", "0.00", "5.02"),  # 5.025 -> 5.03
        ["10.05"],
    ),
    (
        "percentage fee rounds half-up at 0.005",
        1,
        [eq("10.10"), fee("5", "percentage")],
        "0",
        "fixed",
        "0",
        ("10.10", "0.00", "0.51", "0.00", "10.61"),  # 0.505 -> 0.51
        ["10.10", "0.51"],
    ),
    (
        "tax rounds half-up at 0.005",
        1,
        [eq("10.50")],
        "0",
        "fixed",
        "0.23",
        ("10.50", "0.00", "0.00", "2.42", "12.92"),  # 2.415 -> 2.42
        ["10.50"],
    ),
    (
        "fixed and percentage fees on the discounted sub-total, taxed",
        1,
        [eq("100.00"), fee("7.50", qty=2), fee("10", "percentage")],
        "20",
        "fixed",
        "0.23",
        ("100.00", "20.00", "23.00", "23.69", "126.69"),  # 15.00 + 10 % of 80.00
        ["100.00", "15.00", "8.00"],
    ),
    (
        "discount larger than the sub-total stops at zero",
        1,
        [eq("50.00"), fee("20.00"), fee("10", "percentage")],
        "80",
        "fixed",
        "0.23",
        ("50.00", "50.00", "20.00", "4.60", "24.60"),
        ["50.00", "20.00", "0.00"],
    ),
    (
        "services are charged per day, fees once",
        2,
        [svc("150.00", 2), fee("25.00")],
        "0",
        "fixed",
        "0",
        ("600.00", "0.00", "25.00", "0.00", "625.00"),
        ["600.00", "25.00"],
    ),
    (
        "100 % percentage discount and 100 % tax",
        1,
        [eq("20.00"), fee("5.00")],
        "100",
        "percentage",
        "1",
        ("20.00", "20.00", "5.00", "5.00", "10.00"),
        ["20.00", "5.00"],
    ),
    (
        "line totals rounded before summing",
        1,
        [eq("0.01", 3), eq("33.33", 3)],
        "0",
        "fixed",
        "0.10",
        ("100.02", "0.00", "0.00", "10.00", "110.02"),  # tax 10.002 -> 10.00
        ["0.03", "99.99"],
    ),
]


@pytest.mark.parametrize(
    ("days", "lines", "discount", "kind", "tax", "totals", "line_totals"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_pricing_table(
    days: int,
    lines: list[dict[str, Any]],
    discount: str,
    kind: str,
    tax: str,
    totals: tuple[str, ...],
    line_totals: list[str],
) -> None:
    result = preview_totals(
        {
            "start_date": START.isoformat(),
            "end_date": (START + timedelta(days=days - 1)).isoformat(),
            "discount_value": discount,
            "discount_type": kind,
            "tax_rate": tax,
            "items": lines,
        }
    )
    keys = ("sub_total", "discount_amount", "fees_total", "tax_amount", "total")
    assert tuple(result[k] for k in keys) == tuple(Decimal(v) for v in totals)
    assert [item["line_total"] for item in result["items"]] == [Decimal(v) for v in line_totals]
    assert result["days"] == days
    assert {item["days"] for item in result["items"] if item["item_type"] == "fee"} <= {1}
