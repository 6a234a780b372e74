"""Wire shapes (camelCase) of quotes (DESIGN §8, quote contract).

Request bodies check only structure and JSON types; the rules (lengths, dates, quantities,
prices, discount, tax) are checked by `avrentals.domain.services.quotes`, so the API and the
builder get the same field-level messages. Money is accepted as a number or a string and
sent as a two-decimal string; `taxRate` is a fraction (0.23 = 23 %). Totals a client sends
(`subTotal`, `discountAmount`, `feesTotal`, `taxAmount`, `total`, a line's `lineTotal`,
`days`, `id`, `position`) are accepted and ignored: the server always prices the quote.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, PlainSerializer, StrictFloat, StrictInt, StrictStr

from avrentals.api.schemas import Money, RequestBody, WireModel
from avrentals.api.schemas_events import EventDetailOut
from avrentals.domain.enums import DiscountType, QuoteItemType, QuoteStatus

# A fraction such as 0.23, sent as a JSON number.
Rate = Annotated[Decimal, PlainSerializer(float, return_type=float)]
Number = StrictInt | StrictFloat | StrictStr

# --- Output --------------------------------------------------------------------------------


class QuoteItemOut(WireModel):
    """One quote line."""

    id: uuid.UUID
    item_type: QuoteItemType
    equipment_id: uuid.UUID | None
    service_id: uuid.UUID | None
    fee_id: uuid.UUID | None
    description: str
    quantity: int
    unit_price: Money
    days: int
    fee_type: DiscountType | None
    line_total: Money
    position: int


class QuoteItemDetailOut(QuoteItemOut):
    """A line in `GET /api/quotes/{id}`: equipment lines carry `available` of `bookable`
    units for the quote's dates (null for other lines or a removed item)."""

    available: int | None = None
    bookable: int | None = None


class QuoteHeaderOut(WireModel):
    """A quote without its lines."""

    id: uuid.UUID
    number: str
    name: str
    location: str | None
    client_id: uuid.UUID | None
    client_name: str
    client_email: str | None
    client_phone: str | None
    client_address: str | None
    start_date: date
    end_date: date
    discount_value: Money
    discount_type: DiscountType
    tax_rate: Rate
    sub_total: Money
    discount_amount: Money
    fees_total: Money
    tax_amount: Money
    total: Money
    status: QuoteStatus
    notes: str | None
    valid_until: date | None
    sent_at: datetime | None
    sent_to: str | None
    sent_version: int | None = Field(
        default=None,
        description="The version the client was given (e-mailed or marked as sent); a Sent "
        "quote with a higher `version` was changed since",
    )
    event_id: uuid.UUID | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def fields_of(cls, row: Mapping[str, Any]) -> dict[str, Any]:
        return {k: row.get(k) for k in QuoteHeaderOut.model_fields}


class QuoteListItem(QuoteHeaderOut):
    """A row of `GET /api/quotes`."""

    item_count: int = 0

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> QuoteListItem:
        return cls(**cls.fields_of(row), item_count=row.get("item_count", 0))


class QuoteOut(QuoteHeaderOut):
    """A quote with its lines (ordered by position)."""

    items: list[QuoteItemOut]

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> QuoteOut:
        """From `services.quotes.quote_payload` (snake_case)."""
        return cls(
            **cls.fields_of(payload),
            items=[QuoteItemOut(**line) for line in payload.get("items", [])],
        )


class QuoteDetailOut(QuoteHeaderOut):
    """`GET /api/quotes/{id}`: the quote, its lines with availability, the linked client's
    current name and the name of the event it was approved into."""

    items: list[QuoteItemDetailOut]
    linked_client_name: str | None = None
    event_name: str | None = None

    @classmethod
    def from_detail(cls, detail: Mapping[str, Any]) -> QuoteDetailOut:
        """From `services.quotes.quote_detail`."""
        return cls(
            **cls.fields_of(detail),
            items=[QuoteItemDetailOut(**line) for line in detail.get("items", [])],
            linked_client_name=detail.get("linked_client_name"),
            event_name=detail.get("event_name"),
        )


