"""Maintenance: raise requests, report damage, log repairs, close and edit logs (DESIGN §4-§6).

A MaintenanceLog records work on some units of one item and, when it moves units, the move
itself (`from_status` -> `to_status`): raising a request moves good units to `maintenance`,
reporting damage moves good units to `damaged`, a repair may move damaged / maintenance units
back to `good`. A log with no move (`to_status` empty or equal to `from_status`) is work
recorded on units that stay where they are.

Rules enforced here (and again by the database where possible):
- `log_date` a date, not in the future (default today); description 5-1000 characters; cost
  >= 0 with at most two decimals (default 0); units a whole number >= 1 and at most the
  item's units in `from_status` (read under the item's row lock). Unknown fields refused.
- Every unit move runs in the caller's transaction under a row lock on the item
  (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE):
  the counts are re-read under the lock, changed so that good + damaged + maintenance still
  equals the quantity, the headline status re-derived (`equipment.derive_status`) and the
  item's version bumped (`compare_and_swap`, which audits it and queues an `equipment`
  change). Two concurrent moves on one item queue; counts never go negative.
- Moving units away from `good` can overbook existing bookings: Admins and Managers then get
  a `conflict_alert` (`notifications.alert_new_conflicts`), as for equipment edits.
- Units going to `damaged` or `maintenance` from another status notify every active
  Technician (`notify_maintenance_due`, one `maintenance_due` per user and log).
- When a move leaves a status with no units, the item's open logs that had moved units into
  that status are closed automatically (their units are all back in service).
- Every mutation writes audit rows and queues `maintenance` (and `equipment`,
  `availability`) changes, published by `db.transaction` after commit.

Permissions: `maintenance:write` for every write (Admin, Manager, Technician); reads are in
`maintenance_queries` (`maintenance:read`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from avrentals.domain import validation as v
from avrentals.domain.enums import MaintenanceStatus, NotificationType, Priority, Role, UnitStatus
from avrentals.domain.errors import InvalidState, NotFound, ValidationFailed
from avrentals.domain.models import EquipmentItem, Event, MaintenanceLog, Notification, User
from avrentals.domain.models.base import utcnow
from avrentals.domain.permissions import Actor, require
from avrentals.domain.services.availability import record_availability_changes
from avrentals.domain.services.equipment import derive_status
from avrentals.domain.services.notifications import alert_new_conflicts, notify
from avrentals.domain.services.versioning import compare_and_swap
from avrentals.domain.services.writes import check_version, record_created

# Input vocabulary of `record_log` (snake_case; the API's camelCase names map 1:1).
LOG_FIELDS = (
    "equipment_id",
    "log_date",
    "description",
    "cost",
    "units",
    "from_status",
    "to_status",
    "close",
    "event_id",
)
# What a saved log may still change (PATCH): the paperwork, never the unit move it made.
EDITABLE_FIELDS = ("log_date", "description", "cost")
DESCRIPTION_MIN, DESCRIPTION_MAX = 5, 1000
# The item column holding the units of each status.
COUNT_COLUMN = {
    UnitStatus.GOOD: "qty_good",
    UnitStatus.DAMAGED: "qty_damaged",
    UnitStatus.MAINTENANCE: "qty_maintenance",
}
STATUS_WORDS = {
    UnitStatus.GOOD: "good",
    UnitStatus.DAMAGED: "damaged",
    UnitStatus.MAINTENANCE: "in maintenance",
}
# Statuses that mean "someone has work to do" (units arriving there notify Technicians).
NEEDS_WORK = frozenset({UnitStatus.DAMAGED, UnitStatus.MAINTENANCE})
DUE_RECIPIENTS = (Role.TECHNICIAN,)


def dedup_key(log_id: uuid.UUID) -> str:
    """The `maintenance_due` de-duplication key of one log (one notification per user)."""
    return f"maintenance:{log_id}"


# --- validation ------------------------------------------------------------------------------


def _log_date(errors: v.Errors, value: Any, today: date) -> date | None:
    """A `date` or `YYYY-MM-DD` text, not after `today`; empty means today."""
    if value in (None, ""):
        return today
    if isinstance(value, date):
        day = value
    elif isinstance(value, str):
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            errors.add("log_date", "Date must be a date such as 2026-05-01.")
            return None
    else:
        errors.add("log_date", "Date must be a date such as 2026-05-01.")
        return None
    if day > today:
        errors.add("log_date", "Date cannot be in the future.")
        return None
    return day


def _description(errors: v.Errors, value: Any) -> str | None:
    return v.text(
        errors,
        "description",
        value,
        label="Description",
        min_len=DESCRIPTION_MIN,
        max_len=DESCRIPTION_MAX,
    )


def _cost(errors: v.Errors, value: Any) -> Any:
    return v.money(errors, "cost", "0" if value in (None, "") else value, label="Cost")


def _status(errors: v.Errors, field: str, value: Any, label: str) -> UnitStatus | None:
    if value in (None, ""):
        return None
    return v.enum_value(errors, field, value, UnitStatus, label=label)


def _flag(errors: v.Errors, field: str, value: Any) -> bool:
    if value in (None, ""):
        return False
    if not isinstance(value, bool):
        errors.add(field, "Must be true or false.")
        return False
    return value


# --- unit moves ------------------------------------------------------------------------------


def lock_item(session: Session, item_id: uuid.UUID) -> EquipmentItem:
    """The item row, locked (`FOR UPDATE` on PostgreSQL) and freshly read. Raises NotFound."""
    stmt = (
        select(EquipmentItem)
        .where(col(EquipmentItem.id) == item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    item = session.exec(stmt).first()
    if item is None:
        raise NotFound("Equipment item not found.")
    return item


def counts_of(item: EquipmentItem) -> dict[UnitStatus, int]:
    return {status: int(getattr(item, column)) for status, column in COUNT_COLUMN.items()}


def default_source(counts: dict[UnitStatus, int], to_status: UnitStatus | None) -> UnitStatus:
    """The `from_status` of a log that names none: good when units go to damaged or
    maintenance (a request / a damage report), else the status with units to work on,
    damaged first, then maintenance, then good."""
    if to_status in NEEDS_WORK:
        return UnitStatus.GOOD
    return next(
        (s for s in (UnitStatus.DAMAGED, UnitStatus.MAINTENANCE) if counts[s] > 0),
        UnitStatus.GOOD,
    )


def check_units(
    item: EquipmentItem, counts: dict[UnitStatus, int], status: UnitStatus, units: int
) -> None:
    """Raise ValidationFailed (`units`) when fewer than `units` units are in `status`."""
    if units > counts[status]:
        raise ValidationFailed(
            {"units": [f"Only {counts[status]} unit(s) of {item.name} are {STATUS_WORDS[status]}."]}
        )


def move_units(
    session: Session,
    actor: Actor,
    item: EquipmentItem,
    from_status: UnitStatus,
    to_status: UnitStatus,
    units: int,
) -> EquipmentItem:
    """Move `units` of a locked `item` (see `lock_item`) from one status to another.

    The counts keep summing to the quantity, the headline status is re-derived and the
    version bumped (`compare_and_swap`: audit row + `equipment` change). When good units
    went down, `alert_new_conflicts` runs for the item; an `availability` change is queued
    either way. Raises ValidationFailed (`units`) when `from_status` holds fewer units."""
    counts = counts_of(item)
    check_units(item, counts, from_status, units)
    counts[from_status] -= units
    counts[to_status] += units
    values: dict[str, Any] = {COUNT_COLUMN[s]: n for s, n in counts.items()}
    values["status"] = derive_status(
        counts[UnitStatus.GOOD], counts[UnitStatus.DAMAGED], counts[UnitStatus.MAINTENANCE]
    )
    saved = compare_and_swap(
        session, EquipmentItem, item.id, item.version, values, actor, entity="equipment"
    )
    if from_status is UnitStatus.GOOD:
        alert_new_conflicts(session, [item.id])
    record_availability_changes(session, actor, [item.id])
    return saved


def _close_emptied_logs(
    session: Session, actor: Actor, item: EquipmentItem, emptied: UnitStatus, keep: uuid.UUID
) -> None:
    """Close the item's open logs that moved units into `emptied` (now holding none)."""
    stmt = select(MaintenanceLog).where(
        col(MaintenanceLog.equipment_id) == item.id,
        col(MaintenanceLog.status) == MaintenanceStatus.OPEN,
        col(MaintenanceLog.to_status) == emptied,
        col(MaintenanceLog.id) != keep,
    )
    for log in session.exec(stmt).all():
        _close(session, actor, log.id, log.version)


