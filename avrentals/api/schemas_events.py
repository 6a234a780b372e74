"""Wire shapes (camelCase) of events, rentals and availability (DESIGN §8).

Request bodies check only structure and JSON types; the rules themselves (name length, client
exists, end >= start, quantities, ...) are checked by the services, so the API and the UI get
the same field-level messages. Event dates travel as `YYYY-MM-DD`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import Field, StrictInt, StrictStr

from avrentals.api.schemas import RequestBody, WireModel
from avrentals.domain.enums import PrepStatus, QuoteStatus
from avrentals.domain.errors import ValidationFailed

# --- Output --------------------------------------------------------------------------------


class RentalOut(WireModel):
    """One rental line (an item on an event)."""

    id: uuid.UUID
    event_id: uuid.UUID
    event_name: str | None = None
    equipment_id: uuid.UUID
    equipment_name: str | None = None
    category_name: str | None = None
    quantity_rented: int
    prep_status: PrepStatus
    scanned_out: int
    scanned_in: int
    notes: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RentalOut:
        """From a rental snapshot (plus optional `event_name`, `equipment_name`,
        `category_name`)."""
        return cls(
            id=row["id"],
            event_id=row["event_id"],
            event_name=row.get("event_name"),
            equipment_id=row["equipment_id"],
            equipment_name=row.get("equipment_name"),
            category_name=row.get("category_name"),
            quantity_rented=row["quantity"],
            prep_status=row["prep_status"],
            scanned_out=row["scanned_out"],
            scanned_in=row["scanned_in"],
            notes=row.get("notes"),
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


class EventOut(WireModel):
    """An event with its client name and computed status."""

    id: uuid.UUID
    name: str
    client_id: uuid.UUID
    client_name: str | None = None
    location: str
    start_date: date
    end_date: date
    prep_days: int
    return_days: int
    assigned_user_id: uuid.UUID | None
    notes: str | None
    status: str | None = None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EventOut:
        return cls(**{k: row.get(k) for k in cls.model_fields})


class EventQuoteOut(WireModel):
    """The quote an event was approved from."""

    id: uuid.UUID
    number: str
    name: str
    status: QuoteStatus


class EventDetailOut(EventOut):
    """`GET /api/events/{id}`: the event plus its assigned user's name, its rentals and the
    quote it was approved from (null when made by hand)."""

    assigned_user_name: str | None = None
    rentals: list[RentalOut] = []
    quote: EventQuoteOut | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EventDetailOut:
        fields = {k: row.get(k) for k in EventOut.model_fields}
        return cls(
            **fields,
            assigned_user_name=row.get("assigned_user_name"),
            rentals=[RentalOut.from_row(r) for r in row.get("rentals", [])],
            quote=EventQuoteOut(**row["quote"]) if row.get("quote") else None,
        )


# --- Events in -----------------------------------------------------------------------------


class EventFields(RequestBody):
    """Editable event fields. Dates are `YYYY-MM-DD` strings; ids are UUID strings."""

    name: StrictStr | None = Field(default=None, max_length=1000)
    client_id: StrictStr | None = Field(default=None, max_length=100)
    location: StrictStr | None = Field(default=None, max_length=1000)
    start_date: StrictStr | None = Field(default=None, max_length=40)
    end_date: StrictStr | None = Field(default=None, max_length=40)
    prep_days: StrictInt | None = None
    return_days: StrictInt | None = None
    assigned_user_id: StrictStr | None = Field(default=None, max_length=100)
    notes: StrictStr | None = Field(default=None, max_length=10_000)

    def values(self, *, partial: bool) -> dict[str, Any]:
        """snake_case values for the service: every field (PUT/POST) or only those sent
        (PATCH). A missing buffer means 0."""
        data = self.model_dump(exclude={"version"}, exclude_unset=partial, by_alias=False)
        if not partial:
            for key in ("prep_days", "return_days"):
                if data.get(key) is None:
                    data[key] = 0
        return data


class EventUpdate(EventFields):
    """`PUT`/`PATCH /api/events/{id}`: the fields plus the `version` the client last saw."""

    version: StrictInt = Field(ge=1)


class DuplicateRequest(RequestBody):
    """`POST /api/events/{id}/duplicate`: new dates (end defaults to the same length)."""

    start_date: StrictStr = Field(max_length=40)
    end_date: StrictStr | None = Field(default=None, max_length=40)
    name: StrictStr | None = Field(default=None, max_length=1000)


# --- Rentals in ----------------------------------------------------------------------------


def _one_quantity(quantity: int | None, quantity_rented: int | None, field: str) -> int:
    if quantity is not None and quantity_rented is not None and quantity != quantity_rented:
        raise ValidationFailed({field: ["Send quantity or quantityRented, not both."]})
    value = quantity if quantity is not None else quantity_rented
    if value is None:
        raise ValidationFailed({field: ["This field is required."]})
    return value


class RentalLineIn(RequestBody):
    """One line of a several-lines booking."""

    equipment_id: uuid.UUID
    quantity: StrictInt | None = None
    quantity_rented: StrictInt | None = None


class RentalCreate(RequestBody):
    """`POST /api/rentals`: `{eventId, equipmentId, quantity}` (`quantityRented` accepted
    too) or `{eventId, equipment: [{equipmentId, quantity}]}` (all lines or none)."""

    event_id: uuid.UUID
    equipment_id: uuid.UUID | None = None
    quantity: StrictInt | None = None
    quantity_rented: StrictInt | None = None
    equipment: list[RentalLineIn] | None = Field(default=None, max_length=500)

    @property
    def is_multi(self) -> bool:
        return self.equipment is not None

    def lines(self) -> list[tuple[uuid.UUID, int]]:
        """The requested `(equipment_id, quantity)` lines; raises ValidationFailed for a
        body mixing both shapes or missing its quantity."""
        if self.equipment is not None:
            single = (self.equipment_id, self.quantity, self.quantity_rented)
            if any(v is not None for v in single):
                raise ValidationFailed(
                    {"equipment": ["Send either equipment[] or equipmentId, not both."]}
                )
            return [
                (
                    line.equipment_id,
                    _one_quantity(line.quantity, line.quantity_rented, f"equipment[{n}].quantity"),
                )
                for n, line in enumerate(self.equipment)
            ]
        if self.equipment_id is None:
            raise ValidationFailed({"equipment_id": ["This field is required."]})
        return [(self.equipment_id, _one_quantity(self.quantity, self.quantity_rented, "quantity"))]


class RentalPatch(RequestBody):
    """`PATCH /api/rentals/{id}`: a new quantity and the `version` the client last saw."""

    version: StrictInt = Field(ge=1)
    quantity: StrictInt | None = None
    quantity_rented: StrictInt | None = None

    def new_quantity(self) -> int:
        return _one_quantity(self.quantity, self.quantity_rented, "quantity")
