"""Equipment: list/search/filter, detail, create, versioned edit, delete (DESIGN §4-§6).

Rules enforced here (and, where possible, again by the database):
- name 1-100, description <= 500, location required (<= 100), quantity an integer >= 0,
  per-status counts (good/damaged/maintenance) integers >= 0 summing to quantity, daily rate
  >= 0 with at most 2 decimals (forced to 0 for consumables), low-stock threshold >= 0, type
  in the enum, category exists, subcategory belongs to the category. Unknown fields refused.
- Headline `status` is derived from the counts, never set directly: `damaged` when any unit
  is damaged, else `maintenance` when any unit is in maintenance, else `good` (the worst
  condition present, so a list shows at a glance which lines need attention; the demo seed
  uses the same rule). Bookability uses `qty_good`, not the headline.
- Asset codes are generated as `{PREFIX}-{NNNN}` from the category (`AUD-0042`), unique under
  concurrency; only Managers and Admins may set or change one by hand.
- Delete is refused (InUse) while the item has rentals on current or future events, and also
  while it has only past rentals: the rental history of past jobs (and the RESTRICT foreign
  key that protects it) is kept; retire the item by setting its quantity to 0 instead.

Every write needs its permission (`equipment:write` / `equipment:delete`), runs in the
caller's transaction (`db.transaction`), writes one audit row (old -> new) and records one
change (entity "equipment") that is published only after commit.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlmodel import Session, col, select

from avrentals.domain import validation as v
from avrentals.domain.enums import EquipmentType, Role, UnitStatus
from avrentals.domain.errors import Forbidden, InUse, NotFound, ValidationFailed
from avrentals.domain.media_store import image_urls
from avrentals.domain.models import (
    AuditLog,
    Category,
    EquipmentItem,
    Event,
    MaintenanceLog,
    Rental,
    Subcategory,
    User,
)
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.serialize import json_value, snapshot
from avrentals.domain.services import notification_generators
from avrentals.domain.services.notifications import alert_new_conflicts
from avrentals.domain.services.users import display_name
from avrentals.domain.services.versioning import compare_and_swap
from avrentals.domain.services.writes import check_version, record_created, record_deleted

# Allow-listed sort keys -> columns. Never getattr(Model, user_string).
SORTS: dict[str, Any] = {
    "name": EquipmentItem.name,
    "category": Category.name,
    "quantity": EquipmentItem.quantity,
    "dailyRate": EquipmentItem.daily_rate,
    "location": EquipmentItem.location,
    "assetCode": EquipmentItem.asset_code,
    "updatedAt": EquipmentItem.updated_at,
    "createdAt": EquipmentItem.created_at,
    "status": EquipmentItem.status,
    "type": EquipmentItem.item_type,
}


def equipment_row(item: EquipmentItem, category: str, subcategory: str | None) -> dict[str, Any]:
    """The item's columns plus `category_name`, `subcategory_name` and the photo's
    `image_url` / `thumbnail_url` (None without a photo)."""
    row = snapshot(item)
    row["category_name"] = category
    row["subcategory_name"] = subcategory
    row["image_url"], row["thumbnail_url"] = image_urls(item.image)
    return row


_WORD = re.compile(r"\w+", re.UNICODE)
# Below this many characters an asset-code search matches the start of the code only: typing
# "A" should not list every code containing an A, and on PostgreSQL a pattern this short
# gives the trigram index nothing to look up.
CODE_SUBSTRING_MIN = 3


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_condition(dialect: str, search: str) -> Any:
    """Match items by name, description or asset code.

    PostgreSQL: prefix full-text match (`word:* & ...`, so "dig mix" finds "Digital Mixer"
    as the user types) on the expression of `ix_equipment_fulltext`, OR an asset-code match
    (case-insensitive substring from CODE_SUBSTRING_MIN characters, prefix below) served by
    the trigram index `ix_equipment_asset_code_trgm` (migration 0003). Both sides being
    indexed lets PostgreSQL combine the two indexes (BitmapOr) instead of computing the
    full-text vector of every row. Elsewhere: every whitespace-separated word of the input
    found (case-insensitive substring LIKE) in the name or description, or the same
    asset-code rule. LIKE wildcards in the input match literally.
    """
    search = search.strip()[:100]
    escaped = _like_escape(search)
    pattern = f"%{escaped}%" if len(search) >= CODE_SUBSTRING_MIN else f"{escaped}%"
    code = EquipmentItem.asset_code.ilike(pattern, escape="\\")  # type: ignore[attr-defined]
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
    # Every word (as typed, so partial words count) somewhere in the name or description.
    each_word = [
        sa.or_(
            sa.func.lower(EquipmentItem.name).like(term, escape="\\"),
            sa.func.lower(sa.func.coalesce(EquipmentItem.description, "")).like(term, escape="\\"),
        )
        for term in (f"%{_like_escape(w)}%" for w in search.lower().split())
    ]
    return sa.or_(sa.and_(*each_word), code)


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
    subcategory_id: uuid.UUID | None = None,
    status: str | None = None,
    item_type: str | None = None,
    location: str | None = None,
) -> Page[dict[str, Any]]:
    """One page of equipment with category names. Needs `equipment:read`.

    Filters (all optional, combined with AND): `search` (name, description, asset code),
    `category_id`, `subcategory_id`, `status` (headline status), `item_type`
    (equipment|consumable), `location` (case-insensitive prefix, so "Aisle A" finds
    "Aisle A · Shelf 1"). Raises ValidationFailed for a sort key outside the allow-list or
    an unknown status/type.

    One read for the page and the count of matches (a second count only for an empty page
    past the first). The page is chosen on ids and sort keys only and the full rows (with
    category names) are fetched for those ids alone, so a deep page does not drag thousands
    of joined rows through the sort. On PostgreSQL a search first collects its matches in a
    MATERIALIZED CTE: that pins the index plan of `search_condition`; left to itself the
    planner walks the name index in order and evaluates the full-text expression on every
    row it passes (hundreds of ms at 20,000 items)."""
    require(actor, "equipment:read")
    errors = v.Errors()
    if sort not in SORTS:
        errors.add("sort", f"Sort by one of: {', '.join(SORTS)}.")
    conditions: list[Any] = []
    searching = bool(search and search.strip())
    dialect = session.get_bind().dialect.name
    if search and searching:
        conditions.append(search_condition(dialect, search))
    if category_id:
        conditions.append(EquipmentItem.category_id == category_id)
    if subcategory_id:
        conditions.append(EquipmentItem.subcategory_id == subcategory_id)
    if status:
        wanted = v.enum_value(errors, "status", status, UnitStatus, label="Status")
        if wanted is not None:
            conditions.append(EquipmentItem.status == wanted)
    if item_type:
        kind = v.enum_value(errors, "type", item_type, EquipmentType, label="Type")
        if kind is not None:
            conditions.append(EquipmentItem.item_type == kind)
    if location and location.strip():
        conditions.append(_location_prefix(location))
    errors.raise_if_any()

    # The matching ids with their sort key; the category name is the only key off the row.
    key = SORTS[sort]
    matches = sa.select(col(EquipmentItem.id).label("id"), key.label("k")).where(*conditions)
    if sort == "category":
        matches = matches.join(Category, Category.id == EquipmentItem.category_id)  # type: ignore[arg-type]
    source: Any = matches.subquery("matches")
    if searching and dialect == "postgresql":
        source = matches.cte("matches").prefix_with("MATERIALIZED")
    count = sa.select(sa.func.count()).select_from(source)
    page = (
        sa.select(source.c.id, source.c.k)
        .order_by(source.c.k.desc() if descending else source.c.k.asc(), source.c.id)
        .offset(paging.offset)
        .limit(paging.page_size)
        .subquery("page")
    )
    stmt = (
        # The count rides along with the page, so a search reads its matches once.
        select(EquipmentItem, Category.name, Subcategory.name, count.scalar_subquery())
        .join(page, page.c.id == EquipmentItem.id)
        .join(Category, Category.id == EquipmentItem.category_id)  # type: ignore[arg-type]
        .outerjoin(Subcategory, Subcategory.id == EquipmentItem.subcategory_id)  # type: ignore[arg-type]
        .order_by(page.c.k.desc() if descending else page.c.k.asc(), page.c.id)
    )
    found = session.exec(stmt).all()
    rows = [equipment_row(item, cat, sub) for item, cat, sub, _total in found]
    total = found[0][3] if found else _empty_page_total(session, count, paging)
    return Page(rows, paging.page, paging.page_size, int(total))


def _empty_page_total(session: Session, count: Any, paging: PageRequest) -> int:
    """Total for an empty page: 0 on page 1 (nothing matched), else the page lies past the
    last one and the matches are counted on their own."""
    return int(session.execute(count).scalar_one()) if paging.page > 1 else 0


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
    item = get_equipment(session, actor, item_id)
    return display_name(session, item.updated_by) if item.updated_by else None


def _location_prefix(location: str) -> Any:
    """Case-insensitive "starts with" on the location; LIKE wildcards in the input are
    escaped so they match literally."""
    term = location.strip()[:100].lower()
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(EquipmentItem.location).like(f"{escaped}%", escape="\\")


def list_locations(session: Session, actor: Actor) -> list[str]:
    """Distinct storage locations in use, sorted (for the location filter). Needs
    `equipment:read`."""
    require(actor, "equipment:read")
    stmt = select(EquipmentItem.location).distinct().order_by(col(EquipmentItem.location))
    return list(session.exec(stmt).all())


# --- Create / update / delete -------------------------------------------------------------

# Input vocabulary of create/update (snake_case; the API's camelCase names map 1:1).
EQUIPMENT_FIELDS = (
    "name",
    "description",
    "category_id",
    "subcategory_id",
    "type",
    "quantity",
    "quantity_good",
    "quantity_damaged",
    "quantity_maintenance",
    "location",
    "daily_rate",
    "asset_code",
    "low_stock_threshold",
)
COUNT_FIELDS = ("quantity_good", "quantity_damaged", "quantity_maintenance")
REQUIRED_ON_CREATE = ("name", "category_id", "location", "quantity")
# Only these roles may type an asset code by hand (everyone else gets a generated one).
ASSET_CODE_EDITORS = frozenset({Role.ADMIN, Role.MANAGER})
ASSET_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,31}$")
# Prefixes of the standard catalogue; other categories use the first three letters.
KNOWN_PREFIXES = {
    "audio": "AUD",
    "video": "VID",
    "lighting": "LGT",
    "power": "PWR",
    "rigging": "RIG",
    "staging": "STG",
    "cables": "CAB",
    "accessories": "ACC",
}
ASSET_CODE_ATTEMPTS = 8


def derive_status(good: int, damaged: int, maintenance: int) -> UnitStatus:
    """The headline status: the worst condition present (damaged > maintenance > good)."""
    if damaged > 0:
        return UnitStatus.DAMAGED
    if maintenance > 0:
        return UnitStatus.MAINTENANCE
    return UnitStatus.GOOD


def category_prefix(name: str) -> str:
    """The asset-code prefix of a category: the standard one for the catalogue's categories
    (Audio -> AUD, Lighting -> LGT, ...), else its first three letters (accents folded,
    padded with X): "Special FX" -> "SPE", "Ö" -> "OXX"."""
    known = KNOWN_PREFIXES.get(name.strip().lower())
    if known:
        return known
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    letters = "".join(ch for ch in folded.upper() if ch.isalnum())
    return (letters[:3] or "ITM").ljust(3, "X")


def next_asset_code(session: Session, prefix: str) -> str:
    """`{prefix}-{n:04d}` with n one above the highest number already used with that prefix
    (codes with a non-numeric tail are ignored)."""
    codes = session.exec(
        select(EquipmentItem.asset_code).where(
            col(EquipmentItem.asset_code).startswith(prefix + "-")
        )
    ).all()
    highest = 0
    for code in codes:
        tail = code[len(prefix) + 1 :]
        if tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}-{highest + 1:04d}"


def _asset_code_taken(session: Session, code: str, except_id: uuid.UUID | None = None) -> bool:
    stmt = select(EquipmentItem.id).where(EquipmentItem.asset_code == code)
    if except_id is not None:
        stmt = stmt.where(EquipmentItem.id != except_id)
    return session.exec(stmt).first() is not None


def _current_input(item: EquipmentItem) -> dict[str, Any]:
    """The saved item in the input vocabulary (the base a partial update is merged onto)."""
    return {
        "name": item.name,
        "description": item.description,
        "category_id": item.category_id,
        "subcategory_id": item.subcategory_id,
        "type": item.item_type,
        "quantity": item.quantity,
        "quantity_good": item.qty_good,
        "quantity_damaged": item.qty_damaged,
        "quantity_maintenance": item.qty_maintenance,
        "location": item.location,
        "daily_rate": item.daily_rate,
        "asset_code": item.asset_code,
        "low_stock_threshold": item.low_stock_threshold,
    }


def _clean_equipment(
    session: Session,
    actor: Actor,
    data: Mapping[str, Any],
    base: Mapping[str, Any],
    *,
    item_id: uuid.UUID | None = None,
    lock_category: bool = False,
) -> tuple[dict[str, Any], Category | None]:
    """Validate `data` merged onto `base`; return (column values, category row).

    Counts: a count given is taken as is; when `quantity_good` is not given it is the
    remainder `quantity - damaged - maintenance` (so an item created with only a quantity has
    every unit good, and changing only the quantity adds or removes good units). Raises one
    ValidationFailed listing every broken rule."""
    errors = v.Errors()
    v.reject_unknown(data, EQUIPMENT_FIELDS, errors)
    merged = {**base, **{k: val for k, val in data.items() if k in EQUIPMENT_FIELDS}}
    for field in REQUIRED_ON_CREATE:
        if merged.get(field) is None or merged.get(field) == "":
            errors.add(field, v.REQUIRED_MESSAGE)

    out: dict[str, Any] = {}
    if not errors.has("name"):
        out["name"] = v.text(errors, "name", merged["name"], label="Name", min_len=1, max_len=100)
    out["description"] = v.text(
        errors, "description", merged.get("description"), label="Description", max_len=500
    )
    if not errors.has("location"):
        out["location"] = v.text(
            errors, "location", merged["location"], label="Location", required=True, max_len=100
        )
    kind = v.enum_value(
        errors, "type", merged.get("type", EquipmentType.EQUIPMENT), EquipmentType, label="Type"
    )
    out["item_type"] = kind
    threshold = v.integer(
        errors,
        "low_stock_threshold",
        merged.get("low_stock_threshold", 0),
        label="Low-stock threshold",
    )
    out["low_stock_threshold"] = threshold

    rate = v.money(errors, "daily_rate", merged.get("daily_rate", Decimal("0")), label="Daily rate")
    if kind == EquipmentType.CONSUMABLE and not errors.has("daily_rate"):
        rate = Decimal("0.00")  # consumables are sold by use, never hired by the day
    out["daily_rate"] = rate

    # Quantity and per-status counts.
    quantity = None
    if not errors.has("quantity"):
        quantity = v.integer(errors, "quantity", merged["quantity"], label="Quantity")
    damaged = v.integer(
        errors, "quantity_damaged", merged.get("quantity_damaged", 0), label="Damaged units"
    )
    maintenance = v.integer(
        errors,
        "quantity_maintenance",
        merged.get("quantity_maintenance", 0),
        label="Units in maintenance",
    )
    good: int | None
    if "quantity_good" in data:
        good = v.integer(errors, "quantity_good", data["quantity_good"], label="Good units")
    elif quantity is not None and damaged is not None and maintenance is not None:
        good = quantity - damaged - maintenance
        if good < 0:
            errors.add(
                "quantity",
                f"Quantity ({quantity}) is less than the damaged and maintenance units "
                f"({damaged + maintenance}); adjust those counts too.",
            )
            good = None
    else:
        good = None
    if None not in (quantity, good, damaged, maintenance):
        assert quantity is not None and good is not None
        assert damaged is not None and maintenance is not None
        if good + damaged + maintenance != quantity:
            errors.add(
                "quantity",
                f"Good + damaged + maintenance units ({good + damaged + maintenance}) must "
                f"equal the quantity ({quantity}).",
            )
        else:
            out.update(
                quantity=quantity,
                qty_good=good,
                qty_damaged=damaged,
                qty_maintenance=maintenance,
                status=derive_status(good, damaged, maintenance),
            )

    # Category and subcategory.
    category: Category | None = None
    if not errors.has("category_id"):
        category_id = v.uuid_value(errors, "category_id", merged["category_id"], label="Category")
        if category_id is not None:
            # Locked so the category cannot be deleted under us (and, on create, so two
            # creations in one category take asset numbers one after the other).
            category = session.get(
                Category, category_id, with_for_update=lock_category or "category_id" in data
            )
            if category is None:
                errors.add("category_id", "Category not found.")
            else:
                out["category_id"] = category.id
    sub_raw = merged.get("subcategory_id")
    if sub_raw in (None, ""):
        out["subcategory_id"] = None
    else:
        sub_id = v.uuid_value(errors, "subcategory_id", sub_raw, label="Subcategory")
        if sub_id is not None:
            sub = session.get(Subcategory, sub_id)
            if sub is None:
                errors.add("subcategory_id", "Subcategory not found.")
            elif category is not None and sub.category_id != category.id:
                errors.add(
                    "subcategory_id",
                    f"Subcategory '{sub.name}' does not belong to category '{category.name}'.",
                )
            else:
                out["subcategory_id"] = sub.id

    # Asset code (optional; generated when absent on create).
    code_raw = merged.get("asset_code")
    if code_raw not in (None, ""):
        if not isinstance(code_raw, str):
            errors.add("asset_code", "Asset code must be text.")
        else:
            code = code_raw.strip().upper()
            if not ASSET_CODE_RE.match(code):
                errors.add(
                    "asset_code",
                    "Asset code must be 1-32 letters, digits or dashes (e.g. AUD-0042).",
                )
            elif _asset_code_taken(session, code, item_id):
                errors.add("asset_code", f"Asset code {code} is already used by another item.")
            else:
                out["asset_code"] = code
    errors.raise_if_any()
    return out, category


def _lock_prefix(session: Session, prefix: str) -> None:
    """Serialise asset-number allocation per prefix: a transaction-scoped advisory lock on
    PostgreSQL (released at commit/rollback). Categories can share a prefix, so the category
    row lock alone would let two of them race for the same number. SQLite needs nothing:
    its writers are already serialised (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"avrentals:asset-code:{prefix}"},
        )