def _close(session: Session, actor: Actor, log_id: uuid.UUID, version: int) -> MaintenanceLog:
    return compare_and_swap(
        session,
        MaintenanceLog,
        log_id,
        version,
        {"status": MaintenanceStatus.CLOSED, "closed_at": utcnow()},
        actor,
        entity="maintenance",
    )


# --- writes ----------------------------------------------------------------------------------


def record_log(
    session: Session,
    actor: Actor,
    data: Mapping[str, Any],
    *,
    today: date | None = None,
    allowed_from: frozenset[UnitStatus] | None = None,
) -> MaintenanceLog:
    """Record maintenance on some units of an item, moving them when asked.

    Input (snake_case): `equipment_id` (required), `log_date` (default today, never in the
    future), `description` (5-1000), `cost` (>= 0, default 0), `units` (>= 1, at most the
    units in `from_status`), `from_status` (good|damaged|maintenance; default
    `default_source`), `to_status` (optional: the status the units move to; empty or equal
    to `from_status` moves nothing), `close` (bool: the log is created closed), `event_id`
    (optional: the job where it happened). Needs `maintenance:write`.

    Locks the item row, validates against its counts read under the lock, moves the units
    (`move_units`), inserts the log (technician = the actor; audit + `maintenance` change),
    notifies Technicians when units went to damaged / maintenance (`notify_maintenance_due`)
    and closes open logs whose status the move emptied. `allowed_from` (for the wrappers
    below) limits the source statuses. Raises ValidationFailed (every field message at
    once), NotFound (item), Forbidden, Unauthorized."""
    require(actor, "maintenance:write")
    today = today or date.today()
    errors = v.Errors()
    v.reject_unknown(data, LOG_FIELDS, errors)
    item_id = None
    if data.get("equipment_id") in (None, ""):
        errors.add("equipment_id", v.REQUIRED_MESSAGE)
    else:
        item_id = v.uuid_value(errors, "equipment_id", data["equipment_id"], label="Item")
    log_date = _log_date(errors, data.get("log_date"), today)
    description = _description(errors, data.get("description"))
    cost = _cost(errors, data.get("cost"))
    units = v.integer(errors, "units", data.get("units"), label="Units", minimum=1)
    from_status = _status(errors, "from_status", data.get("from_status"), "From status")
    to_status = _status(errors, "to_status", data.get("to_status"), "To status")
    close = _flag(errors, "close", data.get("close"))
    event_id = None
    if data.get("event_id") not in (None, ""):
        event_id = v.uuid_value(errors, "event_id", data["event_id"], label="Event")
        if event_id is not None and session.get(Event, event_id) is None:
            errors.add("event_id", "Event not found.")
    errors.raise_if_any()
    assert item_id is not None and units is not None and description is not None
    assert log_date is not None

    item = lock_item(session, item_id)
    counts = counts_of(item)
    if from_status is None:
        from_status = default_source(counts, to_status)
    if allowed_from is not None and from_status not in allowed_from:
        raise ValidationFailed({"from_status": [f"{item.name} has no units to repair."]})
    check_units(item, counts, from_status, units)
    moves = to_status is not None and to_status != from_status
    if moves:
        assert to_status is not None
        item = move_units(session, actor, item, from_status, to_status, units)
    log = MaintenanceLog(
        equipment_id=item.id,
        log_date=log_date,
        description=description,
        cost=cost,
        units=units,
        from_status=from_status,
        to_status=to_status if moves else None,
        technician_id=actor.user_id,
        event_id=event_id,
        status=MaintenanceStatus.CLOSED if close else MaintenanceStatus.OPEN,
        closed_at=utcnow() if close else None,
        created_by=actor.user_id,
        updated_by=actor.user_id,
    )
    session.add(log)
    session.flush()
    record_created(session, actor, "maintenance", log)
    if moves and to_status in NEEDS_WORK:
        notify_maintenance_due(session, log)
    if moves and counts_of(item)[from_status] == 0 and from_status in NEEDS_WORK:
        _close_emptied_logs(session, actor, item, from_status, keep=log.id)
    return log


