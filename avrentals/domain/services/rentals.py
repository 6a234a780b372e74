"""Rentals: the equipment booked onto events (DESIGN §4, §5).

Adding or enlarging a line is checked against availability in the caller's write
transaction: the event row is locked `FOR SHARE` (a concurrent move of that event waits),
then the equipment rows `FOR UPDATE` in id order, then the bookings are read and the lines
checked; any failing line raises RentalConflict (all failing lines listed) and nothing is
written. SQLite serialises writers with `BEGIN IMMEDIATE` instead of row locks.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from avrentals.domain.errors import NotFound, ValidationFailed, VersionConflict
from avrentals.domain.models import Category, EquipmentItem, Event, Rental
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.serialize import snapshot
from avrentals.domain.services import availability as avs
from avrentals.domain.services.audit import record_audit
from avrentals.domain.services.events import lock_event, record_change
from avrentals.domain.services.versioning import compare_and_swap

MAX_QUANTITY = 100_000
QUANTITY_MESSAGE = f"Quantity must be a whole number from 1 to {MAX_QUANTITY}."


def rental_rows(session: Session, conditions: Sequence[Any], paging: PageRequest | None = None):
    stmt = (
        select(Rental, EquipmentItem.name, Category.name, Event.name)
        .join(EquipmentItem, col(EquipmentItem.id) == col(Rental.equipment_id))
        .join(Category, col(Category.id) == col(EquipmentItem.category_id))
        .join(Event, col(Event.id) == col(Rental.event_id))
        .where(*conditions)
        .order_by(col(Event.start_date), col(EquipmentItem.name), col(Rental.id))
    )
    if paging is not None:
        stmt = stmt.offset(paging.offset).limit(paging.page_size)
    rows = []
    for rental, item_name, category_name, event_name in session.exec(stmt).all():
        row = snapshot(rental)
        row |= {
            "equipment_name": item_name,
            "category_name": category_name,
            "event_name": event_name,
        }
        rows.append(row)
    return rows


def list_rentals(
    session: Session,
    actor: Actor,
    paging: PageRequest,
    *,
    event_id: uuid.UUID | None = None,
    equipment_id: uuid.UUID | None = None,
) -> Page[dict[str, Any]]:
    """One page of rental lines (with item, category and event names), by event start then
    item name; filters: event, equipment. Needs `rentals:read`."""
    require(actor, "rentals:read")
    conditions: list[Any] = []
    if event_id:
        conditions.append(col(Rental.event_id) == event_id)
    if equipment_id:
        conditions.append(col(Rental.equipment_id) == equipment_id)
    total = session.exec(select(sa.func.count()).select_from(Rental).where(*conditions)).one()
    return Page(rental_rows(session, conditions, paging), paging.page, paging.page_size, total)


def get_rental_row(session: Session, actor: Actor, rental_id: uuid.UUID) -> dict[str, Any]:
    """One rental line with names. Needs `rentals:read`; raises NotFound."""
    require(actor, "rentals:read")
    rows = rental_rows(session, [col(Rental.id) == rental_id])
    if not rows:
        raise NotFound("Rental not found.")
    return rows[0]


def _quantity(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 1 <= value <= MAX_QUANTITY else None


def parse_lines(lines: Sequence[tuple[Any, Any]], *, indexed: bool) -> dict[uuid.UUID, int]:
    """Validate `(equipment_id, quantity)` pairs: ids valid, quantities whole numbers >= 1.
    Two lines for the same item add up. Field names are `equipment_id`/`quantity`, or
    `equipment[i].equipment_id`/`equipment[i].quantity` when `indexed`."""
    errors: dict[str, list[str]] = {}
    merged: dict[uuid.UUID, int] = {}
    if not lines:
        raise ValidationFailed({"equipment": ["Add at least one line."]})
    for n, (raw_id, raw_qty) in enumerate(lines):
        prefix = f"equipment[{n}]." if indexed else ""
        try:
            item_id = raw_id if isinstance(raw_id, uuid.UUID) else uuid.UUID(str(raw_id))
        except (TypeError, ValueError):
            errors[f"{prefix}equipment_id"] = ["Not a valid equipment id."]
            continue
        qty = _quantity(raw_qty)
        if qty is None:
            errors[f"{prefix}quantity"] = [QUANTITY_MESSAGE]
            continue
        merged[item_id] = merged.get(item_id, 0) + qty
    if errors:
        raise ValidationFailed(errors)
    return merged


def add_rentals(
    session: Session,
    actor: Actor,
    event_id: uuid.UUID,
    lines: Sequence[tuple[Any, Any]],
    *,
    indexed: bool = False,
) -> list[Rental]:
    """Book `(equipment_id, quantity)` lines onto an event, all or nothing.

    An item already on the event adds to its line. Locks the event (FOR SHARE), then the
    items (FOR UPDATE, id order), re-reads the existing lines and checks each item's new
    total over the event's blocked window (the event itself excluded). Needs `rentals:write`.

    Raises ValidationFailed, NotFound (event or item), RentalConflict (every failing line;
    nothing written), VersionConflict (an existing line changed under us).
    """
    require(actor, "rentals:write")
    wanted = parse_lines(lines, indexed=indexed)
    event = lock_event(session, event_id, shared=True)
    locked = avs.lock_items(session, wanted)  # before reading lines: concurrent adds wait
    existing = {
        r.equipment_id: r
        for r in session.exec(
            select(Rental)
            .where(col(Rental.event_id) == event_id, col(Rental.equipment_id).in_(list(wanted)))
            .execution_options(populate_existing=True)
        ).all()
    }
    totals = {
        item_id: qty + (existing[item_id].quantity if item_id in existing else 0)
        for item_id, qty in wanted.items()
    }
    avs.enforce(
        session, [avs.event_window(event)], totals, exclude_event_id=event_id, locked=locked
    )
    result: list[Rental] = []
    for item_id, qty in sorted(wanted.items()):
        line = existing.get(item_id)
        if line is not None:
            line = compare_and_swap(
                session,
                Rental,
                line.id,
                line.version,
                {"quantity": line.quantity + qty},
                actor,
                entity="rental",
            )
        else:
            line = Rental(
                event_id=event_id,
                equipment_id=item_id,
                quantity=qty,
                created_by=actor.user_id,
                updated_by=actor.user_id,
            )
            # No flush per line: ids and defaults are set in Python, so the new lines and
            # their audit rows go out as one batched INSERT each at commit.
            session.add(line)
            record_audit(session, actor, "create", "rental", line.id, None, snapshot(line))
            record_change(session, actor, "rental", "create", line)
        result.append(line)
    avs.record_availability_changes(session, actor, wanted)
    return result


def add_rental(
    session: Session, actor: Actor, event_id: uuid.UUID, equipment_id: Any, quantity: Any
) -> Rental:
    """One line (see `add_rentals`)."""
    return add_rentals(session, actor, event_id, [(equipment_id, quantity)])[0]


def change_quantity(
    session: Session, actor: Actor, rental_id: uuid.UUID, version: int, quantity: Any
) -> Rental:
    """Set a line's quantity if `version` is still current (`compare_and_swap`).

    Locks the event (FOR SHARE) then the item (FOR UPDATE); an increase is checked over the
    event's blocked window (the event itself excluded). The quantity cannot go below what was
    already scanned out. Needs `rentals:write`.

    Raises NotFound, ValidationFailed, VersionConflict, RentalConflict (nothing written).
    """
    require(actor, "rentals:write")
    qty = _quantity(quantity)
    if qty is None:
        raise ValidationFailed({"quantity": [QUANTITY_MESSAGE]})
    found = session.get(Rental, rental_id)
    if found is None:
        raise NotFound("Rental not found.")
    event = lock_event(session, found.event_id, shared=True)
    locked = avs.lock_items(session, [found.equipment_id])
    rental = session.get(Rental, rental_id, populate_existing=True)
    if rental is None:
        raise NotFound("Rental not found.")
    if rental.version != version:
        raise VersionConflict(
            f"This rental was changed by someone else (now version {rental.version}).",
            snapshot(rental),
        )
    if qty < rental.scanned_out:
        raise ValidationFailed(
            {"quantity": [f"{rental.scanned_out} units are already checked out."]}
        )
    if qty > rental.quantity:
        avs.enforce(
            session,
            [avs.event_window(event)],
            {rental.equipment_id: qty},
            exclude_event_id=event.id,
            locked=locked,
        )
    updated = compare_and_swap(
        session, Rental, rental_id, version, {"quantity": qty}, actor, entity="rental"
    )
    avs.record_availability_changes(session, actor, [rental.equipment_id])
    return updated


def remove_rental(
    session: Session, actor: Actor, rental_id: uuid.UUID, version: int | None = None
) -> None:
    """Remove a line from its event (frees its units). Needs `rentals:delete`.

    With `version`, a stale one raises VersionConflict. Audited; publishes a `rental` delete
    and an `availability` change. Raises NotFound."""
    require(actor, "rentals:delete")
    rental = session.get(Rental, rental_id, populate_existing=True, with_for_update=True)
    if rental is None:
        raise NotFound("Rental not found.")
    if version is not None and rental.version != version:
        raise VersionConflict(
            f"This rental was changed by someone else (now version {rental.version}).",
            snapshot(rental),
        )
    old = snapshot(rental)
    session.delete(rental)
    session.flush()
    record_audit(session, actor, "delete", "rental", rental_id, old, None)
    record_change(session, actor, "rental", "delete", rental)
    avs.record_availability_changes(session, actor, [rental.equipment_id])