def _require_asset_code_editor(actor: Actor) -> None:
    if actor.role not in ASSET_CODE_EDITORS:
        raise Forbidden("Only Managers and Admins may set asset codes by hand.")


def create_equipment(session: Session, actor: Actor, data: Mapping[str, Any]) -> EquipmentItem:
    """Create an item from input fields (see EQUIPMENT_FIELDS; name, category_id, location
    and quantity required). Needs `equipment:write`; a hand-set `asset_code` needs a Manager
    or Admin (Forbidden otherwise).

    The asset code is generated from the category prefix as one above the highest number in
    use (`AUD-0042`). Locks: the category row (SELECT ... FOR UPDATE on PostgreSQL, so it
    cannot be deleted meanwhile) and a per-prefix advisory lock, so concurrent creations
    number one after the other even across categories sharing a prefix (SQLite serialises
    writers with BEGIN IMMEDIATE). As a safety net against hand-set codes, the insert runs in
    a savepoint and is retried with the next number on a unique violation.
    Managers and Admins get a `new_equipment` notification
    (`notification_generators.after_equipment_created`).

    Raises ValidationFailed (field messages), Forbidden, Unauthorized."""
    require(actor, "equipment:write")
    if data.get("asset_code") not in (None, ""):
        _require_asset_code_editor(actor)
    values, category = _clean_equipment(session, actor, data, {}, lock_category=True)
    assert category is not None
    hand_set = "asset_code" in values
    prefix = category_prefix(category.name)
    if not hand_set:
        _lock_prefix(session, prefix)
    for _attempt in range(ASSET_CODE_ATTEMPTS):
        code = values["asset_code"] if hand_set else next_asset_code(session, prefix)
        item = EquipmentItem(
            **{**values, "asset_code": code}, created_by=actor.user_id, updated_by=actor.user_id
        )
        try:
            with session.begin_nested():
                session.add(item)
                session.flush()
        except sa_exc.IntegrityError:
            if not _asset_code_taken(session, code):
                raise
            if hand_set:
                raise ValidationFailed(
                    {"asset_code": [f"Asset code {code} is already used by another item."]}
                ) from None
            continue
        record_created(session, actor, "equipment", item)
        notification_generators.after_equipment_created(session, actor, item)
        return item
    raise ValidationFailed({"asset_code": ["Could not allocate a free asset code; try again."]})


