"""Builders for quotes in tests: a Quote and its QuoteItems inserted directly, priced by the
real pricing engine and numbered by the real sequence (no quote service involved)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from avrentals.db import transaction
from avrentals.domain.enums import DiscountType, QuoteItemType, QuoteStatus
from avrentals.domain.models import CompanySettings, Quote, QuoteItem
from avrentals.domain.pricing import PricedLine, price_quote, quote_days
from avrentals.domain.services.quote_numbers import next_quote_number

START = date(2030, 6, 10)
END = date(2030, 6, 12)  # three days, inclusive


@dataclass(frozen=True)
class Line:
    """One line to build: equipment/service (qty x price x days) or a fee."""

    description: str
    unit_price: str
    quantity: int = 1
    item_type: QuoteItemType = QuoteItemType.EQUIPMENT
    fee_type: DiscountType | None = None


def equipment(description: str, unit_price: str, quantity: int = 1) -> Line:
    return Line(description, unit_price, quantity)


def service(description: str, unit_price: str, quantity: int = 1) -> Line:
    return Line(description, unit_price, quantity, QuoteItemType.SERVICE)


def fixed_fee(description: str, amount: str, quantity: int = 1) -> Line:
    return Line(description, amount, quantity, QuoteItemType.FEE, DiscountType.FIXED)


def percentage_fee(description: str, percent: str) -> Line:
    return Line(description, percent, 1, QuoteItemType.FEE, DiscountType.PERCENTAGE)


DEFAULT_LINES = (
    equipment("Shure SM58 microphone", "12.50", 4),
    equipment("Yamaha CL5 mixing console", "180.00"),
    service("Sound technician", "220.00", 2),
    fixed_fee("Transport Lisboa - Évora", "85.00"),
    percentage_fee("Insurance", "5"),
)


def make_quote(
    engine: Engine,
    lines: tuple[Line, ...] | list[Line] = DEFAULT_LINES,
    *,
    start: date = START,
    end: date = END,
    discount_value: str = "10",
    discount_type: DiscountType = DiscountType.PERCENTAGE,
    tax_rate: str = "0.23",
    status: QuoteStatus = QuoteStatus.DRAFT,
    year: int = 2030,
    **fields: Any,
) -> Quote:
    """Insert a priced, numbered quote with `lines` (in order) and return it."""
    days = quote_days(start, end)
    priced = [
        PricedLine(
            item_type=line.item_type,
            description=line.description,
            unit_price=Decimal(line.unit_price),
            quantity=line.quantity,
            days=1 if line.item_type == QuoteItemType.FEE else days,
            fee_type=line.fee_type,
        )
        for line in lines
    ]
    totals = price_quote(priced, Decimal(discount_value), discount_type, Decimal(tax_rate))
    values: dict[str, Any] = {
        "name": "Summer Gala 2030",
        "location": "Teatro São Luiz, Lisboa",
        "client_name": "Câmara Municipal de Évora",
        "client_email": "eventos@cm-evora.example",
        "client_phone": "+351 266 777 000",
        "client_address": "Praça do Sertório, 7000-804 Évora",
        "notes": "Load-in from 08:00 through the stage door.",
        **fields,
    }
    with transaction(engine) as s:
        quote = Quote(
            number=next_quote_number(s, year),
            start_date=start,
            end_date=end,
            discount_value=Decimal(discount_value),
            discount_type=discount_type,
            tax_rate=Decimal(tax_rate),
            sub_total=totals.sub_total,
            discount_amount=totals.discount_amount,
            fees_total=totals.fees_total,
            tax_amount=totals.tax_amount,
            total=totals.total,
            status=status,
            **values,
        )
        s.add(quote)
        s.flush()
        for position, line in enumerate(priced):
            s.add(
                QuoteItem(
                    quote_id=quote.id,
                    item_type=line.item_type,
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    days=line.days,
                    fee_type=line.fee_type,
                    line_total=line.line_total,
                    position=position,
                )
            )
    return quote


def quote_items(engine: Engine, quote_id: uuid.UUID) -> list[QuoteItem]:
    with Session(engine) as s:
        return list(
            s.exec(
                select(QuoteItem)
                .where(QuoteItem.quote_id == quote_id)
                .order_by(col(QuoteItem.position))
            ).all()
        )


def reload_quote(engine: Engine, quote_id: uuid.UUID) -> Quote:
    with Session(engine, expire_on_commit=False) as s:
        quote = s.get(Quote, quote_id)
        assert quote is not None
        return quote


def set_company(engine: Engine, **fields: Any) -> CompanySettings:
    """Create or update the settings row with `fields`."""
    with Session(engine, expire_on_commit=False) as s:
        row = s.get(CompanySettings, 1) or CompanySettings()
        for key, value in fields.items():
            setattr(row, key, value)
        s.add(row)
        s.commit()
        return row
