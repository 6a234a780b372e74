"""Quotes, their lines, and the service and fee catalogues."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from avrentals.domain.enums import DiscountType, QuoteItemType, QuoteStatus
from avrentals.domain.models.base import (
    IdMixin,
    TimestampMixin,
    UTCDateTime,
    VersionedMixin,
    enum_type,
    money,
)


class Service(IdMixin, TimestampMixin, VersionedMixin, table=True):
    """A billable service (crew, transport, programming) priced per unit."""

    __tablename__ = "service"
    __table_args__ = (
        sa.CheckConstraint("unit_price >= 0", name="unit_price_non_negative"),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 100", name="name_length"),
    )

    name: str = Field(max_length=100, unique=True)
    description: str | None = Field(default=None, max_length=500)
    unit_price: Decimal = money()
    unit: str = Field(default="day", max_length=20)
    category: str | None = Field(default=None, max_length=50)
    is_active: bool = Field(default=True)


class Fee(IdMixin, TimestampMixin, VersionedMixin, table=True):
    """A fee on quotes: a fixed amount or a percentage of the discounted sub-total.
    Required fees are added to every new quote."""

    __tablename__ = "fee"
    __table_args__ = (
        sa.CheckConstraint("amount >= 0", name="amount_non_negative"),
        sa.CheckConstraint(
            "fee_type <> 'percentage' OR amount <= 100", name="percentage_at_most_100"
        ),
        sa.CheckConstraint("length(name) BETWEEN 1 AND 100", name="name_length"),
    )

    name: str = Field(max_length=100, unique=True)
    description: str | None = Field(default=None, max_length=500)
    amount: Decimal = money()
    fee_type: DiscountType = Field(
        default=DiscountType.FIXED, sa_type=enum_type(DiscountType, "fee_type"), nullable=False
    )
    category: str | None = Field(default=None, max_length=50)
    is_active: bool = Field(default=True)
    is_required: bool = Field(default=False)


class QuoteSequence(SQLModel, table=True):
    """Last quote number used per year; locked while a number is taken so numbers stay
    unique under concurrency."""

    __tablename__ = "quote_sequence"
    __table_args__ = (sa.CheckConstraint("last_number >= 0", name="last_number_non_negative"),)

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_number: int = Field(default=0)


class Quote(IdMixin, TimestampMixin, VersionedMixin, table=True):
    """A priced offer to a client. Totals are computed on the server (Decimal, half-up).

    Rules: number `Q{YYYY}-{NNN}` unique; end_date >= start_date; discount >= 0 and a
    percentage <= 100; tax_rate a fraction 0..1; totals >= 0. A client with quotes cannot be
    deleted. Workflow Draft -> Sent -> Accepted | Declined, any -> Archived.
    """

    __tablename__ = "quote"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),
        sa.CheckConstraint("discount_value >= 0", name="discount_non_negative"),
        sa.CheckConstraint(
            "discount_type <> 'percentage' OR discount_value <= 100",
            name="discount_percentage_at_most_100",
        ),
        sa.CheckConstraint("tax_rate >= 0 AND tax_rate <= 1", name="tax_rate_fraction"),
        sa.CheckConstraint(
            "sub_total >= 0 AND discount_amount >= 0 AND fees_total >= 0 "
            "AND tax_amount >= 0 AND total >= 0",
            name="totals_non_negative",
        ),
        sa.CheckConstraint("notes IS NULL OR length(notes) <= 1000", name="notes_length"),
        sa.Index("ix_quote_status", "status"),
        sa.Index("ix_quote_dates", "start_date", "end_date"),
        sa.Index("ix_quote_created_at", "created_at"),  # the list's default order: newest
        # An approval creates its own event: one quote per event, found from the event.
        sa.Index("ix_quote_event_id", "event_id", unique=True),
    )

    number: str = Field(max_length=16, unique=True)
    name: str = Field(max_length=100)
    location: str | None = Field(default=None, max_length=200)
    client_id: uuid.UUID | None = Field(
        default=None, foreign_key="client.id", ondelete="RESTRICT", index=True
    )
    client_name: str = Field(max_length=100)
    client_email: str | None = Field(default=None, max_length=254)
    client_phone: str | None = Field(default=None, max_length=30)
    client_address: str | None = Field(default=None, max_length=200)
    start_date: date
    end_date: date
    discount_value: Decimal = money()
    discount_type: DiscountType = Field(
        default=DiscountType.FIXED,
        sa_type=enum_type(DiscountType, "discount_type"),
        nullable=False,
    )
    tax_rate: Decimal = Field(default=Decimal("0.23"), sa_type=sa.Numeric(5, 4))
    sub_total: Decimal = money()
    discount_amount: Decimal = money()
    fees_total: Decimal = money()
    tax_amount: Decimal = money()
    total: Decimal = money()
    status: QuoteStatus = Field(
        default=QuoteStatus.DRAFT, sa_type=enum_type(QuoteStatus, "quote_status"), nullable=False
    )
    notes: str | None = Field(default=None, max_length=1000)
    valid_until: date | None = None
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_to: str | None = Field(default=None, max_length=254)
    # The version the client was given (e-mailed or marked as sent): a Sent quote saved
    # since then differs from what the client has.
    sent_version: int | None = None
    event_id: uuid.UUID | None = Field(default=None, foreign_key="event.id", ondelete="SET NULL")


class QuoteItem(IdMixin, TimestampMixin, table=True):
    """A quote line: equipment or service (quantity x unit price x days) or a fee (fixed
    amount or percentage). Deleted with its quote; catalogue rows may disappear (SET NULL)
    because the line keeps its own description and prices."""

    __tablename__ = "quote_item"
    __table_args__ = (
        sa.CheckConstraint("quantity >= 1", name="quantity_positive"),
        sa.CheckConstraint("unit_price >= 0", name="unit_price_non_negative"),
        sa.CheckConstraint("days >= 1", name="days_positive"),
        sa.CheckConstraint("line_total >= 0", name="line_total_non_negative"),
    )

    quote_id: uuid.UUID = Field(foreign_key="quote.id", ondelete="CASCADE", index=True)
    item_type: QuoteItemType = Field(
        sa_type=enum_type(QuoteItemType, "quote_item_type"), nullable=False
    )
    equipment_id: uuid.UUID | None = Field(
        default=None, foreign_key="equipment_item.id", ondelete="SET NULL"
    )
    service_id: uuid.UUID | None = Field(
        default=None, foreign_key="service.id", ondelete="SET NULL"
    )
    fee_id: uuid.UUID | None = Field(default=None, foreign_key="fee.id", ondelete="SET NULL")
    description: str = Field(max_length=200)
    quantity: int = Field(default=1)
    unit_price: Decimal = money()
    days: int = Field(default=1)
    fee_type: DiscountType | None = Field(
        default=None, sa_type=enum_type(DiscountType, "quote_fee_type")
    )
    line_total: Decimal = money()
    position: int = Field(default=0)