def update_equipment(
    session: Session,
    actor: Actor,
    item_id: uuid.UUID,
    version: int,
    data: Mapping[str, Any],
    *,
    replace: bool = False,
) -> EquipmentItem:
    """Edit an item (versioned). Needs `equipment:write`; changing the asset code needs a
    Manager or Admin (Forbidden).

    `replace=False` (PATCH): only the given fields change; a new quantity without counts
    adds/removes good units. `replace=True` (PUT): the input is the whole item; name,
    category_id, location and quantity are required and omitted optional fields go back to
    their defaults (no description/subcategory, type equipment, rate 0, threshold 0, counts
    all good) - except the asset code, which is kept when omitted.

    Nothing is written when no value changes. Otherwise one `compare_and_swap` (conditional
    UPDATE on id + version) that audits the changed fields and records the change; when good
    units went down, Admins and Managers get a `conflict_alert` for any day from today on
    where existing bookings now exceed them (`notifications.alert_new_conflicts`); units
    moved to damaged / maintenance and low stock notify too
    (`notification_generators.after_equipment_updated`). Raises NotFound, VersionConflict
    (with the saved row) when `version` is stale, ValidationFailed, Forbidden."""
    require(actor, "equipment:write")
    item = session.get(EquipmentItem, item_id)
    if item is None:
        raise NotFound("Equipment item not found.")
    check_version(item, version, "equipment")
    current = _current_input(item)
    current_good = item.qty_good
    old_damaged, old_maintenance = item.qty_damaged, item.qty_maintenance
    base = {"asset_code": item.asset_code} if replace else current
    values, _category = _clean_equipment(session, actor, data, base, item_id=item.id)
    changed = {k: val for k, val in values.items() if getattr(item, k) != val}
    if not changed:
        return item
    if "asset_code" in changed:
        _require_asset_code_editor(actor)
        try:
            with session.begin_nested():
                saved = compare_and_swap(
                    session, EquipmentItem, item_id, version, changed, actor, entity="equipment"
                )
        except sa_exc.IntegrityError:
            code = changed["asset_code"]
            raise ValidationFailed(
                {"asset_code": [f"Asset code {code} is already used by another item."]}
            ) from None
    else:
        saved = compare_and_swap(
            session, EquipmentItem, item_id, version, changed, actor, entity="equipment"
        )
    if saved.qty_good < current_good:
        alert_new_conflicts(session, [item_id])
    notification_generators.after_equipment_updated(
        session, actor, saved, old_damaged, old_maintenance
    )
    return saved


