"""Categories and subcategories of the inventory (DESIGN §4, §6).

Rules:
- Category names are 1-50 characters and unique (case-insensitively: "Audio" and "audio"
  are the same category); subcategory names 1-50 and unique within their category. A
  duplicate is a field-level ValidationFailed on `name`, also when two requests race (the
  unique constraint's IntegrityError is caught in a savepoint and translated).
- A category icon comes from the fixed allow-list `ICONS` (Lucide names as Reflex spells
  them, `sliders_horizontal`; the hyphenated Lucide spelling is accepted and normalised).
- A category cannot be deleted while equipment uses it, a subcategory while equipment uses
  it (InUse); deleting an unused category deletes its (unused) subcategories.
- Renames and icon changes are versioned (`compare_and_swap`); a stale version raises
  VersionConflict with the saved row.

Permissions: `categories:read` / `categories:write` / `categories:delete`. Every write runs in
the caller's transaction, writes one audit row and records one change (entity "category" or
"subcategory") published after commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlmodel import Session, col, select

from avrentals.domain import validation as v
from avrentals.domain.errors import InUse, NotFound, ValidationFailed
from avrentals.domain.models import Category, EquipmentItem, Subcategory
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.serialize import snapshot
from avrentals.domain.services.versioning import compare_and_swap
from avrentals.domain.services.writes import check_version, record_created, record_deleted

# The fixed icon allow-list (Lucide icons, Reflex spelling).
ICONS: tuple[str, ...] = (
    "package",
    "speaker",
    "mic",
    "headphones",
    "radio",
    "music",
    "audio_lines",
    "sliders_horizontal",
    "monitor",
    "tv",
    "projector",
    "video",
    "camera",
    "webcam",
    "film",
    "lightbulb",
    "lamp",
    "lamp_ceiling",
    "spotlight",
    "sparkles",
    "zap",
    "plug",
    "plug_zap",
    "battery",
    "cable",
    "link",
    "layers",
    "construction",
    "wrench",
    "hammer",
    "truck",
    "box",
    "boxes",
    "wifi",
    "antenna",
    "router",
    "laptop",
    "cpu",
    "presentation",
    "megaphone",
    "drama",
    "tent",
    "armchair",
    "fan",
    "flag",
)
NAME_MAX = 50


def _clean_icon(errors: v.Errors, value: Any) -> str | None:
    if not isinstance(value, str) or value.strip().replace("-", "_") not in ICONS:
        errors.add("icon", "Choose an icon from the list.")
        return None
    return value.strip().replace("-", "_")


def _category_name_taken(session: Session, name: str, except_id: uuid.UUID | None = None) -> bool:
    stmt = select(Category.id).where(sa.func.lower(Category.name) == name.lower())
    if except_id is not None:
        stmt = stmt.where(Category.id != except_id)
    return session.exec(stmt).first() is not None


def _subcategory_name_taken(
    session: Session, category_id: uuid.UUID, name: str, except_id: uuid.UUID | None = None
) -> bool:
    stmt = select(Subcategory.id).where(
        Subcategory.category_id == category_id,
        sa.func.lower(Subcategory.name) == name.lower(),
    )
    if except_id is not None:
        stmt = stmt.where(Subcategory.id != except_id)
    return session.exec(stmt).first() is not None


def _category_row(category: Category, item_count: int) -> dict[str, Any]:
    return {
        "id": str(category.id),
        "name": category.name,
        "icon": category.icon,
        "position": category.position,
        "version": category.version,
        "item_count": item_count,
    }


def _subcategory_row(sub: Subcategory, item_count: int) -> dict[str, Any]:
    return {
        "id": str(sub.id),
        "category_id": str(sub.category_id),
        "name": sub.name,
        "version": sub.version,
        "item_count": item_count,
    }


def list_category_tree(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Every category (by position, then name) with its equipment `item_count` and its
    `subcategories` (by name, each with `item_count`). Needs `categories:read`."""
    require(actor, "categories:read")
    cat_counts = dict(
        session.exec(
            select(EquipmentItem.category_id, sa.func.count()).group_by(
                col(EquipmentItem.category_id)
            )
        ).all()
    )
    sub_counts = dict(
        session.exec(
            select(EquipmentItem.subcategory_id, sa.func.count())
            .where(col(EquipmentItem.subcategory_id).is_not(None))
            .group_by(col(EquipmentItem.subcategory_id))
        ).all()
    )
    subs: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for sub in session.exec(select(Subcategory).order_by(col(Subcategory.name))).all():
        subs.setdefault(sub.category_id, []).append(
            _subcategory_row(sub, int(sub_counts.get(sub.id, 0)))
        )
    categories = session.exec(
        select(Category).order_by(col(Category.position), col(Category.name))
    ).all()
    return [
        {
            **_category_row(c, int(cat_counts.get(c.id, 0))),
            "subcategories": subs.get(c.id, []),
        }
        for c in categories
    ]


