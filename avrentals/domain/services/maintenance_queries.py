"""Maintenance reads: items needing attention, logs, one item's history (`maintenance:read`).

Rows are plain JSON-ready dicts (snake_case): a log row is the log's columns plus
`equipment_name`, `asset_code`, `technician_name` and `photo_url` / `photo_thumb_url` (the
photo of a damage report made at check-in, from the log's `photo` audit row; None without
one); an attention row is the item's list row (`equipment.equipment_row`) plus its
`open_logs` (newest first).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from avrentals.domain import validation as v
from avrentals.domain.enums import MaintenanceStatus
from avrentals.domain.errors import NotFound
from avrentals.domain.media_store import image_urls
from avrentals.domain.models import (
    AuditLog,
    Category,
    EquipmentItem,
    MaintenanceLog,
    Subcategory,
    User,
)
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.serialize import snapshot
from avrentals.domain.services.equipment import equipment_row, search_condition
from avrentals.domain.services.prep_checkin import PHOTO_ACTION

NEWEST_FIRST = (
    col(MaintenanceLog.log_date).desc(),
    col(MaintenanceLog.created_at).desc(),
    col(MaintenanceLog.id),
)


def _log_rows(session: Session, conditions: Sequence[Any], paging: PageRequest | None = None):
    stmt = (
        select(MaintenanceLog, EquipmentItem.name, EquipmentItem.asset_code, User.name)
        .join(EquipmentItem, col(EquipmentItem.id) == col(MaintenanceLog.equipment_id))
        .outerjoin(User, col(User.id) == col(MaintenanceLog.technician_id))
        .where(*conditions)
        .order_by(*NEWEST_FIRST)
    )
    if paging is not None:
        stmt = stmt.offset(paging.offset).limit(paging.page_size)
    found = session.exec(stmt).all()
    photos = log_photos(session, [log.id for log, *_ in found])
    rows = []
    for log, item_name, code, technician in found:
        row = snapshot(log)
        row |= {"equipment_name": item_name, "asset_code": code, "technician_name": technician}
        row["photo_url"], row["photo_thumb_url"] = image_urls(photos.get(str(log.id)))
        rows.append(row)
    return rows


def log_photos(session: Session, log_ids: Sequence[uuid.UUID]) -> dict[str, str]:
    """Log id (text) -> the stored name of its photo, from the logs' `photo` audit rows
    (`prep_checkin.report_damage`; the latest wins). One query; no permission check."""
    if not log_ids:
        return {}
    stmt = (
        select(AuditLog.entity_id, AuditLog.new_values)
        .where(
            col(AuditLog.entity_type) == "maintenance",
            col(AuditLog.action) == PHOTO_ACTION,
            col(AuditLog.entity_id).in_([str(i) for i in log_ids]),
        )
        .order_by(col(AuditLog.at), col(AuditLog.id))
    )
    out: dict[str, str] = {}
    for log_id, values in session.exec(stmt).all():
        name = (values or {}).get("photo")
        if log_id and isinstance(name, str):
            out[log_id] = name
    return out


def list_logs(
    session: Session,
    actor: Actor,
    paging: PageRequest,
    *,
    status: str | None = None,
    equipment_id: uuid.UUID | None = None,
) -> Page[dict[str, Any]]:
    """One page of logs, newest first (log date, then creation). Filters: `status`
    (open|closed), `equipment_id`. Needs `maintenance:read`; raises ValidationFailed for an
    unknown status."""
    require(actor, "maintenance:read")
    errors = v.Errors()
    conditions: list[Any] = []
    if status:
        wanted = v.enum_value(errors, "status", status, MaintenanceStatus, label="Status")
        conditions.append(col(MaintenanceLog.status) == wanted)
    errors.raise_if_any()
    if equipment_id is not None:
        conditions.append(col(MaintenanceLog.equipment_id) == equipment_id)
    total = session.exec(
        select(sa.func.count()).select_from(MaintenanceLog).where(*conditions)
    ).one()
    return Page(_log_rows(session, conditions, paging), paging.page, paging.page_size, total)


def get_log_row(session: Session, actor: Actor, log_id: uuid.UUID) -> dict[str, Any]:
    """One log row. Needs `maintenance:read`; raises NotFound."""
    require(actor, "maintenance:read")
    rows = _log_rows(session, [col(MaintenanceLog.id) == log_id])
    if not rows:
        raise NotFound("Maintenance log not found.")
    return rows[0]


def open_logs_by_item(
    session: Session, item_ids: Iterable[uuid.UUID]
) -> dict[str, list[dict[str, Any]]]:
    """Item id (text) -> its open log rows, newest first (no permission check)."""
    ids = list(item_ids)
    if not ids:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    conditions = [
        col(MaintenanceLog.equipment_id).in_(ids),
        col(MaintenanceLog.status) == MaintenanceStatus.OPEN,
    ]
    for row in _log_rows(session, conditions):
        out.setdefault(row["equipment_id"], []).append(row)
    return out


def attention_items(
    session: Session,
    actor: Actor,
    paging: PageRequest,
    *,
    search: str | None = None,
    category_id: uuid.UUID | None = None,
) -> Page[dict[str, Any]]:
    """One page (by name) of the items that need attention: some units damaged or in
    maintenance, or an open log. Each row is the equipment list row plus `open_logs`.
    `search` matches like the inventory search (name, description, asset code);
    `category_id` filters. Needs `maintenance:read`."""
    require(actor, "maintenance:read")
    has_open = (
        sa.select(col(MaintenanceLog.id))
        .where(
            col(MaintenanceLog.equipment_id) == col(EquipmentItem.id),
            col(MaintenanceLog.status) == MaintenanceStatus.OPEN,
        )
        .exists()
    )
    conditions: list[Any] = [
        sa.or_(col(EquipmentItem.qty_damaged) > 0, col(EquipmentItem.qty_maintenance) > 0, has_open)
    ]
    if search and search.strip():
        conditions.append(search_condition(session.get_bind().dialect.name, search))
    if category_id is not None:
        conditions.append(col(EquipmentItem.category_id) == category_id)
    total = session.exec(
        select(sa.func.count()).select_from(EquipmentItem).where(*conditions)
    ).one()
    stmt = (
        select(EquipmentItem, Category.name, Subcategory.name)
        .join(Category, col(Category.id) == col(EquipmentItem.category_id))
        .outerjoin(Subcategory, col(Subcategory.id) == col(EquipmentItem.subcategory_id))
        .where(*conditions)
        .order_by(col(EquipmentItem.name), col(EquipmentItem.id))
        .offset(paging.offset)
        .limit(paging.page_size)
    )
    found = session.exec(stmt).all()
    logs = open_logs_by_item(session, [item.id for item, _c, _s in found])
    rows = []
    for item, category, subcategory in found:
        row = equipment_row(item, category, subcategory)
        row["open_logs"] = logs.get(str(item.id), [])
        rows.append(row)
    return Page(rows, paging.page, paging.page_size, total)


def item_history(session: Session, actor: Actor, item_id: uuid.UUID) -> dict[str, Any]:
    """One item's maintenance: `item` (the equipment list row) and `logs` (every log, newest
    first, with the technician's name). Needs `maintenance:read`; raises NotFound."""
    require(actor, "maintenance:read")
    found = session.exec(
        select(EquipmentItem, Category.name, Subcategory.name)
        .join(Category, col(Category.id) == col(EquipmentItem.category_id))
        .outerjoin(Subcategory, col(Subcategory.id) == col(EquipmentItem.subcategory_id))
        .where(col(EquipmentItem.id) == item_id)
    ).first()
    if found is None:
        raise NotFound("Equipment item not found.")
    item, category, subcategory = found
    logs = _log_rows(session, [col(MaintenanceLog.equipment_id) == item_id])
    return {"item": equipment_row(item, category, subcategory), "logs": logs}
