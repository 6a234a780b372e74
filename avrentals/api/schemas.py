"""Request bodies and response shapes of the API, in the wire format (camelCase).

Response models are built from domain rows/objects by their `from_*` constructors and
dumped with `dump()`; money is a string with two decimals (`"45.00"`), timestamps ISO-8601
UTC. Request bodies forbid unknown fields (a 422 naming each one).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
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
            low_stock_threshold=row["low_stock_threshold"],
            version=row["version"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


class EquipmentPatch(RequestBody):
    """`PATCH /api/equipment/{id}` body. Only `location` is editable for now; any other
    field is refused with a 422 naming it. `version` is the one the client last saw."""

    version: StrictInt = Field(ge=1)
    location: StrictStr
