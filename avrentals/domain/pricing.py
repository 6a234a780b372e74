"""Quote pricing: pure arithmetic over Decimal, no database and no I/O.

Rules (issue 5):
- A quote covers `quote_days(start, end)` days, both ends inclusive; end before start is invalid.
- Equipment and service line total = quantity x unit price x days, rounded half-up to cents.
- Sub-total = sum of the (already rounded) equipment and service line totals.
- Discount applies to the sub-total only: fixed amount, or percentage (0-100) of the sub-total,
  rounded half-up to cents and capped at the sub-total, so the discounted sub-total is never < 0.
- Fixed fees add amount x quantity; percentage fees take `unit_price` percent of the discounted
  sub-total; each fee is rounded half-up to cents.
- Tax = tax rate (a fraction 0-1) x (discounted sub-total + fees), rounded half-up to cents.
- Total = discounted sub-total + fees + tax, exact (every part already has two decimals).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from avrentals.domain.enums import DiscountType, QuoteItemType
from avrentals.domain.errors import ValidationFailed

_CENT = Decimal("0.01")
_HUNDRED = Decimal(100)


def _cents(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def quote_days(start: date, end: date) -> int:
    """Days charged for a quote from `start` to `end`, both inclusive; ValueError if end < start."""
    if end < start:
        raise ValueError("end date is before start date")
    return (end - start).days + 1


@dataclass
class PricedLine:
    """A quote line before it is stored; `line_total` is filled in by `price_quote`."""

    item_type: QuoteItemType
    description: str
    unit_price: Decimal
    quantity: int = 1
    days: int = 1
    fee_type: DiscountType | None = None
    equipment_id: uuid.UUID | None = None
    service_id: uuid.UUID | None = None
    fee_id: uuid.UUID | None = None
    line_total: Decimal = field(default_factory=lambda: Decimal("0.00"))


@dataclass(frozen=True)
class QuoteTotals:
    """Quote amounts, each with two decimals; total = sub_total - discount + fees + tax."""

    sub_total: Decimal
    discount_amount: Decimal
    fees_total: Decimal
    tax_amount: Decimal
    total: Decimal


def price_quote(
    lines: Sequence[PricedLine],
    discount_value: Decimal,
    discount_type: DiscountType,
    tax_rate: Decimal,
) -> QuoteTotals:
    """Fill in every line total and return the quote totals per the module rules.

    Mutates `line_total` on each line; raises nothing (validate inputs first with
    `validate_quote_input` / `validate_line`).
    """
    sub_total = Decimal("0.00")
    for line in lines:
        if line.item_type != QuoteItemType.FEE:
            line.line_total = _cents(line.unit_price * line.quantity * line.days)
            sub_total += line.line_total
    if discount_type == DiscountType.PERCENTAGE:
        discount = _cents(sub_total * discount_value / _HUNDRED)
    else:
        discount = _cents(discount_value)
    discount = min(discount, sub_total)
    discounted = sub_total - discount
    fees_total = Decimal("0.00")
    for line in lines:
        if line.item_type == QuoteItemType.FEE:
            if line.fee_type == DiscountType.PERCENTAGE:
                line.line_total = _cents(discounted * line.unit_price / _HUNDRED)
            else:
                line.line_total = _cents(line.unit_price * line.quantity)
            fees_total += line.line_total
    tax = _cents(tax_rate * (discounted + fees_total))
    return QuoteTotals(sub_total, discount, fees_total, tax, discounted + fees_total + tax)


def line_errors(quantity: object, unit_price: Decimal) -> dict[str, list[str]]:
    """Field errors for one line: quantity a whole number >= 1, unit price >= 0."""
    errors: dict[str, list[str]] = {}
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        errors["quantity"] = ["Quantity must be a whole number of at least 1"]
    if not unit_price.is_finite() or unit_price < 0:
        errors["unit_price"] = ["Unit price cannot be negative"]
    return errors


def validate_line(quantity: object, unit_price: Decimal) -> None:
    """Raise ValidationFailed({quantity|unit_price: [...]}) if the line breaks a rule."""
    errors = line_errors(quantity, unit_price)
    if errors:
        raise ValidationFailed(errors)


def validate_quote_input(
    *,
    line_count: int,
    discount_value: Decimal,
    discount_type: DiscountType,
    tax_rate: Decimal,
    start: date,
    end: date,
) -> None:
    """Raise ValidationFailed with every field error of a quote's header at once.

    Rules: at least one line; discount >= 0 and a percentage discount <= 100; tax rate a
    fraction 0-1 (0-100 %); end date on or after start date.
    """
    errors: dict[str, list[str]] = {}
    if line_count < 1:
        errors["items"] = ["Add at least one line"]
    if not discount_value.is_finite() or discount_value < 0:
        errors["discount_value"] = ["Discount cannot be negative"]
    elif discount_type == DiscountType.PERCENTAGE and discount_value > _HUNDRED:
        errors["discount_value"] = ["A percentage discount cannot exceed 100 %"]
    if not tax_rate.is_finite() or not (0 <= tax_rate <= 1):
        errors["tax_rate"] = ["Tax must be between 0 % and 100 %"]
    if end < start:
        errors["end_date"] = ["End date must be on or after the start date"]
    if errors:
        raise ValidationFailed(errors)
