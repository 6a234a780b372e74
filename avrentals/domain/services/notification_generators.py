"""Notification generators: event reminders, low stock, unit status changes, new equipment,
and the periodic runner that the app calls every few minutes.

Every generator inserts through `notifications.notify` (muted types skipped, duplicates
refused by the database), so running any of them again, or on several app instances at
once, never notifies anyone twice for the same fact. The rules:

- `event_reminder`: the assigned user of an event starting in 1 to 7 days hears about it at
  the 7-, 3- and 1-day marks: on a run `d` days before the start, the mark is the smallest of
  7 / 3 / 1 that is >= d (a scheduler that was down on day 7 still sends the 7-day reminder
  on day 5, and only that one). Once per user, event and mark: `dedup_key`
  "reminder:<event id>:<mark>". Priority low at 7 days, medium at 3, high at 1.
- `low_stock`: an item whose good units are at or below its `low_stock_threshold` (a
  threshold of 0, the default, means "no alert") notifies the active Admins, Managers and
  Technicians once per low spell: `dedup_key` "low_stock:<item id>". When a later run finds
  the item above its threshold again (or the threshold cleared), the key is released on the
  existing notifications (set to NULL; dismissed ones are removed), so the next time stock
  runs low it is announced again.
- `equipment_status_change`: units moved into `damaged` or `maintenance` by an equipment edit
  notify the active Technicians and Managers (not the person who made the edit); once per
  item version (`dedup_key` "status:<item id>:<version>"). High priority for damage.
- `new_equipment`: an item created notifies the active Managers and Admins (not its creator),
  low priority, once per item ("new_equipment:<item id>").
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from avrentals.domain.enums import (
    MaintenanceStatus,
    NotificationType,
    Priority,
    Role,
    UnitStatus,
)
from avrentals.domain.models import EquipmentItem, Event, MaintenanceLog, Notification
from avrentals.domain.permissions import Actor
from avrentals.domain.services.notifications import DISMISSED_LINK, notify, users_with_roles
from avrentals.domain.services.prep_overdue import notify_overdue_returns

REMINDER_MARKS = (1, 3, 7)  # days before the start date, ascending
REMINDER_PRIORITY = {1: Priority.HIGH, 3: Priority.MEDIUM, 7: Priority.LOW}
LOW_STOCK_RECIPIENTS = (Role.ADMIN, Role.MANAGER, Role.TECHNICIAN)
STATUS_CHANGE_RECIPIENTS = (Role.TECHNICIAN, Role.MANAGER)
NEW_EQUIPMENT_RECIPIENTS = (Role.MANAGER, Role.ADMIN)
LOW_STOCK_PREFIX = "low_stock:"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def reminder_mark(days_before: int) -> int | None:
    """The reminder mark (7, 3 or 1) for an event starting in `days_before` days; None
    outside 1..7."""
    for mark in REMINDER_MARKS:
        if 1 <= days_before <= mark:
            return mark
    return None


def event_reminders(session: Session, today: date) -> list[Notification]:
    """`event_reminder` for every event starting 1-7 days after `today` that has an
    assigned user (see the module rules). Runs in the caller's transaction; takes no locks;
    raises nothing of its own."""
    events = session.exec(
        select(Event)
        .where(
            col(Event.assigned_user_id).is_not(None),
            col(Event.start_date) >= today + timedelta(days=1),
            col(Event.start_date) <= today + timedelta(days=max(REMINDER_MARKS)),
        )
        .order_by(col(Event.id))
    ).all()
    created: list[Notification] = []
    for event in events:
        days = (event.start_date - today).days
        mark = reminder_mark(days)
        if mark is None:
            continue
        when = "tomorrow" if days == 1 else f"in {days} days"
        place = f" at {event.location}" if event.location else ""
        created += notify(
            session,
            [event.assigned_user_id],
            NotificationType.EVENT_REMINDER,
            f"{event.name} starts {when}",
            f"{event.name} starts on {event.start_date:%a %d %b %Y}{place}. "
            "Check the equipment list and the prep checklist.",
            REMINDER_PRIORITY[mark],
            f"/events/{event.id}",
            f"reminder:{event.id}:{mark}",
        )
    return created


def _is_low(item: EquipmentItem) -> bool:
    return item.low_stock_threshold > 0 and item.qty_good <= item.low_stock_threshold


def low_stock(session: Session, item_ids: Iterable[uuid.UUID] | None = None) -> list[Notification]:
    """`low_stock` for the items (all when `item_ids` is None) at or below their threshold,
    and release the key of those that recovered (see the module rules). Runs in the
    caller's transaction; takes no locks; raises nothing of its own."""
    ids = None if item_ids is None else sorted(set(item_ids))
    low_query = (
        select(EquipmentItem)
        .where(
            col(EquipmentItem.low_stock_threshold) > 0,
            col(EquipmentItem.qty_good) <= col(EquipmentItem.low_stock_threshold),
        )
        .order_by(col(EquipmentItem.id))
    )
    if ids is not None:
        low_query = low_query.where(col(EquipmentItem.id).in_(ids))
    low_items = session.exec(low_query).all()
    _release_recovered(session, ids, {item.id for item in low_items})
    if not low_items:
        return []
    recipients = users_with_roles(session, LOW_STOCK_RECIPIENTS)
    created: list[Notification] = []
    for item in low_items:
        created += notify(
            session,
            recipients,
            NotificationType.LOW_STOCK,
            f"Low stock: {item.name}",
            f"{item.name} is down to {_plural(item.qty_good, 'good unit')} "
            f"(alert at {item.low_stock_threshold} or fewer). Reorder or repair units.",
            Priority.MEDIUM,
            f"/equipment/{item.id}",
            f"{LOW_STOCK_PREFIX}{item.id}",
        )
    return created


