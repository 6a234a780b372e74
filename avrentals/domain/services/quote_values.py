"""Reading a quote document (header + lines) from untrusted snake_case values.

`read_quote` collects every broken rule at once (lines as `items[i].field`) and returns
column values plus `PricedLine`s priced with `pricing.price_quote`. Catalogue look-ups
(equipment daily rate, service unit price, fee amount and type) go through a `Catalogue`, so
the same reader serves the database-backed services and the pure `preview_totals`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from avrentals.domain import validation as v
from avrentals.domain.enums import DiscountType, QuoteItemType
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.pricing import (
    PricedLine,
    QuoteTotals,
    line_errors,
    price_quote,
    quote_days,
    validate_quote_input,
)

DEFAULT_TAX_RATE = Decimal("0.23")
MAX_LINES = 500
MAX_LINE_QUANTITY = 100_000
# The quote's own columns a document sets (the totals, number and status are the server's).
HEADER_COLUMNS = (
    "name",
    "location",
    "client_id",
    "client_name",
    "client_email",
    "client_phone",
    "client_address",
    "start_date",
    "end_date",
    "discount_value",
    "discount_type",
    "tax_rate",
    "notes",
)
HEADER_FIELDS = (*HEADER_COLUMNS, "items")
LINE_FIELDS = (
    "item_type",
    "equipment_id",
    "service_id",
    "fee_id",
    "description",
    "quantity",
    "unit_price",
    "fee_type",
)
# Computed or bookkeeping values a client may echo back; the server never trusts them.
IGNORED_FIELDS = frozenset({"sub_total", "discount_amount", "fees_total", "tax_amount", "total"})
IGNORED_LINE_FIELDS = frozenset({"id", "line_total", "days", "position"})
CLIENT_FIELDS = ("client_name", "client_email", "client_phone", "client_address")
REF_FIELD = {
    QuoteItemType.EQUIPMENT: "equipment_id",
    QuoteItemType.SERVICE: "service_id",
    QuoteItemType.FEE: "fee_id",
}


@dataclass(frozen=True)
class CatalogueEntry:
    """What a catalogue row lends a new line: its name, price and (fees) type."""

    name: str
    unit_price: Decimal
    fee_type: DiscountType | None = None


# (item_type, id) -> the entry, or None when no such row exists.
Catalogue = Callable[[QuoteItemType, uuid.UUID], CatalogueEntry | None]


@dataclass
class QuoteDocument:
    """A validated quote: column values of the header, priced lines and the totals."""

    header: dict[str, Any]
    lines: list[PricedLine]
    totals: QuoteTotals
    days: int


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _date(errors: v.Errors, field: str, value: Any, label: str) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors.add(field, f"{label} is required (YYYY-MM-DD).")
    return None


def _tax_rate(errors: v.Errors, value: Any, default: Decimal) -> Decimal:
    if _blank(value):
        return default
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        rate = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        errors.add("tax_rate", "Tax rate must be a fraction such as 0.23 (23 %).")
        return default
    exponent = rate.normalize().as_tuple().exponent if rate.is_finite() else 0
    if isinstance(exponent, int) and exponent < -4:
        errors.add("tax_rate", "Tax rate can have at most 4 decimals (0.2325 = 23.25 %).")
    elif rate.is_finite() and 1 < rate <= 100:
        errors.add("tax_rate", "Tax rate is a fraction from 0 to 1: 0.23 means 23 %.")
    return rate


def _quantity(value: Any) -> Any:
    """1 when absent; an integral string from a form becomes an int; anything else is left
    for `pricing.line_errors` to judge."""
    if value is None:
        return 1
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _line(
    errors: v.Errors,
    index: int,
    raw: Any,
    catalogue: Catalogue | None,
    days: int,
    pricing_only: bool,
) -> PricedLine | None:
    prefix = f"items[{index}]."
    if not isinstance(raw, Mapping):
        errors.add(f"items[{index}]", "Each line must be an object.")
        return None
    line_errors_at = v.Errors()
    # Rules that do not affect the amounts; a live preview skips them (messages dropped).
    strict = v.Errors() if pricing_only else line_errors_at
    v.reject_unknown(
        {k: val for k, val in raw.items() if k not in IGNORED_LINE_FIELDS},
        LINE_FIELDS,
        strict,
    )
    item_type = v.enum_value(
        line_errors_at, "item_type", raw.get("item_type"), QuoteItemType, label="Line type"
    )
    entry: CatalogueEntry | None = None
    ref_id: uuid.UUID | None = None
    if item_type is not None:
        ref_field = REF_FIELD[item_type]
        for other in REF_FIELD.values():
            if other != ref_field and not _blank(raw.get(other)):
                strict.add(other, f"Only a {other[:-3]} line refers to this.")
        raw_ref = raw.get(ref_field)
        if _blank(raw_ref):
            if item_type == QuoteItemType.EQUIPMENT:
                strict.add(ref_field, "Pick an equipment item.")
        else:
            ref_id = v.uuid_value(strict, ref_field, raw_ref, label="Catalogue item")
            if ref_id is not None and catalogue is not None:
                entry = catalogue(item_type, ref_id)
                if entry is None:
                    strict.add(ref_field, "This catalogue item no longer exists.")
    description = raw.get("description")
    if _blank(description) and entry is not None:
        description = entry.name
    text = v.text(
        strict, "description", description, label="Description", max_len=200, required=True
    )
    raw_price = raw.get("unit_price")
    if _blank(raw_price) and entry is not None:
        raw_price = entry.unit_price
    if _blank(raw_price):
        line_errors_at.add("unit_price", "Unit price is required.")
        price = None
    else:
        price = v.money(line_errors_at, "unit_price", raw_price, label="Unit price")
    quantity = _quantity(raw.get("quantity"))
    for field, messages in line_errors(quantity, price or Decimal(0)).items():
        for message in messages:
            line_errors_at.add(field, message)
    if not line_errors_at.has("quantity") and quantity > MAX_LINE_QUANTITY:
        line_errors_at.add("quantity", f"Quantity can be at most {MAX_LINE_QUANTITY}.")
    fee_type: DiscountType | None = None
    if item_type == QuoteItemType.FEE:
        raw_type = raw.get("fee_type")
        if _blank(raw_type):
            fee_type = entry.fee_type if entry and entry.fee_type else DiscountType.FIXED
        else:
            fee_type = v.enum_value(
                line_errors_at, "fee_type", raw_type, DiscountType, label="Fee type"
            )
        if fee_type == DiscountType.PERCENTAGE and price is not None and price > 100:
            line_errors_at.add("unit_price", "A percentage fee cannot exceed 100 %.")
    elif not _blank(raw.get("fee_type")):
        strict.add("fee_type", "Only a fee line has a fee type.")
    for field, messages in line_errors_at.fields.items():
        for message in messages:
            errors.add(prefix + field, message)
    if line_errors_at or item_type is None or price is None:
        return None
    return PricedLine(
        item_type=item_type,
        description=text or "",
        unit_price=price,
        quantity=quantity,
        days=1 if item_type == QuoteItemType.FEE else days,
        fee_type=fee_type,
        equipment_id=ref_id if item_type == QuoteItemType.EQUIPMENT else None,
        service_id=ref_id if item_type == QuoteItemType.SERVICE else None,
        fee_id=ref_id if item_type == QuoteItemType.FEE else None,
    )


def read_quote(
    values: Mapping[str, Any],
    *,
    catalogue: Catalogue | None,
    default_tax_rate: Decimal = DEFAULT_TAX_RATE,
    allow_empty: bool = False,
    client_defaults: Mapping[str, Any] | None = None,
    extra_lines: Callable[[list[PricedLine]], list[PricedLine]] | None = None,
    pricing_only: bool = False,
) -> QuoteDocument:
    """Validate a whole quote document and price it.

    `catalogue`: resolves catalogue ids (None: ids are taken as given and each line needs
    its unit price). `client_defaults`: client_name/email/phone/address of the linked
    client, used for any of them left blank. `extra_lines`: called with the valid lines,
    returns lines to append (required fees) before pricing. Raises ValidationFailed with
    every field message at once.

    `pricing_only` (live preview): only the rules that decide the amounts are enforced
    (dates, discount, tax, line type, quantity, unit price, fee type); a half-typed header
    or description still prices."""
    errors = v.Errors()
    strict = v.Errors() if pricing_only else errors
    v.reject_unknown(
        {k: val for k, val in values.items() if k not in IGNORED_FIELDS}, HEADER_FIELDS, strict
    )
    header: dict[str, Any] = {}
    defaults = client_defaults or {}
    typed = {
        k: (defaults.get(k) if _blank(values.get(k)) else values.get(k)) for k in CLIENT_FIELDS
    }
    header["name"] = v.text(
        strict, "name", values.get("name"), label="Name", min_len=1, max_len=100
    )
    header["location"] = v.text(
        strict, "location", values.get("location"), label="Location", max_len=200
    )
    header["client_name"] = v.text(
        strict, "client_name", typed["client_name"], label="Client name", min_len=1, max_len=100
    )
    header["client_email"] = v.email(strict, "client_email", typed["client_email"])
    header["client_phone"] = v.text(
        strict, "client_phone", typed["client_phone"], label="Phone", max_len=30
    )
    header["client_address"] = v.text(
        strict, "client_address", typed["client_address"], label="Address", max_len=200
    )
    header["notes"] = v.text(strict, "notes", values.get("notes"), label="Notes", max_len=1000)
    start = _date(errors, "start_date", values.get("start_date"), "Start date")
    end = _date(errors, "end_date", values.get("end_date"), "End date")
    header["start_date"], header["end_date"] = start, end
    raw_discount = values.get("discount_value")
    discount = (
        Decimal("0.00")
        if _blank(raw_discount)
        else v.money(errors, "discount_value", raw_discount, label="Discount")
    )
    raw_type = values.get("discount_type")
    discount_type = (
        DiscountType.FIXED
        if _blank(raw_type)
        else v.enum_value(errors, "discount_type", raw_type, DiscountType, label="Discount type")
    )
    tax_rate = _tax_rate(errors, values.get("tax_rate"), default_tax_rate)
    days = quote_days(start, end) if start and end and end >= start else 1
    raw_items = values.get("items")
    lines: list[PricedLine] = []
    if raw_items is None:
        raw_items = []
    if not isinstance(raw_items, list | tuple):
        errors.add("items", "Lines must be a list.")
        raw_items = []
    elif len(raw_items) > MAX_LINES:
        errors.add("items", f"A quote can have at most {MAX_LINES} lines.")
        raw_items = []
    for index, raw in enumerate(raw_items):
        line = _line(errors, index, raw, catalogue, days, pricing_only)
        if line is not None:
            lines.append(line)
    if extra_lines is not None and not errors:
        lines.extend(extra_lines(lines))
    # Header rules shared with pricing (line count, discount, tax range, date order).
    try:
        validate_quote_input(
            line_count=max(len(raw_items), 1 if allow_empty else 0),
            discount_value=discount if discount is not None else Decimal(0),
            discount_type=discount_type or DiscountType.FIXED,
            tax_rate=tax_rate,
            start=start or date.min,
            end=end or date.max,
        )
    except ValidationFailed as exc:
        for field, messages in exc.fields.items():
            if not errors.has(field):
                for message in messages:
                    errors.add(field, message)
    errors.raise_if_any()
    assert discount is not None and discount_type is not None
    header["discount_value"] = discount
    header["discount_type"] = discount_type
    header["tax_rate"] = tax_rate
    totals = price_quote(lines, discount, discount_type, tax_rate)
    return QuoteDocument(header=header, lines=lines, totals=totals, days=days)


def totals_values(totals: QuoteTotals) -> dict[str, Any]:
    """The quote columns that hold the totals."""
    return {
        "sub_total": totals.sub_total,
        "discount_amount": totals.discount_amount,
        "fees_total": totals.fees_total,
        "tax_amount": totals.tax_amount,
        "total": totals.total,
    }