def raise_request(
    session: Session,
    actor: Actor,
    item_id: Any,
    data: Mapping[str, Any],
    *,
    today: date | None = None,
) -> MaintenanceLog:
    """Send good units to maintenance: an open log `good -> maintenance` (see `record_log`
    for the fields: `log_date`, `description`, `cost`, `units`, `event_id`; units at most the
    good units). Technicians get a `maintenance_due`; bookings the remaining good units no
    longer cover raise a `conflict_alert`. Needs `maintenance:write`."""
    fields = {**data, "equipment_id": item_id}
    fields.update(from_status=UnitStatus.GOOD, to_status=UnitStatus.MAINTENANCE)
    fields.setdefault("close", False)
    return record_log(session, actor, fields, today=today)


def report_damage(
    session: Session,
    actor: Actor,
    item_id: Any,
    data: Mapping[str, Any],
    *,
    today: date | None = None,
) -> MaintenanceLog:
    """Mark good units damaged: an open log `good -> damaged` (fields as `raise_request`).
    Technicians get a `maintenance_due`; overbooked days raise a `conflict_alert`. Needs
    `maintenance:write`."""
    fields = {**data, "equipment_id": item_id}
    fields.update(from_status=UnitStatus.GOOD, to_status=UnitStatus.DAMAGED)
    return record_log(session, actor, fields, today=today)


