"""Warehouse prep (DESIGN §4, §10): the checklist of an event, scanning items out before the
show and back in after it, and manual +/- for unlabelled items.

Counting rules, per rental line:
- check-out: `scanned_out` goes 0 .. quantity; check-in: `scanned_in` goes 0 .. scanned_out
  (what went out is what must come back). The database holds
  `0 <= scanned_in <= scanned_out <= quantity` as a CHECK.
- `prep_status` follows the counters (`line_status`): `checked-in` once everything that went
  out is back, `checked-out` once every unit is out, `pending` otherwise.

Every scan runs in the caller's write transaction and takes the rental row with `SELECT ...
FOR UPDATE` (PostgreSQL; SQLite serialises writers with `BEGIN IMMEDIATE`) before it reads the
counters, so two tablets scanning the same line queue on the row and never double-count or
go past the quantity. A scan bumps the line's `version` (an open quantity edit of that line
then gets VERSION_CONFLICT instead of overwriting), writes one ScanLog row whatever the
outcome (except replays of an already-applied scan id, which write nothing), and publishes a
`rental` change per changed line and one `scan` change per event after commit.

Offline replays go through `scan_batch.py`; damage/missing reports and the consumables
settlement at check-in through `prep_checkin.py`; overdue returns through `prep_overdue.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from avrentals.domain import changes
from avrentals.domain.enums import PrepStatus, ScanResult, ScanType
from avrentals.domain.errors import NotFound, ValidationFailed, VersionConflict
from avrentals.domain.models import Category, Client, EquipmentItem, Event, Rental, ScanLog, User
from avrentals.domain.permissions import Actor, require
from avrentals.domain.serialize import snapshot
from avrentals.domain.services import availability as avs
from avrentals.domain.services.audit import record_audit
from avrentals.domain.services.events import event_status
from avrentals.domain.services.prep_overdue import is_overdue

MAX_CODE_LENGTH = 64
MAX_DEVICE_LENGTH = 100
MAX_ADJUST = 1000

MESSAGES = {
    ScanResult.OK: "Accepted.",
    ScanResult.DUPLICATE: "This scan was already applied.",
    ScanResult.QUANTITY_COMPLETE: "This line is already complete.",
    ScanResult.NOT_ON_EVENT: "This item is not on this event.",
    ScanResult.VERSION_CONFLICT: "The event or its line no longer exists.",
    ScanResult.UNKNOWN_CODE: "No item has this code.",
}


# --- Pure rules ----------------------------------------------------------------------------


def parse_scan_type(value: Any) -> ScanType:
    """`checkout`/`checkin` (case-insensitive), else ValidationFailed on `scan_type`."""
    try:
        return ScanType(str(value).strip().lower())
    except ValueError:
        raise ValidationFailed({"scan_type": ["Scan type must be checkout or checkin."]}) from None


def line_status(quantity: int, scanned_out: int, scanned_in: int) -> PrepStatus:
    """`checked-in` when everything that went out is back, `checked-out` when every unit is
    out (and not all back), `pending` otherwise."""
    if scanned_out > 0 and scanned_in >= scanned_out:
        return PrepStatus.CHECKED_IN
    if scanned_out >= quantity:
        return PrepStatus.CHECKED_OUT
    return PrepStatus.PENDING


def progress_state(done: int, target: int) -> str:
    """`none` (nothing yet), `partial` or `done` for a line's counter against its target."""
    if target <= 0 or done >= target:
        return "done" if target > 0 else "none"
    return "partial" if done > 0 else "none"


def decide(rental: Rental, scan_type: ScanType) -> ScanResult:
    """OK when one more unit fits the line in that direction, else QUANTITY_COMPLETE."""
    if scan_type is ScanType.CHECKOUT:
        return (
            ScanResult.OK if rental.scanned_out < rental.quantity else ScanResult.QUANTITY_COMPLETE
        )
    return ScanResult.OK if rental.scanned_in < rental.scanned_out else ScanResult.QUANTITY_COMPLETE


def count_one(rental: Rental, scan_type: ScanType, delta: int = 1) -> None:
    """Move the line's counter by `delta` (already checked to fit) and re-derive its status
    and version (the in-memory row; the caller flushes it)."""
    if scan_type is ScanType.CHECKOUT:
        rental.scanned_out += delta
    else:
        rental.scanned_in += delta
    rental.prep_status = line_status(rental.quantity, rental.scanned_out, rental.scanned_in)
    rental.version += 1


