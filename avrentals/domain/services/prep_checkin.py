"""Check-in outcomes beyond plain scans: units reported damaged or missing (optionally with a
photo), and the settlement of consumables when a check-in is finished (DESIGN §5: damaged
units stop being bookable; consumables not returned leave the stock).

A report's photo goes through the equipment photo pipeline (`media_store`: checked from its
content, re-encoded without metadata, content-addressed file plus thumbnail) before the
report is sent, and is tied to the MaintenanceLog the report opens by an audit row of that
log (`action = "photo"`, `new_values = {"photo": <stored name>}`); the maintenance reads
(`maintenance_queries`) show it with the log. MaintenanceLog has no photo column, and the
schema stays as it is.

Lock order, the same global order the booking services use so nothing deadlocks: the event
row (`FOR SHARE`), then the equipment rows (`FOR UPDATE`, id order), then the rental rows
(`FOR UPDATE`). SQLite serialises writers with `BEGIN IMMEDIATE` instead.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from avrentals.domain import media_store, rate_limits
from avrentals.domain.enums import (
    EquipmentType,
    MaintenanceStatus,
    ScanResult,
    ScanType,
    UnitStatus,
)
from avrentals.domain.errors import NotFound, ValidationFailed, VersionConflict
from avrentals.domain.models import Category, EquipmentItem, MaintenanceLog, Rental, ScanLog
from avrentals.domain.permissions import Actor, require
from avrentals.domain.serialize import snapshot
from avrentals.domain.services import availability as avs
from avrentals.domain.services.audit import record_audit
from avrentals.domain.services.equipment import derive_status
from avrentals.domain.services.events import lock_event
from avrentals.domain.services.maintenance import notify_maintenance_due
from avrentals.domain.services.notifications import alert_new_conflicts
from avrentals.domain.services.prep import count_one, line_payload, lock_rental, record_scan_changes
from avrentals.domain.services.versioning import compare_and_swap
from avrentals.domain.services.writes import record_created

CONDITIONS = ("damaged", "missing")
MIN_NOTE = 3
MAX_NOTE = 500
# Audit action that ties a stored photo to the maintenance log of a report.
PHOTO_ACTION = "photo"
PHOTO_GONE = "The photo was not found; take or choose it again."


def _units(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and value >= 1 else None


def _log_scan(
    session: Session, actor: Actor, rental: Rental, code: str, device: str | None = None
) -> None:
    session.add(
        ScanLog(
            scan_id=uuid.uuid4(),
            rental_id=rental.id,
            event_id=rental.event_id,
            equipment_id=rental.equipment_id,
            user_id=actor.user_id,
            scan_type=ScanType.CHECKIN,
            result=ScanResult.OK,
            code=code[:64],
            device=device,
        )
    )


def _set_counts(
    session: Session, actor: Actor, item: EquipmentItem, values: dict[str, int]
) -> EquipmentItem:
    """Versioned update of an item's unit counts (we hold its row lock, so the version we
    read is current); the headline status is re-derived."""
    merged = {
        "qty_good": item.qty_good,
        "qty_damaged": item.qty_damaged,
        "qty_maintenance": item.qty_maintenance,
        **values,
    }
    status = derive_status(merged["qty_good"], merged["qty_damaged"], merged["qty_maintenance"])
    return compare_and_swap(
        session,
        EquipmentItem,
        item.id,
        item.version,
        {**values, "status": status},
        actor,
        entity="equipment",
    )


def store_report_photo(actor: Actor, data: bytes) -> str:
    """Check and store a photo for a damage / missing report, before the report is sent;
    returns its stored name for `report_damage(photo=...)`. Needs `rentals:write`.

    Counted against the per-user upload limit (`rate_limits.count_upload`), then checked and
    re-encoded by `media_store.process_image` (<= 5 MB, JPEG/PNG/WebP from the content,
    metadata stripped) and written by `media_store.store`. No database work and no locks; a
    photo whose report is never sent stays on disk unreferenced (harmless, see media_store).
    Raises Forbidden, RateLimited, ValidationFailed {"image": [...]}."""
    require(actor, "rentals:write")
    rate_limits.count_upload(actor.user_id)
    return media_store.store(media_store.process_image(data))


def _photo_name(errors: dict[str, list[str]], value: Any) -> str | None:
    """A stored photo name whose file exists, or None (no photo, or an error added)."""
    if value is None or value == "":
        return None
    if (
        isinstance(value, str)
        and media_store.STORED_NAME_RE.match(value)
        and media_store.open_media(value) is not None
    ):
        return value
    errors["photo"] = [PHOTO_GONE]
    return None


def report_damage(
    session: Session,
    actor: Actor,
    rental_id: uuid.UUID,
    units: Any,
    condition: Any,
    note: Any,
    *,
    version: int | None = None,
    today: date | None = None,
    photo: Any = None,
) -> dict[str, Any]:
    """Report units of a line damaged or missing at check-in. Needs `rentals:write`.

    Opens a MaintenanceLog for the item (units, from good to damaged, the note, the event,
    the reporting user) and moves those units good -> damaged on the item (versioned update,
    audited, `equipment` change), so they stop being bookable. Missing units also count as
    accounted for on the checklist (`scanned_in` grows by them); damaged units came back and
    are scanned in like the others. If future bookings now exceed the good units, Admins and
    Managers get a `conflict_alert` (`notifications.alert_new_conflicts`) and the conflict
    shows on the conflicts panel and calendar.

    `photo` (optional) is the stored name `store_report_photo` returned; it is attached to
    the new log by an audit row (`action "photo"`, `new_values {"photo": name}`).

    Rules: units 1..scanned out (missing: at most the units still out) and at most the
    item's good units; note 3-500 characters; a photo must be a stored one. Locks event,
    item, line (see module notes). Raises ValidationFailed, NotFound, VersionConflict (a
    given `version` is stale). Returns `{line, maintenance_id, conflict_alerts, photo}`."""
    require(actor, "rentals:write")
    kind = condition.strip().lower() if isinstance(condition, str) else ""
    errors: dict[str, list[str]] = {}
    if kind not in CONDITIONS:
        errors["condition"] = ["Choose damaged or missing."]
    count = _units(units)
    if count is None:
        errors["units"] = ["Units must be a whole number of at least 1."]
    text = note.strip() if isinstance(note, str) else ""
    if not MIN_NOTE <= len(text) <= MAX_NOTE:
        errors["note"] = [f"Describe what happened ({MIN_NOTE} to {MAX_NOTE} characters)."]
    photo_name = _photo_name(errors, photo)
    if errors:
        raise ValidationFailed(errors)
    assert count is not None
    found = session.get(Rental, rental_id)
    if found is None:
        raise NotFound("Rental not found.")
    event = lock_event(session, found.event_id, shared=True)
    item = avs.lock_items(session, [found.equipment_id])[found.equipment_id]
    rental = lock_rental(session, rental_id)
    if rental is None:
        raise NotFound("Rental not found.")
    if version is not None and rental.version != version:
        raise VersionConflict(
            f"This line was changed by someone else (now version {rental.version}).",
            snapshot(rental),
        )
    still_out = rental.scanned_out - rental.scanned_in
    limit = still_out if kind == "missing" else rental.scanned_out
    if count > limit:
        what = "still out" if kind == "missing" else "went out"
        raise ValidationFailed({"units": [f"Only {limit} unit{'s' if limit != 1 else ''} {what}."]})
    if count > item.qty_good:
        raise ValidationFailed(
            {"units": [f"{item.name} has only {item.qty_good} units in good condition."]}
        )
    today = today or date.today()
    saved = _set_counts(
        session,
        actor,
        item,
        {"qty_good": item.qty_good - count, "qty_damaged": item.qty_damaged + count},
    )
    log = MaintenanceLog(
        equipment_id=item.id,
        log_date=today,
        description=f"{kind.title()} at check-in of {event.name}: {text}"[:1000],
        cost=Decimal("0.00"),
        units=count,
        from_status=UnitStatus.GOOD,
        to_status=UnitStatus.DAMAGED,
        technician_id=actor.user_id,
        event_id=event.id,
        status=MaintenanceStatus.OPEN,
        created_by=actor.user_id,
        updated_by=actor.user_id,
    )
    session.add(log)
    session.flush()
    record_created(session, actor, "maintenance", log)
    notify_maintenance_due(session, log)  # Technicians hear of it like any other report
    if photo_name is not None:
        record_audit(
            session, actor, PHOTO_ACTION, "maintenance", log.id, None, {"photo": photo_name}
        )
    changed: list[Rental] = []
    if kind == "missing":
        old = {"scanned_in": rental.scanned_in}
        count_one(rental, ScanType.CHECKIN, count)
        session.add(rental)
        _log_scan(session, actor, rental, f"missing:{count}")
        record_audit(
            session, actor, "checkin-missing", "rental", rental.id, old,
            {"scanned_in": rental.scanned_in},
        )  # fmt: skip
        changed.append(rental)
    record_scan_changes(session, actor, changed, [event.id])
    avs.record_availability_changes(session, actor, [item.id])
    alerts = alert_new_conflicts(session, [item.id], today=today)
    session.flush()
    category = session.get(Category, saved.category_id)
    return {
        "line": line_payload(rental, saved, category.name if category else ""),
        "maintenance_id": str(log.id),
        "conflict_alerts": len(alerts),
        "photo": photo_name,
    }


def finish_checkin(
    session: Session, actor: Actor, event_id: uuid.UUID, *, today: date | None = None
) -> dict[str, Any]:
    """Finish an event's check-in: every consumable line's units that went out and did not
    come back are used up, so they are deducted from the item's stock (quantity and unit
    counts, good units first; versioned, audited) and the line counts as back. Equipment
    lines are left as they are: units still out stay missing (and the event overdue) until
    scanned in or reported missing. Needs `rentals:write`.

    Locks event, items, lines (module notes). Alerts Admins and Managers when the smaller
    stock now leaves future bookings short. Raises NotFound. Returns `{consumed: [{name,
    units}], still_out: [{name, units}]}`."""
    require(actor, "rentals:write")
    lock_event(session, event_id, shared=True)
    lines = session.exec(
        select(Rental, EquipmentItem.item_type, EquipmentItem.name)
        .join(EquipmentItem, col(EquipmentItem.id) == col(Rental.equipment_id))
        .where(col(Rental.event_id) == event_id)
    ).all()
    used = {r.equipment_id for r, kind, _ in lines if kind is EquipmentType.CONSUMABLE}
    items = avs.lock_items(session, used)
    consumed: list[dict[str, Any]] = []
    still_out: list[dict[str, Any]] = []
    changed: list[Rental] = []
    for row, kind, name in lines:
        rental = lock_rental(session, row.id)
        if rental is None:
            continue
        gone = rental.scanned_out - rental.scanned_in
        if gone <= 0:
            continue
        if kind is not EquipmentType.CONSUMABLE:
            still_out.append({"name": name, "units": gone})
            continue
        item = items[rental.equipment_id]
        take_good = min(gone, item.qty_good)
        take_damaged = min(gone - take_good, item.qty_damaged)
        take_maint = gone - take_good - take_damaged
        items[item.id] = _set_counts(
            session,
            actor,
            item,
            {
                "quantity": item.quantity - gone,
                "qty_good": item.qty_good - take_good,
                "qty_damaged": item.qty_damaged - take_damaged,
                "qty_maintenance": item.qty_maintenance - take_maint,
            },
        )
        old = {"scanned_in": rental.scanned_in}
        count_one(rental, ScanType.CHECKIN, gone)
        session.add(rental)
        _log_scan(session, actor, rental, f"consumed:{gone}")
        record_audit(
            session, actor, "checkin-consumed", "rental", rental.id, old,
            {"scanned_in": rental.scanned_in},
        )  # fmt: skip
        changed.append(rental)
        consumed.append({"name": name, "units": gone})
    record_scan_changes(session, actor, changed, [event_id])
    if changed:
        avs.record_availability_changes(session, actor, [r.equipment_id for r in changed])
        alert_new_conflicts(session, [r.equipment_id for r in changed], today=today)
    session.flush()
    return {"consumed": consumed, "still_out": still_out}