class ApprovalOut(WireModel):
    """`POST /api/quotes/{id}/approve`: the Accepted quote and the event made from it."""

    quote: QuoteDetailOut
    event: EventDetailOut


class PreviewLineOut(WireModel):
    """A priced line of a preview."""

    item_type: QuoteItemType
    description: str
    quantity: int
    unit_price: Money
    days: int
    fee_type: DiscountType | None
    line_total: Money


class PreviewOut(WireModel):
    """`POST /api/quotes/preview`: the totals the quote would have (nothing saved)."""

    sub_total: Money
    discount_amount: Money
    fees_total: Money
    tax_amount: Money
    total: Money
    days: int
    items: list[PreviewLineOut]


# --- Input ---------------------------------------------------------------------------------

IGNORED = ("sub_total", "discount_amount", "fees_total", "tax_amount", "total")
IGNORED_LINE = ("id", "line_total", "days", "position")


class QuoteLineIn(RequestBody):
    """One line: `itemType` equipment|service|fee, its catalogue id, `description`,
    `quantity`, `unitPrice` (defaults to the catalogue price), `feeType` (fees)."""

    item_type: StrictStr | None = Field(default=None, max_length=40)
    equipment_id: StrictStr | None = Field(default=None, max_length=100)
    service_id: StrictStr | None = Field(default=None, max_length=100)
    fee_id: StrictStr | None = Field(default=None, max_length=100)
    description: StrictStr | None = Field(default=None, max_length=1000)
    quantity: Number | None = None
    unit_price: Number | None = None
    fee_type: StrictStr | None = Field(default=None, max_length=40)
    # Echoed back from a read; ignored.
    id: StrictStr | None = Field(default=None, max_length=100)
    line_total: Number | None = None
    days: Number | None = None
    position: Number | None = None

    def values(self) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=True, by_alias=False)
        for key in IGNORED_LINE:
            data.pop(key, None)
        return data


class QuoteFields(RequestBody):
    """The quote document: header fields and the full list of `items`."""

    name: StrictStr | None = Field(default=None, max_length=1000)
    location: StrictStr | None = Field(default=None, max_length=1000)
    client_id: StrictStr | None = Field(default=None, max_length=100)
    client_name: StrictStr | None = Field(default=None, max_length=1000)
    client_email: StrictStr | None = Field(default=None, max_length=1000)
    client_phone: StrictStr | None = Field(default=None, max_length=1000)
    client_address: StrictStr | None = Field(default=None, max_length=1000)
    start_date: StrictStr | None = Field(default=None, max_length=40)
    end_date: StrictStr | None = Field(default=None, max_length=40)
    discount_value: Number | None = None
    discount_type: StrictStr | None = Field(default=None, max_length=40)
    tax_rate: Number | None = None
    notes: StrictStr | None = Field(default=None, max_length=10_000)
    items: list[QuoteLineIn] | None = Field(default=None, max_length=500)
    # Computed by the server; accepted and ignored.
    sub_total: Number | None = None
    discount_amount: Number | None = None
    fees_total: Number | None = None
    tax_amount: Number | None = None
    total: Number | None = None

    def values(self, *, partial: bool = False) -> dict[str, Any]:
        """snake_case values for the service: every field (POST/PUT) or only those sent
        (PATCH), without the ignored totals."""
        data = self.model_dump(
            exclude={"version", "items", *IGNORED}, exclude_unset=partial, by_alias=False
        )
        if self.items is not None:
            data["items"] = [line.values() for line in self.items]
        elif not partial:
            data["items"] = []
        return data


class QuoteUpdate(QuoteFields):
    """`PUT`/`PATCH /api/quotes/{id}`: the document plus the `version` the client last saw."""

    version: StrictInt = Field(ge=1)


class VersionBody(RequestBody):
    """`POST /api/quotes/{id}/approve`: the `version` the client last saw."""

    version: StrictInt = Field(ge=1)


class StatusChange(RequestBody):
    """`POST /api/quotes/{id}/status`: the target status and the `version` last seen."""

    status: StrictStr = Field(max_length=40)
    version: StrictInt = Field(ge=1)
