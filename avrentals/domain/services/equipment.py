"""Equipment reads and edits. (Full create/edit/delete comes with the inventory issue.)"""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from avrentals.domain.errors import NotFound, ValidationFailed
from avrentals.domain.models import Category, EquipmentItem, Subcategory
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.serialize import snapshot
from avrentals.domain.services.versioning import compare_and_swap

# Allow-listed sort keys -> columns. Never getattr(Model, user_string).
SORTS: dict[str, Any] = {
    "name": EquipmentItem.name,
    "category": Category.name,
    "quantity": EquipmentItem.quantity,
    "dailyRate": EquipmentItem.daily_rate,
    "location": EquipmentItem.location,
    "assetCode": EquipmentItem.asset_code,
    "updatedAt": EquipmentItem.updated_at,
}


def equipment_row(item: EquipmentItem, category: str, subcategory: str | None) -> dict[str, Any]:
    row = snapshot(item)
    row["category_name"] = category
    row["subcategory_name"] = subcategory
    return row


_WORD = re.compile(r"\w+", re.UNICODE)


def search_condition(dialect: str, search: str) -> Any:
    """Match items by name, description or asset code.

    PostgreSQL: prefix full-text match (`word:* & ...`) on the indexed expression of the
    initial migration, plus asset-code substring. Elsewhere: case-insensitive LIKE.
    """
    search = search.strip()[:100]
    code = EquipmentItem.asset_code.ilike(f"%{search}%")  # type: ignore[attr-defined]
    words = _WORD.findall(search.lower())
    if dialect == "postgresql" and words:
        document = sa.func.to_tsvector(
            sa.literal_column("'simple'"),
            EquipmentItem.name + " " + sa.func.coalesce(EquipmentItem.description, ""),
        )
        query = sa.func.to_tsquery(
            sa.literal_column("'simple'"), " & ".join(f"{w}:*" for w in words)
        )
        return sa.or_(document.op("@@")(query), code)
    term = f"%{search.lower()}%"
    return sa.or_(
        sa.func.lower(EquipmentItem.name).like(term),
        sa.func.lower(sa.func.coalesce(EquipmentItem.description, "")).like(term),
        code,
    )


def parse_uuid(value: Any, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise ValidationFailed({field: ["Not a valid id."]}) from exc


def list_equipment(
    session: Session,
    actor: Actor,
    paging: PageRequest,
    *,
    search: str | None = None,
    category_id: uuid.UUID | None = None,
    sort: str = "name",
    descending: bool = False,
) -> Page[dict[str, Any]]:
    """One page of equipment with category names. Needs `equipment:read`.

    Raises ValidationFailed for a sort key outside the allow-list."""
    require(actor, "equipment:read")
    if sort not in SORTS:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(SORTS)}."]})
    conditions: list[Any] = []
    if search and search.strip():
        conditions.append(search_condition(session.get_bind().dialect.name, search))
    if category_id:
        conditions.append(EquipmentItem.category_id == category_id)
    total = session.exec(
        select(sa.func.count()).select_from(EquipmentItem).where(*conditions)
    ).one()
    order = SORTS[sort].desc() if descending else SORTS[sort].asc()
    stmt = (
        select(EquipmentItem, Category.name, Subcategory.name)
        .join(Category, Category.id == EquipmentItem.category_id)  # type: ignore[arg-type]
        .outerjoin(Subcategory, Subcategory.id == EquipmentItem.subcategory_id)  # type: ignore[arg-type]
        .where(*conditions)
        .order_by(order, col(EquipmentItem.id))
        .offset(paging.offset)
        .limit(paging.page_size)
    )
    rows = [equipment_row(item, cat, sub) for item, cat, sub in session.exec(stmt).all()]
    return Page(rows, paging.page, paging.page_size, int(total))


def get_equipment(session: Session, actor: Actor, item_id: uuid.UUID) -> EquipmentItem:
    require(actor, "equipment:read")
    item = session.get(EquipmentItem, item_id)
    if item is None:
        raise NotFound("Equipment item not found.")
    return item


def update_location(
    session: Session, actor: Actor, item_id: uuid.UUID, version: int, location: str
) -> EquipmentItem:
    """Move an item to another storage location. Needs `equipment:write`.

    Versioned: raises VersionConflict (with the saved item) when `version` is stale,
    ValidationFailed when the location is empty or longer than 100 characters."""
    require(actor, "equipment:write")
    location = (location or "").strip()
    if not 1 <= len(location) <= 100:
        raise ValidationFailed({"location": ["Location is required (at most 100 characters)."]})
    return compare_and_swap(
        session, EquipmentItem, item_id, version, {"location": location}, actor, entity="equipment"
    )


def get_equipment_row(session: Session, actor: Actor, item_id: uuid.UUID) -> dict[str, Any]:
    """One item as a row with its category and subcategory names (the shape `list_equipment`
    returns). Needs `equipment:read`; raises NotFound for an unknown id."""
    require(actor, "equipment:read")
    stmt = (
        select(EquipmentItem, Category.name, Subcategory.name)
        .join(Category, Category.id == EquipmentItem.category_id)  # type: ignore[arg-type]
        .outerjoin(Subcategory, Subcategory.id == EquipmentItem.subcategory_id)  # type: ignore[arg-type]
        .where(EquipmentItem.id == item_id)
    )
    found = session.exec(stmt).first()
    if found is None:
        raise NotFound("Equipment item not found.")
    item, category, subcategory = found
    return equipment_row(item, category, subcategory)


def list_categories(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Every category as `{"id", "name", "icon"}`, by position then name (for list filters).
    Needs `categories:read`."""
    require(actor, "categories:read")
    stmt = select(Category).order_by(col(Category.position), col(Category.name))
    return [{"id": str(c.id), "name": c.name, "icon": c.icon} for c in session.exec(stmt).all()]


def last_editor_name(session: Session, actor: Actor, item_id: uuid.UUID) -> str | None:
    """Display name of whoever last updated the item (for "X changed this item" messages), or
    None when nobody has edited it yet. Needs `equipment:read`; raises NotFound."""
    from avrentals.domain.models import User

    item = get_equipment(session, actor, item_id)
    if item.updated_by is None:
        return None
    user = session.get(User, item.updated_by)
    return user.name if user is not None else None
