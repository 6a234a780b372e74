"""Quote pricing rules (issue 5), checked against hand-computed figures and properties."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from avrentals.domain.enums import DiscountType, QuoteItemType
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.pricing import (
    PricedLine,
    price_quote,
    quote_days,
    validate_line,
    validate_quote_input,
)

D = Decimal
EQ, SV, FEE = QuoteItemType.EQUIPMENT, QuoteItemType.SERVICE, QuoteItemType.FEE
FIXED, PCT = DiscountType.FIXED, DiscountType.PERCENTAGE


def test_quote_days_is_inclusive() -> None:
    assert quote_days(date(2026, 3, 1), date(2026, 3, 1)) == 1
    assert quote_days(date(2026, 3, 1), date(2026, 3, 3)) == 3
    assert quote_days(date(2026, 2, 27), date(2026, 3, 2)) == 4  # across a month end
    with pytest.raises(ValueError):
        quote_days(date(2026, 3, 2), date(2026, 3, 1))


def test_full_quote_hand_computed() -> None:
    days = quote_days(date(2026, 5, 4), date(2026, 5, 6))  # 3 days inclusive
    lines = [
        PricedLine(EQ, "Moving heads", D("45.00"), quantity=2, days=days),  # 2*45*3 = 270.00
        PricedLine(EQ, "Mixer", D("120.50"), quantity=1, days=days),  # 120.50*3 = 361.50
        PricedLine(SV, "Technician", D("150.00"), quantity=1, days=1),  # 150.00
        PricedLine(FEE, "Transport", D("25.00"), fee_type=FIXED),  # 25.00
        PricedLine(FEE, "Insurance", D("5"), fee_type=PCT),  # 5 % of 703.35 = 35.1675 -> 35.17
    ]
    totals = price_quote(lines, D("10"), PCT, D("0.23"))
    # sub-total 270.00 + 361.50 + 150.00 = 781.50; 10 % discount = 78.15 -> 703.35
    assert [ln.line_total for ln in lines] == [
        D("270.00"),
        D("361.50"),
        D("150.00"),
        D("25.00"),
        D("35.17"),
    ]
    assert totals.sub_total == D("781.50")
    assert totals.discount_amount == D("78.15")
    assert totals.fees_total == D("60.17")  # 25.00 + 35.17
    # tax 23 % of (703.35 + 60.17 = 763.52) = 175.6096 -> 175.61
    assert totals.tax_amount == D("175.61")
    assert totals.total == D("939.13")  # 763.52 + 175.61


def test_fixed_discount_and_fee_quantity() -> None:
    lines = [
        PricedLine(EQ, "Speaker", D("30.00"), quantity=4, days=2),  # 240.00
        PricedLine(FEE, "Cable pack", D("7.50"), quantity=2, fee_type=FIXED),  # 15.00
    ]
    totals = price_quote(lines, D("40"), FIXED, D("0"))
    assert (totals.sub_total, totals.discount_amount, totals.fees_total) == (
        D("240.00"),
        D("40.00"),
        D("15.00"),
    )
    assert totals.tax_amount == D("0.00")
    assert totals.total == D("215.00")  # 200.00 + 15.00


def test_half_up_at_line_level() -> None:
    # 0.335 -> 0.34 (half-up at the x.xx5 boundary)
    # 1.125 -> 1.13 (banker's rounding would give 1.12)
    lines = [
        PricedLine(EQ, "a", D("0.335")),
        PricedLine(EQ, "b", D("1.125")),
    ]
    totals = price_quote(lines, D("0"), FIXED, D("0"))
    assert [ln.line_total for ln in lines] == [D("0.34"), D("1.13")]
    assert totals.sub_total == D("1.47")


def test_many_lines_each_rounded_before_summing() -> None:
    # each 0.005 rounds to 0.01, so 10 lines make 0.10 (not round(0.05) = 0.05)
    lines = [PricedLine(EQ, f"l{i}", D("0.005")) for i in range(10)]
    totals = price_quote(lines, D("0"), FIXED, D("0"))
    assert totals.sub_total == D("0.10")


def test_tax_half_up() -> None:
    # 10.50 * 0.23 = 2.415 -> 2.42
    totals = price_quote([PricedLine(EQ, "x", D("10.50"))], D("0"), FIXED, D("0.23"))
    assert totals.tax_amount == D("2.42")
    assert totals.total == D("12.92")


def test_discount_larger_than_sub_total_floors_at_zero() -> None:
    lines = [
        PricedLine(EQ, "x", D("50.00")),
        PricedLine(FEE, "Transport", D("20.00"), fee_type=FIXED),
        PricedLine(FEE, "Insurance", D("10"), fee_type=PCT),
    ]
    totals = price_quote(lines, D("80.00"), FIXED, D("0.23"))
    assert totals.discount_amount == D("50.00")
    # percentage fee of a zero discounted sub-total is 0; fixed fee still charged, then taxed
    assert lines[2].line_total == D("0.00")
    assert totals.fees_total == D("20.00")
    assert totals.tax_amount == D("4.60")
    assert totals.total == D("24.60")


def test_percentage_discount_100() -> None:
    totals = price_quote([PricedLine(EQ, "x", D("99.99"), days=3)], D("100"), PCT, D("0.23"))
    assert totals.sub_total == D("299.97")
    assert totals.discount_amount == D("299.97")
    assert totals.total == D("0.00")


def test_validate_line() -> None:
    validate_line(1, D("0"))
    for qty in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValidationFailed) as err:
            validate_line(qty, D("1"))
        assert list(err.value.fields) == ["quantity"]
    with pytest.raises(ValidationFailed) as err:
        validate_line(0, D("-0.01"))
    assert set(err.value.fields) == {"quantity", "unit_price"}


def _header(**over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "line_count": 1,
        "discount_value": D("0"),
        "discount_type": FIXED,
        "tax_rate": D("0.23"),
        "start": date(2026, 1, 1),
        "end": date(2026, 1, 1),
    }
    return base | over


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"line_count": 0}, "items"),
        ({"discount_value": D("-1")}, "discount_value"),
        ({"discount_value": D("100.01"), "discount_type": PCT}, "discount_value"),
        ({"tax_rate": D("-0.01")}, "tax_rate"),
        ({"tax_rate": D("1.01")}, "tax_rate"),
        ({"end": date(2025, 12, 31)}, "end_date"),
    ],
)
def test_validate_quote_input_rejects(over: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        validate_quote_input(**_header(**over))  # type: ignore[arg-type]
    assert list(err.value.fields) == [field]
    assert err.value.fields[field]


def test_validate_quote_input_accepts_bounds() -> None:
    validate_quote_input(**_header(discount_value=D("100"), discount_type=PCT, tax_rate=D("1")))  # type: ignore[arg-type]
    validate_quote_input(**_header(discount_value=D("5000"), tax_rate=D("0")))  # type: ignore[arg-type]


def test_validate_quote_input_reports_every_field() -> None:
    with pytest.raises(ValidationFailed) as err:
        validate_quote_input(**_header(line_count=0, tax_rate=D("2"), end=date(2025, 1, 1)))  # type: ignore[arg-type]
    assert set(err.value.fields) == {"items", "tax_rate", "end_date"}


_money = st.decimals(min_value=0, max_value=100000, places=3)
_line = st.builds(
    PricedLine,
    item_type=st.sampled_from([EQ, SV]),
    description=st.just("line"),
    unit_price=_money,
    quantity=st.integers(1, 50),
    days=st.integers(1, 30),
)
_fee = st.builds(
    PricedLine,
    item_type=st.just(FEE),
    description=st.just("fee"),
    unit_price=st.decimals(min_value=0, max_value=100, places=2),
    quantity=st.integers(1, 5),
    fee_type=st.sampled_from([FIXED, PCT]),
)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(_line, min_size=1, max_size=8),
    fees=st.lists(_fee, max_size=3),
    discount_type=st.sampled_from([FIXED, PCT]),
    discount=st.decimals(min_value=0, max_value=100, places=2),
    fixed_discount=st.decimals(min_value=0, max_value=10_000_000, places=2),
    tax_rate=st.decimals(min_value=0, max_value=1, places=4),
)
def test_properties(
    lines: list[PricedLine],
    fees: list[PricedLine],
    discount_type: DiscountType,
    discount: Decimal,
    fixed_discount: Decimal,
    tax_rate: Decimal,
) -> None:
    value = discount if discount_type == PCT else fixed_discount
    t = price_quote(lines + fees, value, discount_type, tax_rate)
    discounted = t.sub_total - t.discount_amount
    assert t.total == discounted + t.fees_total + t.tax_amount
    for amount in (t.sub_total, t.discount_amount, t.fees_total, t.tax_amount, t.total):
        assert amount.as_tuple().exponent == -2
    for ln in lines + fees:
        assert ln.line_total.as_tuple().exponent == -2
    assert t.sub_total == sum((ln.line_total for ln in lines), D("0.00"))
    assert t.fees_total == sum((f.line_total for f in fees), D("0.00"))
    assert D(0) <= t.discount_amount <= t.sub_total
    assert t.total >= 0
