"""Small builders for test rows (real inserts, no mocks)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from avrentals.domain.enums import Role
from avrentals.domain.models import Category, EquipmentItem, User
from avrentals.domain.permissions import Actor
from avrentals.domain.services.auth import actor_of, hash_password

# argon2 is slow by design; hash once for all test users.
TEST_PASSWORD = "correct-horse-battery"
_HASH = hash_password(TEST_PASSWORD)


def make_user(
    engine: Engine, role: Role = Role.ADMIN, username: str | None = None, **fields: object
) -> User:
    with Session(engine, expire_on_commit=False) as s:
        user = User(
            username=username or f"{role.value}-{uuid.uuid4().hex[:6]}",
            name=str(fields.pop("name", f"Test {role.value.title()}")),
            password_hash=_HASH,
            role=role,
            **fields,
        )
        s.add(user)
        s.commit()
        return user


def make_actor(engine: Engine, role: Role = Role.ADMIN) -> Actor:
    return actor_of(make_user(engine, role))


def make_item(
    engine: Engine,
    name: str = "Shure SM58",
    quantity: int = 10,
    location: str = "Aisle A",
    **fields: object,
) -> EquipmentItem:
    with Session(engine, expire_on_commit=False) as s:
        cat = Category(name=f"Audio {uuid.uuid4().hex[:6]}")
        s.add(cat)
        s.flush()
        item = EquipmentItem(
            name=name,
            category_id=cat.id,
            quantity=quantity,
            qty_good=quantity,
            location=location,
            daily_rate=Decimal("12.50"),
            asset_code=f"AV-{uuid.uuid4().hex[:8].upper()}",
            **fields,
        )
        s.add(item)
        s.commit()
        return item
