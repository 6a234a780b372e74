"""Request bodies and response shapes of the API, in the wire format (camelCase).

Response models are built from domain rows/objects by their `from_*` constructors and
dumped with `dump()`; money is a string with two decimals (`"45.00"`), timestamps ISO-8601
UTC. Request bodies forbid unknown fields (a 422 naming each one).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StrictInt, StrictStr
from pydantic.alias_generators import to_camel

from avrentals.domain.enums import EquipmentType, Role, UnitStatus
from avrentals.domain.models import User

CENT = Decimal("0.01")


def money_string(value: Decimal) -> str:
    """`Decimal("45")` -> `"45.00"` (DESIGN §8: money travels as a two-decimal string)."""
    return f"{Decimal(value).quantize(CENT)}"


Money = Annotated[Decimal, PlainSerializer(money_string, return_type=str)]


class WireModel(BaseModel):
    """Base of every API shape: camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
    )

    def dump(self) -> dict[str, Any]:
        """JSON-ready dict with camelCase keys."""
        return self.model_dump(mode="json", by_alias=True)


class RequestBody(WireModel):
    """Base of request bodies: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid")


# --- Auth ---


class LoginRequest(RequestBody):
    """`POST /api/auth/login` body."""

    username: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class PublicUser(WireModel):
    """What anyone signed in may see of a user: never the password hash, NIF or IBAN."""

    id: uuid.UUID
    username: str
    name: str
    role: Role
    email: str | None

    @classmethod
    def from_user(cls, user: User) -> PublicUser:
        return cls(
            id=user.id,
            username=user.username,
            name=user.name,
            role=Role(user.role),
            email=user.email,
        )


class LoginData(WireModel):
    """`data` of a successful sign-in; `expiresIn` is the token lifetime in seconds."""

    token: str
    user: PublicUser
    expires_in: int


# --- Health ---


class HealthData(WireModel):
    """`data` of `GET /api/health`."""

    status: str
    database: str


# --- Equipment ---


class EquipmentOut(WireModel):
    """An equipment item as the API shows it (DESIGN §4, §8)."""

    id: uuid.UUID
    name: str
    description: str | None
    category_id: uuid.UUID
    category_name: str | None
    subcategory_id: uuid.UUID | None
    subcategory_name: str | None
    type: EquipmentType
    quantity: int
    quantity_good: int
    quantity_damaged: int
    quantity_maintenance: int
    status: UnitStatus
    location: str
    daily_rate: Money
    asset_code: str
    image: str | None
    image_url: str | None = Field(
        default=None, description="The photo (longest side <= 1600 px); null without one"
    )
    thumbnail_url: str | None = Field(
        default=None, description="The photo's thumbnail (fits 400x400); null without one"
    )
    low_stock_threshold: int
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EquipmentOut:
        """From a domain equipment row (`snapshot` columns plus `category_name` and
        `subcategory_name`, as `list_equipment`/`get_equipment_row` return them)."""
        return cls(
            id=row["id"],
            name=row["name"],
            description=row.get("description"),
            category_id=row["category_id"],
            category_name=row.get("category_name"),
            subcategory_id=row.get("subcategory_id"),
            subcategory_name=row.get("subcategory_name"),
            type=row["item_type"],
            quantity=row["quantity"],
            quantity_good=row["qty_good"],
            quantity_damaged=row["qty_damaged"],
            quantity_maintenance=row["qty_maintenance"],
            status=row["status"],
            location=row["location"],
            daily_rate=row["daily_rate"],
            asset_code=row["asset_code"],
            image=row.get("image"),
            image_url=row.get("image_url"),
            thumbnail_url=row.get("thumbnail_url"),
            low_stock_threshold=row["low_stock_threshold"],
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


# --- Equipment: writes and detail ---

# Money in: a JSON number or a string such as "45.00"; the service checks >= 0 and at most
# two decimals (field-level messages).
MoneyIn = Decimal | StrictStr


class EquipmentCreate(RequestBody):
    """`POST /api/equipment` body. With only `quantity` every unit is good; `assetCode` is
    generated from the category when left out (setting one needs a Manager or Admin);
    `status` is derived from the counts and cannot be sent."""

    name: StrictStr
    description: StrictStr | None = None
    category_id: uuid.UUID
    subcategory_id: uuid.UUID | None = None
    type: StrictStr | None = None
    quantity: StrictInt
    quantity_good: StrictInt | None = None
    quantity_damaged: StrictInt | None = None
    quantity_maintenance: StrictInt | None = None
    location: StrictStr
    daily_rate: MoneyIn | None = None
    asset_code: StrictStr | None = None
    low_stock_threshold: StrictInt | None = None

    def service_input(self) -> dict[str, Any]:
        """The fields the client sent (snake_case), for the equipment service; fields sent
        as null that have a default are left to the default."""
        data = self.model_dump(exclude_unset=True, by_alias=False)
        for key in ("type", "daily_rate", "low_stock_threshold", "asset_code", *_COUNTS):
            if key in data and data[key] is None:
                del data[key]
        return data


_COUNTS = ("quantity_good", "quantity_damaged", "quantity_maintenance")


class EquipmentReplace(EquipmentCreate):
    """`PUT /api/equipment/{id}` body: the whole item plus the `version` last seen. Omitted
    optional fields go back to their defaults; an omitted `assetCode` is kept."""

    version: StrictInt = Field(ge=1)

    def service_input(self) -> dict[str, Any]:
        data = super().service_input()
        data.pop("version", None)
        return data


class EquipmentPatch(RequestBody):
    """`PATCH /api/equipment/{id}` body: `version` (the one the client last saw) plus any
    fields to change; unknown fields are refused with a 422 naming them. Sending only
    `location` is the quick "move" edit of the equipment list."""

    version: StrictInt = Field(ge=1)
    name: StrictStr | None = None
    description: StrictStr | None = None
    category_id: uuid.UUID | None = None
    subcategory_id: uuid.UUID | None = None
    type: StrictStr | None = None
    quantity: StrictInt | None = None
    quantity_good: StrictInt | None = None
    quantity_damaged: StrictInt | None = None
    quantity_maintenance: StrictInt | None = None
    location: StrictStr | None = None
    daily_rate: MoneyIn | None = None
    asset_code: StrictStr | None = None
    low_stock_threshold: StrictInt | None = None

    def service_input(self) -> dict[str, Any]:
        """The fields sent besides `version` (snake_case; null kept, meaning "clear")."""
        data = self.model_dump(exclude_unset=True, by_alias=False)
        data.pop("version", None)
        return data


class EquipmentBooking(WireModel):
    """A rental of the item on an event that ends today or later."""

    rental_id: uuid.UUID
    event_id: uuid.UUID
    event_name: str
    start_date: date
    end_date: date
    quantity: int
    prep_status: str


class EquipmentMaintenance(WireModel):
    """One maintenance record of the item."""

    id: uuid.UUID
    date: date
    description: str
    cost: Money
    units: int
    from_status: str | None
    to_status: str | None
    status: str
    technician_name: str | None


class HistoryEntry(WireModel):
    """One audit row about the item (old -> new values of the changed fields)."""

    at: datetime
    action: str
    actor: str | None
    old: dict[str, Any] | None
    new: dict[str, Any] | None


class StatusCounts(WireModel):
    good: int
    damaged: int
    maintenance: int


class EquipmentDetailOut(EquipmentOut):
    """`GET /api/equipment/{id}`: the item plus per-status counts, upcoming bookings,
    maintenance history and audit history."""

    counts: StatusCounts
    upcoming_bookings: list[EquipmentBooking]
    maintenance: list[EquipmentMaintenance]
    history: list[HistoryEntry]

    @classmethod
    def from_detail(cls, detail: Mapping[str, Any]) -> EquipmentDetailOut:
        base = EquipmentOut.from_row(detail["item"])
        return cls(
            **base.model_dump(),
            counts=StatusCounts(**detail["counts"]),
            upcoming_bookings=[EquipmentBooking(**b) for b in detail["upcoming_bookings"]],
            maintenance=[EquipmentMaintenance(**m) for m in detail["maintenance"]],
            history=[HistoryEntry(**h) for h in detail["history"]],
        )


# --- Categories ---


class SubcategoryOut(WireModel):
    id: uuid.UUID
    category_id: uuid.UUID
    name: str
    version: int
    item_count: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> SubcategoryOut:
        return cls(**{k: row[k] for k in cls.model_fields})


class CategoryOut(WireModel):
    """A category with its equipment count and its subcategories."""

    id: uuid.UUID
    name: str
    icon: str
    position: int
    version: int
    item_count: int
    subcategories: list[SubcategoryOut]

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> CategoryOut:
        return cls(
            **{k: row[k] for k in cls.model_fields if k != "subcategories"},
            subcategories=[SubcategoryOut.from_row(s) for s in row.get("subcategories", [])],
        )


class CategoryCreate(RequestBody):
    """`POST /api/categories`: `icon` from the fixed list (default `package`)."""

    name: StrictStr
    icon: StrictStr | None = None
    position: StrictInt | None = None


class CategoryUpdate(RequestBody):
    """`PUT`/`PATCH /api/categories/{id}`: `version` plus the fields to change."""

    version: StrictInt = Field(ge=1)
    name: StrictStr | None = None
    icon: StrictStr | None = None
    position: StrictInt | None = None


class SubcategoryCreate(RequestBody):
    """`POST /api/subcategories`."""

    category_id: uuid.UUID
    name: StrictStr


class SubcategoryUpdate(RequestBody):
    """`PUT`/`PATCH /api/subcategories/{id}`: rename (`version` plus `name`)."""

    version: StrictInt = Field(ge=1)
    name: StrictStr | None = None


def service_fields(body: BaseModel) -> dict[str, Any]:
    """The fields a client sent, snake_case, without `version` (for update services)."""
    data = body.model_dump(exclude_unset=True, by_alias=False)
    data.pop("version", None)
    return data


# --- Clients ---


class ClientOut(WireModel):
    """A client as the API shows it."""

    id: uuid.UUID
    name: str
    contact_person: str | None
    email: str | None
    phone: str | None
    address: str | None
    tax_id: str | None
    notes: str | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ClientOut:
        return cls(**{k: row.get(k) for k in ClientOut.model_fields})


class ClientListItem(ClientOut):
    """A client in a list, with how many events and quotes it has and its value (Σ totals
    of Accepted quotes)."""

    event_count: int
    quote_count: int
    client_value: Money

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ClientListItem:
        return cls(**{k: row.get(k) for k in cls.model_fields})


class ClientContact(WireModel):
    kind: str
    value: str


class ClientEvent(WireModel):
    id: uuid.UUID
    name: str
    location: str
    start_date: date
    end_date: date
    status: str


class ClientQuote(WireModel):
    id: uuid.UUID
    number: str
    name: str
    start_date: date
    end_date: date
    status: str
    total: Money


class ClientDetailOut(ClientOut):
    """`GET /api/clients/{id}`: the client plus contacts, events, quotes (with status) and
    `clientValue` (Σ totals of Accepted quotes)."""

    contacts: list[ClientContact]
    events: list[ClientEvent]
    quotes: list[ClientQuote]
    client_value: Money

    @classmethod
    def from_detail(cls, detail: Mapping[str, Any]) -> ClientDetailOut:
        base = ClientOut.from_row(detail["client"])
        return cls(
            **base.model_dump(),
            contacts=[ClientContact(**c) for c in detail["contacts"]],
            events=[ClientEvent(**e) for e in detail["events"]],
            quotes=[ClientQuote(**q) for q in detail["quotes"]],
            client_value=detail["client_value"],
        )


class ClientCreate(RequestBody):
    """`POST /api/clients`: `name` required (2-100), the rest optional."""

    name: StrictStr
    contact_person: StrictStr | None = None
    email: StrictStr | None = None
    phone: StrictStr | None = None
    address: StrictStr | None = None
    tax_id: StrictStr | None = None
    notes: StrictStr | None = None


class ClientUpdate(RequestBody):
    """`PUT`/`PATCH /api/clients/{id}`: `version` plus the fields to change (null or "" clears
    an optional field)."""

    version: StrictInt = Field(ge=1)
    name: StrictStr | None = None
    contact_person: StrictStr | None = None
    email: StrictStr | None = None
    phone: StrictStr | None = None
    address: StrictStr | None = None
    tax_id: StrictStr | None = None
    notes: StrictStr | None = None