def _rental_events(session: Session, item_id: uuid.UUID) -> list[tuple[str, date, int]]:
    stmt = (
        select(col(Event.name), col(Event.end_date), col(Event.return_days))
        .join(Rental, col(Rental.event_id) == col(Event.id))
        .where(Rental.equipment_id == item_id)
        .order_by(col(Event.start_date))
    )
    return [(name, end, days) for name, end, days in session.exec(stmt).all()]


def delete_equipment(
    session: Session,
    actor: Actor,
    item_id: uuid.UUID,
    *,
    version: int | None = None,
    today: date | None = None,
) -> None:
    """Delete an item. Needs `equipment:delete`.

    Locks the item row (FOR UPDATE on PostgreSQL) so a booking cannot slip in between the
    check and the delete. Refused with InUse while the item has rentals on events that are
    current or future (end date plus return buffer on or after `today`), and also when it
    has only past rentals: that job history must be kept (rentals are RESTRICT) - set the
    quantity to 0 to retire the item instead. Its maintenance and scan logs go with it; quote
    lines keep their own text and prices. Raises NotFound, VersionConflict when a given
    `version` is stale, InUse, Forbidden."""
    require(actor, "equipment:delete")
    item = session.get(EquipmentItem, item_id, with_for_update=True)
    if item is None:
        raise NotFound("Equipment item not found.")
    check_version(item, version, "equipment")
    today = today or date.today()
    events = _rental_events(session, item_id)
    active = [name for name, end, days in events if end + timedelta(days=days) >= today]
    if active:
        listed = ", ".join(active[:5]) + (" …" if len(active) > 5 else "")
        raise InUse(
            f"'{item.name}' has rentals on current or future events ({listed}); remove it "
            "from those events first.",
            {"events": active},
        )
    if events:
        raise InUse(
            f"'{item.name}' has rentals on {len(events)} past event(s); their history must be "
            "kept. Set its quantity to 0 to retire it instead.",
            {"pastEvents": len(events)},
        )
    old = snapshot(item)
    try:
        with session.begin_nested():
            session.delete(item)
            session.flush()
    except sa_exc.IntegrityError:
        raise InUse(f"'{old['name']}' is still referenced and cannot be deleted.") from None
    record_deleted(session, actor, "equipment", item_id, old, old.get("version"))