def _release_recovered(
    session: Session, item_ids: list[uuid.UUID] | None, still_low: set[uuid.UUID]
) -> None:
    """Free the `low_stock` keys of items no longer low, so their next low spell notifies
    again: visible notifications keep their text without the key; dismissed ones go."""
    keyed = select(Notification.dedup_key).where(
        col(Notification.type) == NotificationType.LOW_STOCK,
        col(Notification.dedup_key).is_not(None),
    )
    if item_ids is not None:
        keyed = keyed.where(
            col(Notification.dedup_key).in_([f"{LOW_STOCK_PREFIX}{i}" for i in item_ids])
        )
    keys = set(session.exec(keyed.distinct()).all())
    recovered = sorted(
        key for key in keys if key and _item_of(key) not in still_low and _item_of(key)
    )
    if not recovered:
        return
    table = Notification.__table__  # type: ignore[attr-defined]
    session.execute(
        sa.delete(table).where(table.c.dedup_key.in_(recovered), table.c.link == DISMISSED_LINK)
    )
    session.execute(sa.update(table).where(table.c.dedup_key.in_(recovered)).values(dedup_key=None))


def _item_of(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key.removeprefix(LOW_STOCK_PREFIX))
    except ValueError:
        return None


def status_change(
    session: Session,
    actor: Actor,
    item: EquipmentItem,
    old_damaged: int,
    old_maintenance: int,
) -> list[Notification]:
    """`equipment_status_change` after an edit of `item` (already saved) that moved units
    into damaged or maintenance (compared with `old_damaged` / `old_maintenance`); nothing
    otherwise. Called by `equipment.update_equipment` in its transaction; takes no locks;
    raises nothing of its own."""
    more_damaged = item.qty_damaged - old_damaged
    more_maintenance = item.qty_maintenance - old_maintenance
    moves = []
    if more_damaged > 0:
        moves.append(f"{_plural(more_damaged, 'unit')} reported damaged")
    if more_maintenance > 0:
        moves.append(f"{_plural(more_maintenance, 'unit')} sent to maintenance")
    if not moves:
        return []
    return notify(
        session,
        users_with_roles(session, STATUS_CHANGE_RECIPIENTS, exclude=actor.user_id),
        NotificationType.EQUIPMENT_STATUS_CHANGE,
        f"Status change: {item.name}",
        f"{item.name}: {' and '.join(moves)} by {actor.name}. "
        f"Now {item.qty_good} good, {item.qty_damaged} damaged, "
        f"{item.qty_maintenance} in maintenance.",
        Priority.HIGH if more_damaged > 0 else Priority.MEDIUM,
        f"/equipment/{item.id}",
        f"status:{item.id}:{item.version}",
    )