def get_category(session: Session, actor: Actor, category_id: uuid.UUID) -> dict[str, Any]:
    """One category as in `list_category_tree`. Needs `categories:read`; raises NotFound."""
    require(actor, "categories:read")
    for row in list_category_tree(session, actor):
        if row["id"] == str(category_id):
            return row
    raise NotFound("Category not found.")


def list_subcategories(
    session: Session, actor: Actor, category_id: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    """Subcategories (of one category when given), by category then name, with
    `item_count`. Needs `categories:read`."""
    require(actor, "categories:read")
    count = (
        select(sa.func.count())
        .select_from(EquipmentItem)
        .where(EquipmentItem.subcategory_id == Subcategory.id)
        .correlate(Subcategory)
        .scalar_subquery()
    )
    stmt = select(Subcategory, count).order_by(col(Subcategory.category_id), col(Subcategory.name))
    if category_id is not None:
        stmt = stmt.where(Subcategory.category_id == category_id)
    return [_subcategory_row(sub, int(n)) for sub, n in session.exec(stmt).all()]


def get_subcategory(session: Session, actor: Actor, sub_id: uuid.UUID) -> dict[str, Any]:
    """One subcategory with `item_count`. Needs `categories:read`; raises NotFound."""
    require(actor, "categories:read")
    sub = session.get(Subcategory, sub_id)
    if sub is None:
        raise NotFound("Subcategory not found.")
    n = session.exec(
        select(sa.func.count())
        .select_from(EquipmentItem)
        .where(EquipmentItem.subcategory_id == sub_id)
    ).one()
    return _subcategory_row(sub, int(n))


def _flush_unique(session: Session, row: Any, field_errors: dict[str, list[str]]) -> None:
    """Insert `row` in a savepoint; a unique violation becomes ValidationFailed."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except sa_exc.IntegrityError:
        raise ValidationFailed(field_errors) from None


# --- Categories -----------------------------------------------------------------------------

CATEGORY_FIELDS = ("name", "icon", "position")


def _clean_category(
    session: Session, data: Mapping[str, Any], *, creating: bool, except_id: uuid.UUID | None
) -> dict[str, Any]:
    errors = v.Errors()
    v.reject_unknown(data, CATEGORY_FIELDS, errors)
    out: dict[str, Any] = {}
    if creating or "name" in data:
        name = v.text(errors, "name", data.get("name"), label="Name", min_len=1, max_len=NAME_MAX)
        if name is not None and _category_name_taken(session, name, except_id):
            errors.add("name", f"A category named '{name}' already exists.")
        out["name"] = name
    if "icon" in data:
        out["icon"] = _clean_icon(errors, data["icon"])
    if "position" in data:
        out["position"] = v.integer(errors, "position", data["position"], label="Position")
    errors.raise_if_any()
    return out


def create_category(session: Session, actor: Actor, data: Mapping[str, Any]) -> Category:
    """Create a category (`name` required; `icon` from ICONS, default "package";
    `position` >= 0). Needs `categories:write`. Raises ValidationFailed (duplicate name
    included), Forbidden."""
    require(actor, "categories:write")
    values = _clean_category(session, data, creating=True, except_id=None)
    category = Category(**values, created_by=actor.user_id, updated_by=actor.user_id)
    _flush_unique(
        session, category, {"name": [f"A category named '{values['name']}' already exists."]}
    )
    record_created(session, actor, "category", category)
    return category


def update_category(
    session: Session,
    actor: Actor,
    category_id: uuid.UUID,
    version: int,
    data: Mapping[str, Any],
) -> Category:
    """Rename, change the icon or the position of a category (versioned). Needs
    `categories:write`. Raises NotFound, VersionConflict (saved row), ValidationFailed."""
    require(actor, "categories:write")
    category = session.get(Category, category_id)
    if category is None:
        raise NotFound("Category not found.")
    check_version(category, version, "category")
    values = _clean_category(session, data, creating=False, except_id=category_id)
    changed = {k: val for k, val in values.items() if getattr(category, k) != val}
    if not changed:
        return category
    try:
        with session.begin_nested():
            return compare_and_swap(
                session, Category, category_id, version, changed, actor, entity="category"
            )
    except sa_exc.IntegrityError:
        raise ValidationFailed(
            {"name": [f"A category named '{changed.get('name')}' already exists."]}
        ) from None


def delete_category(
    session: Session, actor: Actor, category_id: uuid.UUID, *, version: int | None = None
) -> None:
    """Delete an unused category and its (unused) subcategories, each audited and published
    as its own delete. Needs `categories:delete`.

    Locks the category row (FOR UPDATE on PostgreSQL; equipment creation locks it too), so
    no item can be filed under it between the check and the delete. Raises NotFound,
    VersionConflict when a given `version` is stale, InUse while equipment uses it."""
    require(actor, "categories:delete")
    category = session.get(Category, category_id, with_for_update=True)
    if category is None:
        raise NotFound("Category not found.")
    check_version(category, version, "category")
    used = session.exec(
        select(sa.func.count())
        .select_from(EquipmentItem)
        .where(EquipmentItem.category_id == category_id)
    ).one()
    if used:
        raise InUse(
            f"Category '{category.name}' is used by {used} equipment item(s); move or delete "
            "them first.",
            {"items": int(used)},
        )
    old = snapshot(category)
    subs = session.exec(select(Subcategory).where(Subcategory.category_id == category_id)).all()
    old_subs = [snapshot(sub) for sub in subs]
    try:
        with session.begin_nested():
            for sub in subs:
                session.delete(sub)
            session.flush()  # subcategories first: no relationship orders these deletes
            session.delete(category)
            session.flush()
    except sa_exc.IntegrityError:
        raise InUse(f"Category '{old['name']}' is still used and cannot be deleted.") from None
    for sub_old in old_subs:
        record_deleted(
            session, actor, "subcategory", uuid.UUID(sub_old["id"]), sub_old, sub_old["version"]
        )
    record_deleted(session, actor, "category", category_id, old, old.get("version"))


# --- Subcategories --------------------------------------------------------------------------

SUBCATEGORY_CREATE_FIELDS = ("category_id", "name")
SUBCATEGORY_UPDATE_FIELDS = ("name",)


def create_subcategory(session: Session, actor: Actor, data: Mapping[str, Any]) -> Subcategory:
    """Create a subcategory (`category_id` and `name` required; name unique within the
    category). Needs `categories:write`. Raises ValidationFailed, Forbidden."""
    require(actor, "categories:write")
    errors = v.Errors()
    v.reject_unknown(data, SUBCATEGORY_CREATE_FIELDS, errors)
    category: Category | None = None
    if data.get("category_id") in (None, ""):
        errors.add("category_id", v.REQUIRED_MESSAGE)
    else:
        category_id = v.uuid_value(errors, "category_id", data["category_id"], label="Category")
        if category_id is not None:
            category = session.get(Category, category_id, with_for_update=True)
            if category is None:
                errors.add("category_id", "Category not found.")
    name = v.text(errors, "name", data.get("name"), label="Name", min_len=1, max_len=NAME_MAX)
    message = f"'{category.name if category else ''}' already has a subcategory named '{name}'."
    if (
        category is not None
        and name is not None
        and _subcategory_name_taken(session, category.id, name)
    ):
        errors.add("name", message)
    errors.raise_if_any()
    assert category is not None and name is not None
    sub = Subcategory(
        category_id=category.id, name=name, created_by=actor.user_id, updated_by=actor.user_id
    )
    _flush_unique(session, sub, {"name": [message]})
    record_created(session, actor, "subcategory", sub)
    return sub


def update_subcategory(
    session: Session, actor: Actor, sub_id: uuid.UUID, version: int, data: Mapping[str, Any]
) -> Subcategory:
    """Rename a subcategory (versioned; moving it to another category is not offered, since
    its items would have to move too). Needs `categories:write`. Raises NotFound,
    VersionConflict, ValidationFailed."""
    require(actor, "categories:write")
    sub = session.get(Subcategory, sub_id)
    if sub is None:
        raise NotFound("Subcategory not found.")
    check_version(sub, version, "subcategory")
    errors = v.Errors()
    v.reject_unknown(data, SUBCATEGORY_UPDATE_FIELDS, errors)
    values: dict[str, Any] = {}
    if "name" in data:
        name = v.text(errors, "name", data["name"], label="Name", min_len=1, max_len=NAME_MAX)
        if name is not None and _subcategory_name_taken(session, sub.category_id, name, sub_id):
            errors.add("name", f"This category already has a subcategory named '{name}'.")
        values["name"] = name
    errors.raise_if_any()
    changed = {k: val for k, val in values.items() if getattr(sub, k) != val}
    if not changed:
        return sub
    try:
        with session.begin_nested():
            return compare_and_swap(
                session, Subcategory, sub_id, version, changed, actor, entity="subcategory"
            )
    except sa_exc.IntegrityError:
        raise ValidationFailed(
            {"name": [f"This category already has a subcategory named '{values['name']}'."]}
        ) from None


def delete_subcategory(
    session: Session, actor: Actor, sub_id: uuid.UUID, *, version: int | None = None
) -> None:
    """Delete an unused subcategory. Needs `categories:delete`. Locks the row; raises
    NotFound, VersionConflict, InUse while equipment uses it."""
    require(actor, "categories:delete")
    sub = session.get(Subcategory, sub_id, with_for_update=True)
    if sub is None:
        raise NotFound("Subcategory not found.")
    check_version(sub, version, "subcategory")
    used = session.exec(
        select(sa.func.count())
        .select_from(EquipmentItem)
        .where(EquipmentItem.subcategory_id == sub_id)
    ).one()
    if used:
        raise InUse(
            f"Subcategory '{sub.name}' is used by {used} equipment item(s); move or delete "
            "them first.",
            {"items": int(used)},
        )
    old = snapshot(sub)
    try:
        with session.begin_nested():
            session.delete(sub)
            session.flush()
    except sa_exc.IntegrityError:
        raise InUse(f"Subcategory '{old['name']}' is still used and cannot be deleted.") from None
    record_deleted(session, actor, "subcategory", sub_id, old, old.get("version"))


# --- Paged lists (API) ----------------------------------------------------------------------

# Allow-listed sorts over the (small) category and subcategory lists.
CATEGORY_SORTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "position": lambda r: (r["position"], r["name"].lower()),
    "name": lambda r: r["name"].lower(),
    "itemCount": lambda r: (r["item_count"], r["name"].lower()),
}
SUBCATEGORY_SORTS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "name": lambda r: r["name"].lower(),
    "itemCount": lambda r: (r["item_count"], r["name"].lower()),
}


def _page(
    rows: list[dict[str, Any]],
    paging: PageRequest,
    sorts: dict[str, Callable[[dict[str, Any]], Any]],
    sort: str,
    descending: bool,
    search: str | None,
) -> Page[dict[str, Any]]:
    if sort not in sorts:
        raise ValidationFailed({"sort": [f"Sort by one of: {', '.join(sorts)}."]})
    if search and search.strip():
        term = search.strip().lower()
        rows = [r for r in rows if term in r["name"].lower()]
    rows = sorted(rows, key=sorts[sort], reverse=descending)
    window = rows[paging.offset : paging.offset + paging.page_size]
    return Page(window, paging.page, paging.page_size, len(rows))


def list_categories_page(
    session: Session,
    actor: Actor,
    paging: PageRequest,
    *,
    search: str | None = None,
    sort: str = "position",
    descending: bool = False,
) -> Page[dict[str, Any]]:
    """`list_category_tree` filtered by name (`search`, contains, case-insensitive), sorted
    by an allow-listed key (CATEGORY_SORTS) and paged. Needs `categories:read`; raises
    ValidationFailed for another sort key."""
    return _page(
        list_category_tree(session, actor), paging, CATEGORY_SORTS, sort, descending, search
    )


def list_subcategories_page(
    session: Session,
    actor: Actor,
    paging: PageRequest,
    *,
    category_id: uuid.UUID | None = None,
    search: str | None = None,
    sort: str = "name",
    descending: bool = False,
) -> Page[dict[str, Any]]:
    """`list_subcategories` filtered, sorted (SUBCATEGORY_SORTS) and paged. Needs
    `categories:read`; raises ValidationFailed for another sort key."""
    rows = list_subcategories(session, actor, category_id)
    return _page(rows, paging, SUBCATEGORY_SORTS, sort, descending, search)