def log_repair(
    session: Session,
    actor: Actor,
    item_id: Any,
    data: Mapping[str, Any],
    *,
    move_to_good: bool = False,
    today: date | None = None,
) -> MaintenanceLog:
    """Log repair work on damaged or in-maintenance units (`from_status` damaged|maintenance,
    default the one holding units, damaged first). With `move_to_good` the units go back to
    good (bookable again); `close` creates the log closed. Other fields as `record_log`.
    Raises ValidationFailed (`from_status`) for good units. Needs `maintenance:write`."""
    require(actor, "maintenance:write")
    fields = {**data, "equipment_id": item_id}
    source = fields.get("from_status")
    if source not in (None, "") and not (isinstance(source, str) and source in NEEDS_WORK):
        raise ValidationFailed(
            {"from_status": ["A repair works on damaged or in-maintenance units."]}
        )
    if move_to_good:
        fields["to_status"] = UnitStatus.GOOD
    return record_log(session, actor, fields, today=today, allowed_from=NEEDS_WORK)


def close_log(session: Session, actor: Actor, log_id: uuid.UUID, version: Any) -> MaintenanceLog:
    """Close an open log (versioned: `compare_and_swap`, audit + `maintenance` change). Units
    are not moved: a repair that brings units back to good is logged with `log_repair`.
    Needs `maintenance:write`. Raises NotFound, VersionConflict (with the saved log) when
    `version` is stale, InvalidState when the log is already closed, ValidationFailed."""
    require(actor, "maintenance:write")
    expected = v.Errors()
    wanted = v.integer(expected, "version", version, label="Version", minimum=1)
    expected.raise_if_any()
    assert wanted is not None
    log = session.get(MaintenanceLog, log_id, populate_existing=True)
    if log is None:
        raise NotFound("Maintenance log not found.")
    check_version(log, wanted, "maintenance log")
    if log.status == MaintenanceStatus.CLOSED:
        raise InvalidState("This maintenance log is already closed.")
    return _close(session, actor, log_id, wanted)


def update_log(
    session: Session,
    actor: Actor,
    log_id: uuid.UUID,
    version: Any,
    data: Mapping[str, Any],
    *,
    today: date | None = None,
) -> MaintenanceLog:
    """Correct a log's paperwork: `log_date`, `description`, `cost` (same rules as
    `record_log`); the units it moved are history and cannot change (refused as unknown
    fields). Versioned (`compare_and_swap`); nothing is written when nothing changes. Needs
    `maintenance:write`. Raises NotFound, VersionConflict, ValidationFailed."""
    require(actor, "maintenance:write")
    today = today or date.today()
    errors = v.Errors()
    v.reject_unknown(data, EDITABLE_FIELDS, errors)
    wanted = v.integer(errors, "version", version, label="Version", minimum=1)
    values: dict[str, Any] = {}
    if "log_date" in data:
        values["log_date"] = _log_date(errors, data["log_date"], today)
    if "description" in data:
        values["description"] = _description(errors, data["description"])
    if "cost" in data:
        values["cost"] = _cost(errors, data["cost"])
    errors.raise_if_any()
    assert wanted is not None
    log = session.get(MaintenanceLog, log_id, populate_existing=True)
    if log is None:
        raise NotFound("Maintenance log not found.")
    check_version(log, wanted, "maintenance log")
    changed = {k: val for k, val in values.items() if getattr(log, k) != val}
    if not changed:
        return log
    return compare_and_swap(
        session, MaintenanceLog, log_id, wanted, changed, actor, entity="maintenance"
    )


# --- notifications ---------------------------------------------------------------------------


def notify_maintenance_due(session: Session, log: MaintenanceLog) -> list[Notification]:
    """Give every active Technician one `maintenance_due` notification about `log` (units
    reported damaged or sent to maintenance), linking to /maintenance.

    Public so other flows that open logs (damage found at check-in) announce them the same
    way. De-duplicated per user and log (`dedup_key` "maintenance:<log id>"): calling it again
    for the same log adds nothing. Priority high for damaged units, medium otherwise. Runs in
    the caller's transaction (the log must be flushed); the new rows are announced on the
    change bus after commit. Takes no locks; raises nothing of its own."""
    item = session.get(EquipmentItem, log.equipment_id)
    name = item.name if item is not None else "An item"
    recipients = session.exec(
        select(User.id).where(col(User.is_active), col(User.role).in_(DUE_RECIPIENTS))
    ).all()
    damaged = log.to_status == UnitStatus.DAMAGED
    what = "reported damaged" if damaged else "waiting for maintenance"
    units = f"{log.units} unit{'s' if log.units != 1 else ''}"
    return notify(
        session,
        recipients,
        NotificationType.MAINTENANCE_DUE,
        f"Maintenance due: {name}",
        f"{units} of {name} {what}: {log.description}",
        Priority.HIGH if damaged else Priority.MEDIUM,
        "/maintenance",
        dedup_key(log.id),
    )
