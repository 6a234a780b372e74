"""What the service and fee catalogues (quote line templates) share.

Both catalogues are the same kind of table: a uniquely named, versioned row with a
description, a price, a free-text category and an `is_active` flag. A `Catalogue` describes
one of them (model, change-bus entity, permissions, sort allow-list, its own fields and their
rules); the functions here do the listing, reads and versioned writes for either.

Rules common to both:
- name 1-100 characters, unique case-insensitively ("Setup crew" and "setup crew" are the
  same row): a duplicate is a field-level ValidationFailed on `name`; when two requests race
  with the same name, the unique constraint's IntegrityError is caught in a savepoint and
  becomes that same field error;
- description <= 500, category <= 50 (blank optional text is stored as NULL);
- money >= 0 with at most two decimals, accepted as a number or a string ("45.00");
- flags are real booleans (never "yes", 1 or "false");
- unknown fields are refused, never ignored.

Rows are never deleted: quotes keep their own copy of every line (description, price), and
a row that is no longer offered is deactivated (`set_active`, a versioned update of
`is_active`), which hides it from the quote builder but keeps it on the list.

Every write runs in the caller's transaction, writes one audit row (old -> new) and records
one change for the bus (published after commit).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
from sqlmodel import Session, SQLModel, col, select

from avrentals.domain import validation as v
from avrentals.domain.errors import NotFound, ValidationFailed
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.search import contains_any
from avrentals.domain.serialize import snapshot
from avrentals.domain.services.versioning import compare_and_swap
from avrentals.domain.services.writes import check_version, record_created

M = TypeVar("M", bound=SQLModel)

NAME_MAX = 100
DESCRIPTION_MAX = 500
CATEGORY_MAX = 50
SEARCH_MAX = 100
# `status` filter of the lists: which rows by `is_active`.
STATUSES = ("active", "inactive", "all")
COMMON_FIELDS = ("name", "description", "category", "is_active")

# Cleans the catalogue's own fields: (errors, input, saved row values or {} when creating,
# creating?) -> column values. Cross-field rules see the saved values of fields not sent.
FieldCleaner = Callable[[v.Errors, Mapping[str, Any], Mapping[str, Any], bool], dict[str, Any]]


@dataclass(frozen=True)
class Catalogue(Generic[M]):
    """One catalogue table and its rules."""

    model: type[M]
    entity: str  # change-bus / audit entity, also the word users read ("service")
    label: str  # "Service" (messages)
    read_permission: str
    write_permission: str
    fields: tuple[str, ...]  # every field a create may send (the update ones minus is_active)
    sorts: dict[str, Any]  # allow-listed sort key -> column
    clean_own: FieldCleaner

    @property
    def update_fields(self) -> tuple[str, ...]:
        # is_active changes only through set_active, so "deactivate" is one explicit step.
        return tuple(f for f in self.fields if f != "is_active")


def flag(errors: v.Errors, field: str, value: Any, *, label: str) -> bool | None:
    """A real boolean (JSON true/false); anything else is a field message."""
    if isinstance(value, bool):
        return value
    errors.add(field, f"{label} must be true or false.")
    return None


def choice(
    errors: v.Errors, field: str, value: Any, allowed: tuple[str, ...], *, label: str
) -> str | None:
    """One of `allowed` (trimmed, case-insensitive)."""
    cleaned = value.strip().lower() if isinstance(value, str) else None
    if cleaned not in allowed:
        errors.add(field, f"{label} must be one of: {', '.join(allowed)}.")
        return None
    return cleaned


def _column(cat: Catalogue[Any], name: str) -> Any:
    return getattr(cat.model, name)


def _name_taken(
    session: Session, cat: Catalogue[Any], name: str, except_id: uuid.UUID | None
) -> bool:
    name_col, id_col = _column(cat, "name"), _column(cat, "id")
    stmt = select(id_col).where(sa.func.lower(name_col) == name.lower())
    if except_id is not None:
        stmt = stmt.where(id_col != except_id)
    return session.exec(stmt).first() is not None


def _duplicate(cat: Catalogue[Any], name: Any) -> dict[str, list[str]]:
    return {"name": [f"A {cat.entity} named '{name}' already exists."]}


def clean(
    session: Session,
    cat: Catalogue[Any],
    data: Mapping[str, Any],
    *,
    saved: Mapping[str, Any],
    except_id: uuid.UUID | None,
) -> dict[str, Any]:
    """Validated column values of the fields in `data` (every field when creating, i.e.
    `saved` is empty). Raises one ValidationFailed naming every broken rule."""
    creating = not saved
    errors = v.Errors()
    allowed = cat.fields if creating else cat.update_fields
    v.reject_unknown(data, allowed, errors)
    if not creating and "is_active" in data:
        # Replaces reject_unknown's generic message with the way to do it.
        errors.fields["is_active"] = [
            f"Use deactivate / activate to change whether a {cat.entity} is offered."
        ]
    out: dict[str, Any] = {}
    if creating or "name" in data:
        name = v.text(errors, "name", data.get("name"), label="Name", min_len=1, max_len=NAME_MAX)
        if name is not None and _name_taken(session, cat, name, except_id):
            errors.add("name", _duplicate(cat, name)["name"][0])
        out["name"] = name
    if creating or "description" in data:
        out["description"] = v.text(
            errors,
            "description",
            data.get("description"),
            label="Description",
            max_len=DESCRIPTION_MAX,
        )
    if creating or "category" in data:
        out["category"] = v.text(
            errors, "category", data.get("category"), label="Category", max_len=CATEGORY_MAX
        )
    if creating and "is_active" in data:
        out["is_active"] = flag(errors, "is_active", data["is_active"], label="Active")
    out |= cat.clean_own(errors, data, saved, creating)
    errors.raise_if_any()
    return out


# --- reads -----------------------------------------------------------------------------------


def _search_condition(cat: Catalogue[Any], search: str) -> Any:
    """Case-insensitive substring over name, description and category (both backends;
    `%` and `_` match themselves)."""
    columns = (_column(cat, name) for name in ("name", "description", "category"))
    return contains_any(search, columns, SEARCH_MAX)


def list_rows(
    session: Session,
    actor: Actor,
    cat: Catalogue[Any],
    paging: PageRequest,
    *,
    search: str | None = None,
    status: str = "all",
    category: str | None = None,
    sort: str = "name",
    descending: bool = False,
    conditions: tuple[Any, ...] = (),
) -> Page[dict[str, Any]]:
    """One page of rows (`snapshot` values) matching the filters: `search` (name,
    description, category), `status` (active / inactive / all), `category` (exact,
    case-insensitive) and any catalogue-specific `conditions`; ordered by an allow-listed
    `sort` key, then name and id. Needs the read permission. Raises ValidationFailed for a
    sort key or status outside the allow-lists."""
    require(actor, cat.read_permission)
    errors = v.Errors()
    if sort not in cat.sorts:
        errors.add("sort", f"Sort by one of: {', '.join(cat.sorts)}.")
    if status not in STATUSES:
        errors.add("status", f"Status must be one of: {', '.join(STATUSES)}.")
    errors.raise_if_any()
    where: list[Any] = list(conditions)
    if search and search.strip():
        where.append(_search_condition(cat, search))
    if status != "all":
        where.append(_column(cat, "is_active").is_(status == "active"))
    if category and category.strip():
        where.append(
            sa.func.lower(_column(cat, "category")) == category.strip()[:CATEGORY_MAX].lower()
        )
    total = session.exec(select(sa.func.count()).select_from(cat.model).where(*where)).one()
    column = cat.sorts[sort]
    order = column.desc() if descending else column.asc()
    stmt = (
        select(cat.model)
        .where(*where)
        .order_by(order, col(_column(cat, "name")), col(_column(cat, "id")))
        .offset(paging.offset)
        .limit(paging.page_size)
    )
    rows = [snapshot(row) for row in session.exec(stmt).all()]
    return Page(rows, paging.page, paging.page_size, int(total))


def categories(session: Session, actor: Actor, cat: Catalogue[Any]) -> list[str]:
    """The distinct categories in use (for a filter), alphabetically. Needs the read
    permission."""
    require(actor, cat.read_permission)
    column = _column(cat, "category")
    stmt = select(column).where(col(column).is_not(None)).distinct().order_by(column)
    return [str(c) for c in session.exec(stmt).all()]


def get_row(session: Session, actor: Actor, cat: Catalogue[M], row_id: uuid.UUID) -> M:
    """The row. Needs the read permission; raises NotFound."""
    require(actor, cat.read_permission)
    row = session.get(cat.model, row_id)
    if row is None:
        raise NotFound(f"{cat.label} not found.")
    return row


# --- writes ----------------------------------------------------------------------------------


def create(session: Session, actor: Actor, cat: Catalogue[M], data: Mapping[str, Any]) -> M:
    """Create a row from validated `data`. Needs the write permission. Raises
    ValidationFailed (duplicate name included, also under a race), Forbidden."""
    require(actor, cat.write_permission)
    values = clean(session, cat, data, saved={}, except_id=None)
    row = cat.model(**values, created_by=actor.user_id, updated_by=actor.user_id)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except sa_exc.IntegrityError:
        raise ValidationFailed(_duplicate(cat, values.get("name"))) from None
    record_created(session, actor, cat.entity, row)
    return row


def _swap(
    session: Session,
    actor: Actor,
    cat: Catalogue[M],
    row_id: uuid.UUID,
    version: int,
    changed: dict[str, Any],
) -> M:
    try:
        with session.begin_nested():
            return compare_and_swap(
                session, cat.model, row_id, version, changed, actor, entity=cat.entity
            )
    except sa_exc.IntegrityError:
        raise ValidationFailed(_duplicate(cat, changed.get("name"))) from None


def update(
    session: Session,
    actor: Actor,
    cat: Catalogue[M],
    row_id: uuid.UUID,
    version: int,
    data: Mapping[str, Any],
) -> M:
    """Change the given fields (versioned; a blank optional field clears it). Needs the write
    permission. Nothing is written when no value changes; otherwise one `compare_and_swap`
    (conditional UPDATE on id + version, audited). Raises NotFound, VersionConflict (saved
    row) when `version` is stale, ValidationFailed, Forbidden."""
    require(actor, cat.write_permission)
    row = session.get(cat.model, row_id)
    if row is None:
        raise NotFound(f"{cat.label} not found.")
    check_version(row, version, cat.entity)
    saved = {name: getattr(row, name) for name in type(row).model_fields}
    values = clean(session, cat, data, saved=saved, except_id=row_id)
    changed = {k: val for k, val in values.items() if saved.get(k) != val}
    if not changed:
        return row
    return _swap(session, actor, cat, row_id, version, changed)


def set_active(
    session: Session,
    actor: Actor,
    cat: Catalogue[M],
    row_id: uuid.UUID,
    version: int,
    active: bool,
) -> M:
    """Deactivate (`active` False: no longer offered on new quotes; existing quote lines
    keep their copy) or reactivate a row: a versioned update of `is_active` only. Needs the
    write permission. Already in that state: nothing is written. Raises NotFound,
    VersionConflict (saved row), Forbidden."""
    require(actor, cat.write_permission)
    row = session.get(cat.model, row_id)
    if row is None:
        raise NotFound(f"{cat.label} not found.")
    check_version(row, version, cat.entity)
    if getattr(row, "is_active") is active:  # noqa: B009
        return row
    return _swap(session, actor, cat, row_id, version, {"is_active": active})