# --- Detail ---------------------------------------------------------------------------------

HISTORY_LIMIT = 50


def equipment_detail(
    session: Session, actor: Actor, item_id: uuid.UUID, *, today: date | None = None
) -> dict[str, Any]:
    """Everything the detail page shows, as plain JSON-ready values. Needs `equipment:read`.

    Keys: `item` (the list row), `counts` {good, damaged, maintenance}, `upcoming_bookings`
    (rentals on events ending today or later: event id/name/dates, quantity, prep status,
    by start date), `maintenance` (newest first, with the technician's name) and `history`
    (the item's audit rows, newest first, at most HISTORY_LIMIT; actor, action, old/new
    values - never IP or user agent). Raises NotFound."""
    row = get_equipment_row(session, actor, item_id)
    today = today or date.today()
    bookings_stmt = (
        select(Rental, Event)
        .join(Event, Event.id == Rental.event_id)  # type: ignore[arg-type]
        .where(Rental.equipment_id == item_id, Event.end_date >= today)
        .order_by(col(Event.start_date), col(Event.name))
    )
    bookings = [
        {
            "rental_id": str(rental.id),
            "event_id": str(event.id),
            "event_name": event.name,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
            "quantity": rental.quantity,
            "prep_status": json_value(rental.prep_status),
        }
        for rental, event in session.exec(bookings_stmt).all()
    ]
    maintenance_stmt = (
        select(MaintenanceLog, User.name)
        .outerjoin(User, User.id == MaintenanceLog.technician_id)  # type: ignore[arg-type]
        .where(MaintenanceLog.equipment_id == item_id)
        .order_by(col(MaintenanceLog.log_date).desc(), col(MaintenanceLog.created_at).desc())
    )
    maintenance = [
        {
            "id": str(log.id),
            "date": log.log_date.isoformat(),
            "description": log.description,
            "cost": json_value(log.cost),
            "units": log.units,
            "from_status": json_value(log.from_status),
            "to_status": json_value(log.to_status),
            "status": json_value(log.status),
            "technician_name": tech,
        }
        for log, tech in session.exec(maintenance_stmt).all()
    ]
    history_stmt = (
        select(AuditLog)
        .where(AuditLog.entity_type == "equipment", AuditLog.entity_id == str(item_id))
        .order_by(col(AuditLog.at).desc())
        .limit(HISTORY_LIMIT)
    )
    history = [
        {
            "at": a.at.isoformat(),
            "action": a.action,
            "actor": a.actor_username,
            "old": a.old_values,
            "new": a.new_values,
        }
        for a in session.exec(history_stmt).all()
    ]
    return {
        "item": row,
        "counts": {
            "good": row["qty_good"],
            "damaged": row["qty_damaged"],
            "maintenance": row["qty_maintenance"],
        },
        "upcoming_bookings": bookings,
        "maintenance": maintenance,
        "history": history,
    }