def new_equipment(session: Session, actor: Actor, item: EquipmentItem) -> list[Notification]:
    """`new_equipment` to the active Managers and Admins (not `actor`) about `item`, just
    created. Called by `equipment.create_equipment` in its transaction; takes no locks;
    raises nothing of its own."""
    return notify(
        session,
        users_with_roles(session, NEW_EQUIPMENT_RECIPIENTS, exclude=actor.user_id),
        NotificationType.NEW_EQUIPMENT,
        f"New equipment: {item.name}",
        f"{actor.name} added {item.name} ({item.asset_code}, "
        f"{_plural(item.quantity, 'unit')}) at {item.location}.",
        Priority.LOW,
        f"/equipment/{item.id}",
        f"new_equipment:{item.id}",
    )


def after_equipment_created(
    session: Session, actor: Actor, item: EquipmentItem
) -> list[Notification]:
    """The notifications an item creation raises: `new_equipment`, and `low_stock` when it
    starts at or below its threshold. Runs in the creation's transaction."""
    return new_equipment(session, actor, item) + low_stock(session, [item.id])


def after_equipment_updated(
    session: Session,
    actor: Actor,
    item: EquipmentItem,
    old_damaged: int,
    old_maintenance: int,
) -> list[Notification]:
    """The notifications an item edit raises: `equipment_status_change` for units moved to
    damaged / maintenance, and `low_stock` (or its release) for the new good units. Runs
    in the edit's transaction."""
    return status_change(session, actor, item, old_damaged, old_maintenance) + low_stock(
        session, [item.id]
    )


def maintenance_due(session: Session) -> list[Notification]:
    """`maintenance_due` for every open maintenance log that moved units into damaged or
    maintenance (`maintenance.notify_maintenance_due`, de-duplicated per user and log):
    Technicians who joined, or unmuted the type, since the log was opened hear about the
    work waiting for them. Runs in the caller's transaction; raises nothing of its own."""
    # Imported here: maintenance imports equipment, which imports this module.
    from avrentals.domain.services.maintenance import notify_maintenance_due

    logs = session.exec(
        select(MaintenanceLog)
        .where(
            col(MaintenanceLog.status) == MaintenanceStatus.OPEN,
            col(MaintenanceLog.to_status).in_([UnitStatus.DAMAGED, UnitStatus.MAINTENANCE]),
        )
        .order_by(col(MaintenanceLog.id))
    ).all()
    created: list[Notification] = []
    for log in logs:
        created += notify_maintenance_due(session, log)
    return created


def run_scheduled_notifications(session: Session, today: date) -> dict[str, int]:
    """The periodic run: event reminders, low stock, overdue returns and maintenance due,
    in that order, in the caller's transaction. Safe to run at the same time on several
    app instances (the database refuses duplicate keys; inserts are in a fixed order, so
    concurrent runs queue rather than deadlock). Returns how many notifications each
    generator created."""
    return {
        NotificationType.EVENT_REMINDER.value: len(event_reminders(session, today)),
        NotificationType.LOW_STOCK.value: len(low_stock(session)),
        NotificationType.OVERDUE_RETURN.value: len(notify_overdue_returns(session, today)),
        NotificationType.MAINTENANCE_DUE.value: len(maintenance_due(session)),
    }
