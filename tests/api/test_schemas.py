"""Wire shapes (no database): money strings, camelCase keys, no secrets in a public user."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from avrentals.api.schemas import EquipmentOut, EquipmentPatch, PublicUser, money_string
from avrentals.domain.enums import Role
from avrentals.domain.models import User


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("45"), "45.00"),
        (Decimal("7.5"), "7.50"),
        (Decimal("0"), "0.00"),
        (Decimal("1234567890.12"), "1234567890.12"),
    ],
)
def test_money_is_a_two_decimal_string(value: Decimal, text: str) -> None:
    assert money_string(value) == text


def _row(**overrides: object) -> dict[str, object]:
    now = datetime.now(UTC).isoformat()
    row: dict[str, object] = {
        "id": str(uuid.uuid4()),
        "name": "Truss 3m",
        "description": None,
        "category_id": str(uuid.uuid4()),
        "category_name": "Rigging",
        "subcategory_id": None,
        "subcategory_name": None,
        "item_type": "equipment",
        "quantity": 4,
        "qty_good": 2,
        "qty_damaged": 1,
        "qty_maintenance": 1,
        "status": "damaged",
        "location": "Bay 3",
        "daily_rate": "8.5",
        "image": None,
        "asset_code": "RG-0001",
        "low_stock_threshold": 1,
        "version": 3,
        "created_at": now,
        "updated_at": now,
        "created_by": None,
        "updated_by": None,
    }
    row.update(overrides)
    return row


def test_equipment_out_maps_domain_columns_to_the_wire_names() -> None:
    data = EquipmentOut.from_row(_row()).dump()
    assert data["dailyRate"] == "8.50"
    assert (
        data["type"],
        data["quantityGood"],
        data["quantityDamaged"],
        data["quantityMaintenance"],
        data["lowStockThreshold"],
    ) == ("equipment", 2, 1, 1, 1)
    assert "createdBy" not in data and "item_type" not in data and "qtyGood" not in data
    assert data["createdAt"].endswith("Z")


def test_public_user_never_carries_secrets() -> None:
    user = User(
        username="pat",
        name="Pat",
        email="pat@example.com",
        password_hash="$argon2$x",
        role=Role.ADMIN,
        nif="123456789",
        iban="PT50000201231234567890154",
        ics_token=uuid.uuid4(),
    )
    data = PublicUser.from_user(user).dump()
    assert set(data) == {"id", "username", "name", "role", "email"}
    assert data["role"] == "admin"


def test_patch_body_forbids_unknown_fields_and_loose_types() -> None:
    assert EquipmentPatch.model_validate({"version": 2, "location": "Bay 1"}).version == 2
    for bad in (
        {"version": 2, "location": "Bay", "status": "good"},
        {"version": True, "location": "Bay"},
        {"version": 0, "location": "Bay"},
    ):
        with pytest.raises(ValidationError):
            EquipmentPatch.model_validate(bad)