def counted_message(rental: Rental, scan_type: ScanType, name: str) -> str:
    """ "SM58: 3 / 10 out" after a counted scan."""
    if scan_type is ScanType.CHECKOUT:
        return f"{name}: {rental.scanned_out} / {rental.quantity} out"
    return f"{name}: {rental.scanned_in} / {rental.scanned_out} back"


def complete_message(rental: Rental, scan_type: ScanType, name: str) -> str:
    if scan_type is ScanType.CHECKOUT:
        return f"{name}: all {rental.quantity} already scanned out."
    if rental.scanned_out == 0:
        return f"{name}: nothing of this line went out."
    return f"{name}: all {rental.scanned_out} that went out are back."


# --- Queries -------------------------------------------------------------------------------


def lock_rental(session: Session, rental_id: uuid.UUID) -> Rental | None:
    """The rental row, freshly read under `FOR UPDATE` (PostgreSQL)."""
    stmt = (
        select(Rental)
        .where(col(Rental.id) == rental_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(stmt).first()


def lock_line(session: Session, event_id: uuid.UUID, item_id: uuid.UUID) -> Rental | None:
    """The event's line of `item_id`, freshly read under `FOR UPDATE` (PostgreSQL)."""
    stmt = (
        select(Rental)
        .where(col(Rental.event_id) == event_id, col(Rental.equipment_id) == item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(stmt).first()


def item_by_code(session: Session, code: str) -> EquipmentItem | None:
    """The item whose asset code is `code` (exact first, then case-insensitive: wedge
    scanners and people type codes in either case)."""
    item = session.exec(select(EquipmentItem).where(col(EquipmentItem.asset_code) == code)).first()
    if item is None:
        stmt = select(EquipmentItem).where(
            sa.func.upper(col(EquipmentItem.asset_code)) == code.upper()
        )
        item = session.exec(stmt).first()
    return item


def _event(session: Session, event_id: uuid.UUID) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("Event not found.")
    return event


def record_scan_changes(
    session: Session, actor: Actor, rentals: Iterable[Rental], event_ids: Iterable[uuid.UUID]
) -> None:
    """Queue one `rental` change per changed line and one `scan` change per event (published
    after commit), so checklists, event pages and lists refresh."""
    for rental in rentals:
        changes.record(
            session,
            changes.Change(
                entity="rental",
                action="update",
                id=str(rental.id),
                version=rental.version,
                actor=actor.username,
                actorName=actor.name,
            ),
        )
    for event_id in sorted(set(event_ids)):
        changes.record(
            session,
            changes.Change(
                entity="scan",
                action="create",
                id=str(event_id),
                actor=actor.username,
                actorName=actor.name,
            ),
        )


def line_payload(rental: Rental, item: EquipmentItem, category: str) -> dict[str, Any]:
    """One checklist line as JSON-ready values."""
    return {
        "id": str(rental.id),
        "event_id": str(rental.event_id),
        "equipment_id": str(item.id),
        "name": item.name,
        "asset_code": item.asset_code,
        "category": category,
        "location": item.location,
        "item_type": item.item_type.value,
        "quantity": rental.quantity,
        "scanned_out": rental.scanned_out,
        "scanned_in": rental.scanned_in,
        "missing": rental.scanned_out - rental.scanned_in,
        "prep_status": rental.prep_status.value,
        "out_state": progress_state(rental.scanned_out, rental.quantity),
        "in_state": progress_state(rental.scanned_in, rental.scanned_out),
        "version": rental.version,
    }


# --- Checklist -----------------------------------------------------------------------------


def totals(lines: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Progress figures of a set of lines: units, out, in, still missing."""
    acc = {"quantity": 0, "scanned_out": 0, "scanned_in": 0, "missing": 0, "lines": 0}
    for line in lines:
        acc["lines"] += 1
        for key in ("quantity", "scanned_out", "scanned_in", "missing"):
            acc[key] += int(line[key])
    return acc


def prep_checklist(
    session: Session, actor: Actor, event_id: uuid.UUID, *, today: date | None = None
) -> dict[str, Any]:
    """The prep checklist of an event: `{event, groups: [{category, lines}], lines, totals}`.

    Lines are grouped by category (categories by position then name, lines by storage
    location then name) and carry quantity, scanned_out/scanned_in, what is still missing,
    `out_state`/`in_state` (none/partial/done) and the line version for manual +/-. The event
    carries its status and the overdue-return flag. Needs `rentals:read`; takes no locks;
    raises NotFound."""
    require(actor, "rentals:read")
    event = _event(session, event_id)
    today = today or date.today()
    client = session.get(Client, event.client_id)
    assigned = session.get(User, event.assigned_user_id) if event.assigned_user_id else None
    stmt = (
        select(Rental, EquipmentItem, Category.name)
        .join(EquipmentItem, col(EquipmentItem.id) == col(Rental.equipment_id))
        .join(Category, col(Category.id) == col(EquipmentItem.category_id))
        .where(col(Rental.event_id) == event_id)
        .order_by(
            col(Category.position),
            col(Category.name),
            col(EquipmentItem.location),
            col(EquipmentItem.name),
            col(Rental.id),
        )
    )
    groups: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for rental, item, category in session.exec(stmt).all():
        line = line_payload(rental, item, category)
        lines.append(line)
        if not groups or groups[-1]["category"] != category:
            groups.append({"category": category, "lines": []})
        groups[-1]["lines"].append(line)
    for group in groups:
        group["totals"] = totals(group["lines"])
    summary = totals(lines)
    return {
        "event": {
            "id": str(event.id),
            "name": event.name,
            "client": client.name if client else "",
            "location": event.location,
            "start_date": event.start_date.isoformat(),
            "end_date": event.end_date.isoformat(),
            "status": event_status(event.start_date, event.end_date, today),
            "assigned": assigned.name if assigned else "",
            "overdue": is_overdue(event, summary["missing"], today),
        },
        "groups": groups,
        "lines": lines,
        "totals": summary,
    }


# --- Scanning ------------------------------------------------------------------------------


@dataclass
class ScanOutcome:
    """What one scan did: `result` and a message for the person scanning; `line` is the
    updated checklist line (when the item is on the event); for NOT_ON_EVENT, `item`,
    `available` (units free over the event's dates) and `can_add` (the actor may book it
    and at least one unit is free)."""

    result: ScanResult
    message: str
    scan_id: str
    line: dict[str, Any] | None = None
    item: dict[str, Any] | None = None
    available: int = 0
    can_add: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "result": self.result.value,
            "message": self.message,
            "scan_id": self.scan_id,
            "line": self.line,
            "item": self.item,
            "available": self.available,
            "can_add": self.can_add,
        }


def _scan_id(value: Any) -> uuid.UUID:
    if value is None or value == "":
        return uuid.uuid4()
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        raise ValidationFailed({"scan_id": ["Scan id must be a UUID."]}) from None


def _clean_code(code: Any) -> str:
    text = code.strip() if isinstance(code, str) else ""
    if not text:
        raise ValidationFailed({"code": ["Scan or type an asset code."]})
    if len(text) > MAX_CODE_LENGTH:
        raise ValidationFailed({"code": [f"A code has at most {MAX_CODE_LENGTH} characters."]})
    return text


def _clean_device(device: Any) -> str | None:
    if device is None:
        return None
    if not isinstance(device, str):
        raise ValidationFailed({"device": ["Device must be text."]})
    return device.strip()[:MAX_DEVICE_LENGTH] or None


def _category_name(session: Session, item: EquipmentItem) -> str:
    category = session.get(Category, item.category_id)
    return category.name if category else ""


def _item_payload(item: EquipmentItem) -> dict[str, Any]:
    return {
        "id": str(item.id),
        "name": item.name,
        "asset_code": item.asset_code,
        "location": item.location,
    }


def scan(
    session: Session,
    actor: Actor,
    event_id: uuid.UUID,
    code: Any,
    scan_type: Any,
    *,
    scan_id: Any = None,
    device: Any = None,
    scanned_at: datetime | None = None,
) -> ScanOutcome:
    """Apply one scan of an asset code to an event's checklist. Needs `rentals:write`.

    Outcomes: OK (counted), QUANTITY_COMPLETE (the line has nothing left to count in that
    direction), NOT_ON_EVENT (the item exists but is not booked on the event; says how many
    units are free over the event's dates and whether the actor may add it), UNKNOWN_CODE,
    DUPLICATE (a `scan_id` that was already applied: nothing is written). Locks the line
    `FOR UPDATE` before reading its counters. Writes one ScanLog row (and, when counted, the
    line and an audit row). Raises ValidationFailed (code, type, scan id), NotFound (event).
    """
    require(actor, "rentals:write")
    kind = parse_scan_type(scan_type)
    text = _clean_code(code)
    sid = _scan_id(scan_id)
    device_name = _clean_device(device)
    event = _event(session, event_id)
    previous = session.exec(select(ScanLog).where(col(ScanLog.scan_id) == sid)).first()
    if previous is not None:
        return ScanOutcome(ScanResult.DUPLICATE, MESSAGES[ScanResult.DUPLICATE], str(sid))
    log = ScanLog(
        scan_id=sid,
        event_id=event.id,
        user_id=actor.user_id,
        scan_type=kind,
        result=ScanResult.UNKNOWN_CODE,
        code=text,
        device=device_name,
        scanned_at=scanned_at or datetime.now(UTC),
    )
    item = item_by_code(session, text)
    if item is None:
        session.add(log)
        return ScanOutcome(ScanResult.UNKNOWN_CODE, f"No item has the code {text}.", str(sid))
    log.equipment_id = item.id
    rental = lock_line(session, event.id, item.id)
    if rental is None:
        log.result = ScanResult.NOT_ON_EVENT
        session.add(log)
        free = avs.item_availability(
            session, actor, item.id, avs.event_window(event), exclude_event_id=event.id
        )["available"]
        return ScanOutcome(
            ScanResult.NOT_ON_EVENT,
            f"{item.name} is not on this event ({free} available for its dates).",
            str(sid),
            item=_item_payload(item),
            available=free,
            can_add=actor.can("rentals:write") and free > 0,
        )
    log.rental_id = rental.id
    result = decide(rental, kind)
    log.result = result
    if result is ScanResult.OK:
        old = {"scanned_out": rental.scanned_out, "scanned_in": rental.scanned_in}
        count_one(rental, kind)
        rental.updated_at = datetime.now(UTC)
        rental.updated_by = actor.user_id
        session.add(rental)
        record_audit(
            session,
            actor,
            kind.value,
            "rental",
            rental.id,
            old,
            {"scanned_out": rental.scanned_out, "scanned_in": rental.scanned_in},
        )
        record_scan_changes(session, actor, [rental], [event.id])
        message = counted_message(rental, kind, item.name)
    else:
        record_scan_changes(session, actor, [], [event.id])
        message = complete_message(rental, kind, item.name)
    session.add(log)
    session.flush()
    line = line_payload(rental, item, _category_name(session, item))
    return ScanOutcome(result, message, str(sid), line=line, item=_item_payload(item))


def adjust(
    session: Session,
    actor: Actor,
    rental_id: uuid.UUID,
    scan_type: Any,
    delta: Any,
    version: Any,
    *,
    device: Any = None,
) -> dict[str, Any]:
    """Manual +/- of a line's counter (unlabelled items, corrections), if `version` is still
    the line's version. Needs `rentals:write`.

    Check-out keeps `scanned_in <= scanned_out <= quantity`; check-in `0 <= scanned_in <=
    scanned_out`. Locks the line `FOR UPDATE`; writes one ScanLog (code `manual`), an audit
    row, bumps the version; publishes `rental` and `scan` changes. Raises ValidationFailed
    (delta not a non-zero whole number, or out of range), NotFound, VersionConflict (with
    the saved line)."""
    require(actor, "rentals:write")
    kind = parse_scan_type(scan_type)
    if isinstance(delta, bool) or not isinstance(delta, int) or delta == 0:
        raise ValidationFailed({"delta": ["Adjust by a whole number other than 0."]})
    if abs(delta) > MAX_ADJUST:
        raise ValidationFailed({"delta": [f"Adjust by at most {MAX_ADJUST} at a time."]})
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationFailed({"version": ["Version is required."]})
    rental = lock_rental(session, rental_id)
    if rental is None:
        raise NotFound("Rental not found.")
    if rental.version != version:
        raise VersionConflict(
            f"This line was changed by someone else (now version {rental.version}).",
            snapshot(rental),
        )
    if kind is ScanType.CHECKOUT:
        new, low, high, label = (
            rental.scanned_out + delta,
            rental.scanned_in,
            rental.quantity,
            "out",
        )
    else:
        new, low, high, label = rental.scanned_in + delta, 0, rental.scanned_out, "in"
    if not low <= new <= high:
        limit = f"between {low} and {high}"
        raise ValidationFailed({"delta": [f"Scanned {label} must stay {limit}."]})
    old = {"scanned_out": rental.scanned_out, "scanned_in": rental.scanned_in}
    count_one(rental, kind, delta)
    rental.updated_at = datetime.now(UTC)
    rental.updated_by = actor.user_id
    session.add(rental)
    session.add(
        ScanLog(
            scan_id=uuid.uuid4(),
            rental_id=rental.id,
            event_id=rental.event_id,
            equipment_id=rental.equipment_id,
            user_id=actor.user_id,
            scan_type=kind,
            result=ScanResult.OK,
            code=f"manual{delta:+d}",
            device=_clean_device(device),
        )
    )
    record_audit(
        session,
        actor,
        f"{kind.value}-adjust",
        "rental",
        rental.id,
        old,
        {"scanned_out": rental.scanned_out, "scanned_in": rental.scanned_in},
    )
    record_scan_changes(session, actor, [rental], [rental.event_id])
    session.flush()
    item = session.get(EquipmentItem, rental.equipment_id)
    assert item is not None
    return line_payload(rental, item, _category_name(session, item))


# --- Prep list -----------------------------------------------------------------------------

PREP_LIST_AHEAD_DAYS = 14
PREP_LIST_LIMIT = 100
# Events further ahead than the list horizon still show when their prep buffer reaches it.
MAX_PREP_LOOKAHEAD = 30


def prep_events(
    session: Session, actor: Actor, *, today: date | None = None
) -> list[dict[str, Any]]:
    """Events to prepare or bring back: ongoing, starting within PREP_LIST_AHEAD_DAYS (prep
    buffer included), and ended ones with gear still out (overdue once their return window
    is over), each with its progress
    (`quantity`, `scanned_out`, `scanned_in`, `missing`, `lines`) and `overdue` flag.
    Overdue first, then by start date. Needs `rentals:read`; takes no locks."""
    require(actor, "rentals:read")
    today = today or date.today()
    horizon = today + timedelta(days=PREP_LIST_AHEAD_DAYS)
    sums = (
        sa.select(
            col(Rental.event_id).label("event_id"),
            sa.func.count().label("lines"),
            sa.func.sum(Rental.quantity).label("quantity"),
            sa.func.sum(Rental.scanned_out).label("scanned_out"),
            sa.func.sum(Rental.scanned_in).label("scanned_in"),
        )
        .group_by(col(Rental.event_id))
        .subquery()
    )
    outstanding = sa.func.coalesce(sums.c.scanned_out, 0) > sa.func.coalesce(sums.c.scanned_in, 0)
    stmt = (
        sa.select(
            Event,
            col(Client.name),
            sums.c.lines,
            sums.c.quantity,
            sums.c.scanned_out,
            sums.c.scanned_in,
        )
        .join(Client, col(Client.id) == col(Event.client_id))
        .outerjoin(sums, sums.c.event_id == col(Event.id))
        .where(
            sa.or_(
                # Current and coming soon (prep buffers are applied below, in Python: date
                # arithmetic differs between PostgreSQL and SQLite).
                sa.and_(
                    col(Event.end_date) >= today,
                    col(Event.start_date) <= horizon + timedelta(days=MAX_PREP_LOOKAHEAD),
                ),
                # Ended with gear still out.
                sa.and_(col(Event.end_date) < today, outstanding),
            )
        )
        .order_by(col(Event.start_date), col(Event.name))
        .limit(PREP_LIST_LIMIT * 2)
    )
    rows: list[dict[str, Any]] = []
    for event, client, lines, quantity, out, back in session.execute(stmt).all():
        out, back = int(out or 0), int(back or 0)
        missing = out - back
        status = event_status(event.start_date, event.end_date, today)
        overdue = is_overdue(event, missing, today)
        if status == "completed" and missing <= 0:
            continue  # ended and everything is back: nothing left to do
        if event.start_date - timedelta(days=min(event.prep_days, MAX_PREP_LOOKAHEAD)) > horizon:
            continue
        rows.append(
            {
                "id": str(event.id),
                "name": event.name,
                "client": client,
                "location": event.location,
                "start_date": event.start_date.isoformat(),
                "end_date": event.end_date.isoformat(),
                "status": status,
                "overdue": overdue,
                "lines": int(lines or 0),
                "quantity": int(quantity or 0),
                "scanned_out": out,
                "scanned_in": back,
                "missing": missing,
            }
        )
    rows.sort(key=lambda r: (not r["overdue"], r["start_date"], r["name"]))
    return rows[:PREP_LIST_LIMIT]
