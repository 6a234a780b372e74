"""Availability over the database (DESIGN §5): loads bookings, locks items, checks, explains
and lists conflicts. The maths lives in `avrentals.domain.availability`.

Reads (`item_availability`, `explain`, `check`, `conflicts`) need `rentals:read` and take no
locks. Writers call `enforce` inside their transaction: it locks the affected equipment rows in
id order (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite writers are already serialised by
`BEGIN IMMEDIATE`), re-reads the bookings after the lock, and raises `RentalConflict` when any
line does not fit, so the caller's writes roll back and nothing is written.

The dicts returned here are JSON-ready payloads with the wire's camelCase keys: the same line
payload travels unchanged in `RentalConflict.details["lines"]`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from avrentals.domain import availability as av
from avrentals.domain import changes
from avrentals.domain.errors import NotFound, RentalConflict, ValidationFailed
from avrentals.domain.models import EquipmentItem, Event, Rental
from avrentals.domain.permissions import Actor, require

MAX_WINDOW_DAYS = 731  # reads over longer ranges are refused (explain/conflicts expand per day)


def event_window(event: Event) -> av.Window:
    """The days `event` blocks its equipment (dates plus prep/return buffers)."""
    return av.blocked_window(event.start_date, event.end_date, event.prep_days, event.return_days)


def read_window(start: date | None, end: date | None) -> av.Window:
    """A window from untrusted input; raises ValidationFailed (field-level) when a date is
    missing, end < start, or the range exceeds MAX_WINDOW_DAYS."""
    errors: dict[str, list[str]] = {}
    if start is None:
        errors["start_date"] = ["Start date is required."]
    if end is None:
        errors["end_date"] = ["End date is required."]
    if start and end and end < start:
        errors["end_date"] = ["End date must be on or after the start date."]
    if start and end and (end - start).days + 1 > MAX_WINDOW_DAYS:
        errors["end_date"] = [f"The range may span at most {MAX_WINDOW_DAYS} days."]
    if errors:
        raise ValidationFailed(errors)
    assert start is not None and end is not None
    return av.Window(start, end)


# --- SQL -----------------------------------------------------------------------------------


def _shifted(dialect: str, day: Any, days: Any, sign: int) -> Any:
    """`day + sign * days` as SQL (PostgreSQL date +/- integer; SQLite `date(day, '±N days')`)."""
    if dialect == "sqlite":
        modifier = sa.func.printf("%+d days", days * sign)
        return sa.func.date(day, modifier)
    return day + days if sign > 0 else day - days


def _overlaps(dialect: str, start: Any, end: Any) -> Any:
    """SQL condition: the event's blocked window overlaps the days `start`..`end` (SQL values;
    ISO strings on SQLite). See `blocks_window`."""
    first = _shifted(dialect, col(Event.start_date), col(Event.prep_days), -1)
    last = _shifted(dialect, col(Event.end_date), col(Event.return_days), +1)
    if dialect == "postgresql":
        inclusive = sa.literal_column("'[]'", sa.Text)
        blocked = sa.func.daterange(first, last, inclusive)
        return blocked.op("&&", is_comparison=True)(sa.func.daterange(start, end, inclusive))
    return sa.and_(first <= end, last >= start)


def _window_values(dialect: str, window: av.Window) -> tuple[Any, Any]:
    if dialect == "sqlite":  # dates are ISO strings there; compare as such
        return window.start.isoformat(), window.end.isoformat()
    return window.start, window.end


def blocks_window(dialect: str, window: av.Window) -> Any:
    """SQL condition: the event's blocked window overlaps `window`.

    PostgreSQL: `daterange(start - prep, end + return, '[]') && daterange(:start, :end, '[]')`,
    the very expression of the GiST index `ix_event_blocked_window` (migration 0002), so the
    overlapping events are found through the index. The bounds type stays the literal `'[]'`
    (not a bound parameter) so the expression matches the index under generic plans too.
    Elsewhere (SQLite): the plain comparisons `start - prep <= :end AND end + return >= :start`.
    """
    start, end = _window_values(dialect, window)
    value_type = sa.String() if dialect == "sqlite" else sa.Date()
    return _overlaps(
        dialect, sa.bindparam(None, start, value_type), sa.bindparam(None, end, value_type)
    )


@cache
def _bookings_statement(dialect: str, by_items: bool, excluding: bool) -> Any:
    """The `load_bookings` query, built once per shape with named parameters (`window_start`,
    `window_end`, `item_ids`, `exclude_event_id`): reusing the statement object spares
    rebuilding it and its cache key on every call (the booking hot path)."""
    value_type = sa.String() if dialect == "sqlite" else sa.Date()
    stmt = (
        sa.select(
            col(Rental.id),
            col(Rental.equipment_id),
            col(Rental.quantity),
            col(Event.id),
            col(Event.name),
            col(Event.start_date),
            col(Event.end_date),
            col(Event.prep_days),
            col(Event.return_days),
        )
        .join(Event, col(Event.id) == col(Rental.event_id))
        .where(
            _overlaps(
                dialect,
                sa.bindparam("window_start", type_=value_type),
                sa.bindparam("window_end", type_=value_type),
            )
        )
    )
    if by_items:
        ids = sa.bindparam("item_ids", expanding=True, type_=sa.Uuid())
        stmt = stmt.where(col(Rental.equipment_id).in_(ids))
    if excluding:
        stmt = stmt.where(col(Event.id) != sa.bindparam("exclude_event_id", type_=sa.Uuid()))
    return stmt


def load_bookings(
    session: Session,
    window: av.Window,
    item_ids: Collection[uuid.UUID] | None = None,
    *,
    exclude_event_id: uuid.UUID | None = None,
) -> dict[uuid.UUID, list[av.Booking]]:
    """Every rental (of `item_ids`, or of any item when None) on an event whose blocked window
    overlaps `window`, grouped by item. One query; no locks."""
    if item_ids is not None and not item_ids:
        return {}
    dialect = session.get_bind().dialect.name
    stmt = _bookings_statement(dialect, item_ids is not None, exclude_event_id is not None)
    first, last = _window_values(dialect, window)
    params: dict[str, Any] = {"window_start": first, "window_end": last}
    if item_ids is not None:
        params["item_ids"] = list(item_ids)
    if exclude_event_id is not None:
        params["exclude_event_id"] = exclude_event_id
    grouped: dict[uuid.UUID, list[av.Booking]] = defaultdict(list)
    windows: dict[uuid.UUID, av.Window] = {}  # one window per event, shared by its lines
    for rid, item_id, qty, eid, ename, start, end, prep, ret in session.execute(stmt, params):
        blocked = windows.get(eid)
        if blocked is None:
            blocked = windows[eid] = av.blocked_window(start, end, prep, ret)
        grouped[item_id].append(av.Booking(eid, qty, blocked, rid, ename))
    return grouped


def lock_items(session: Session, item_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, EquipmentItem]:
    """Lock the equipment rows in id order and return them freshly read.

    PostgreSQL: `SELECT ... ORDER BY id FOR UPDATE` (every writer locks in the same order, so
    two bookings of {A, B} and {B, A} queue instead of deadlocking). SQLite: no row locks; the
    write transaction (`BEGIN IMMEDIATE`) already excludes other writers.
    """
    ids = sorted(set(item_ids))
    if not ids:
        return {}
    rows = session.exec(_lock_statement(), params={"item_ids": ids}).all()
    return {item.id: item for item in rows}


@cache
def _lock_statement() -> Any:
    """`lock_items`' query, built once (the same SQL every time; reusing the statement object
    spares rebuilding it and its cache key on every booking)."""
    ids = sa.bindparam("item_ids", expanding=True, type_=sa.Uuid())
    return (
        select(EquipmentItem)
        .where(col(EquipmentItem.id).in_(ids))
        .order_by(col(EquipmentItem.id))
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def items_by_id(session: Session, item_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, EquipmentItem]:
    """Equipment rows by id, without locks."""
    ids = list(set(item_ids))
    if not ids:
        return {}
    stmt = select(EquipmentItem).where(col(EquipmentItem.id).in_(ids))
    return {item.id: item for item in session.exec(stmt).all()}


# --- Payloads ------------------------------------------------------------------------------


def booking_payload(b: av.Booking) -> dict[str, Any]:
    return {
        "rentalId": str(b.rental_id),
        "eventId": str(b.event_id),
        "eventName": b.event_name,
        "quantity": b.quantity,
        "blockedFrom": b.window.start.isoformat(),
        "blockedTo": b.window.end.isoformat(),
    }


def failure_payload(failure: av.LineFailure) -> dict[str, Any]:
    """One failing line: item, requested, available, bookable, peak days and the rentals
    consuming the stock on those days (DESIGN §5)."""
    line = failure.line
    return {
        "equipmentId": str(line.item_id),
        "equipmentName": line.item_name,
        "requested": line.requested,
        "available": max(failure.available, 0),
        "bookable": line.bookable,
        "peakUsage": failure.peak.usage,
        "peakDays": [d.isoformat() for d in failure.peak.dates()],
        "consumedBy": [booking_payload(b) for b in failure.peak.bookings],
    }


def window_payload(window: av.Window) -> dict[str, str]:
    return {"startDate": window.start.isoformat(), "endDate": window.end.isoformat()}


# --- Checks --------------------------------------------------------------------------------


def _failures(
    session: Session,
    windows: Sequence[av.Window],
    requested: Mapping[uuid.UUID, int],
    items: Mapping[uuid.UUID, EquipmentItem],
    exclude_event_id: uuid.UUID | None,
) -> list[av.LineFailure]:
    """Failing lines over every window; per item the worst one (least available) is kept."""
    lines = [
        av.Line(item_id, qty, items[item_id].qty_good, items[item_id].name)
        for item_id, qty in sorted(requested.items())
        if item_id in items
    ]
    worst: dict[Hashable, av.LineFailure] = {}
    for window in windows:
        bookings = load_bookings(
            session, window, list(requested), exclude_event_id=exclude_event_id
        )
        for failure in av.check_lines(lines, bookings, window):
            known = worst.get(failure.line.item_id)
            if known is None or failure.available < known.available:
                worst[failure.line.item_id] = failure
    return [worst[line.item_id] for line in lines if line.item_id in worst]


def enforce(
    session: Session,
    windows: Sequence[av.Window],
    requested: Mapping[uuid.UUID, int],
    *,
    exclude_event_id: uuid.UUID | None = None,
    message: str = "Not enough units available for these dates.",
    locked: Mapping[uuid.UUID, EquipmentItem] | None = None,
) -> dict[uuid.UUID, EquipmentItem]:
    """Lock the items of `requested` (item id -> TOTAL units the event would hold) in id order,
    then check every line against the bookings of other events over each of `windows`.

    Returns the locked items. Raises NotFound for an unknown item, RentalConflict with
    `details = {"windows": [{startDate, endDate}], "lines": [failure_payload, ...]}` listing
    ALL failing lines. Call it inside the write transaction, before or after writing: the raise
    rolls everything back, so nothing is written. `locked`: the rows the caller already locked
    with `lock_items` in this transaction (saves a round trip).
    """
    items = dict(locked) if locked is not None else lock_items(session, requested)
    missing = set(requested) - set(items)
    if missing:
        raise NotFound(f"Equipment item not found: {', '.join(sorted(map(str, missing)))}.")
    failures = _failures(session, windows, requested, items, exclude_event_id)
    if failures:
        names = ", ".join(f.line.item_name for f in failures)
        raise RentalConflict(
            f"{message} Not enough: {names}.",
            {
                "windows": [window_payload(w) for w in windows],
                "lines": [failure_payload(f) for f in failures],
            },
        )
    return items


def record_availability_changes(
    session: Session, actor: Actor, item_ids: Iterable[uuid.UUID]
) -> None:
    """Queue one `availability` change per item (published after commit) so open screens
    refresh their numbers."""
    for item_id in sorted(set(item_ids)):
        changes.record(
            session,
            changes.Change(
                entity="availability",
                action="update",
                id=str(item_id),
                actor=actor.username,
                actorName=actor.name,
            ),
        )


# --- Reads ---------------------------------------------------------------------------------


def _item(session: Session, item_id: uuid.UUID) -> EquipmentItem:
    item = session.get(EquipmentItem, item_id)
    if item is None:
        raise NotFound("Equipment item not found.")
    return item


def item_availability(
    session: Session,
    actor: Actor,
    item_id: uuid.UUID,
    window: av.Window,
    *,
    exclude_event_id: uuid.UUID | None = None,
    explain: bool = False,
) -> dict[str, Any]:
    """ "Available X of Y" for one item over `window`: bookable (good units) minus the peak
    daily usage of other events (`exclude_event_id` left out), never the sum of overlapping
    rentals. With `explain`, adds the per-day ledger. Needs `rentals:read`; raises NotFound.
    """
    require(actor, "rentals:read")
    item = _item(session, item_id)
    bookings = load_bookings(session, window, [item_id], exclude_event_id=exclude_event_id)
    mine = bookings.get(item_id, [])
    top = av.peak(mine, window)
    result: dict[str, Any] = {
        "equipmentId": str(item.id),
        "equipmentName": item.name,
        "quantity": item.quantity,
        "bookable": item.qty_good,
        "available": max(item.qty_good - top.usage, 0),
        "peakUsage": top.usage,
        "peakDays": [d.isoformat() for d in top.dates()] if top.usage else [],
        "overbooked": top.usage > item.qty_good,
        **window_payload(window),
    }
    if explain:
        result["ledger"] = ledger_payload(item.qty_good, mine, window)
    return result


def ledger_payload(
    bookable: int, bookings: list[av.Booking], window: av.Window
) -> list[dict[str, Any]]:
    return [
        {
            "date": day.day.isoformat(),
            "booked": day.usage,
            "available": day.available,
            "rentals": [booking_payload(b) for b in day.bookings],
        }
        for day in av.ledger(bookable, bookings, window)
    ]


def explain(
    session: Session,
    actor: Actor,
    item_id: uuid.UUID,
    window: av.Window,
    *,
    exclude_event_id: uuid.UUID | None = None,
) -> list[dict[str, Any]]:
    """Per-day ledger of `window`: `{date, booked, available, rentals}` with the rentals that
    make up each day. Needs `rentals:read`; raises NotFound."""
    require(actor, "rentals:read")
    item = _item(session, item_id)
    bookings = load_bookings(session, window, [item_id], exclude_event_id=exclude_event_id)
    return ledger_payload(item.qty_good, bookings.get(item_id, []), window)


def check(
    session: Session,
    actor: Actor,
    target: Event | av.Window,
    lines: Mapping[uuid.UUID, int],
) -> list[dict[str, Any]]:
    """Every line of `lines` (item id -> total units wanted) that would not fit, all at once.

    `target` is an event (its blocked window, the event itself excluded from usage) or a bare
    window. Read-only, no locks: a preview for dialogs; writers use `enforce`. Needs
    `rentals:read`; raises NotFound for an unknown item.
    """
    require(actor, "rentals:read")
    if isinstance(target, Event):
        window, exclude = event_window(target), target.id
    else:
        window, exclude = target, None
    items = items_by_id(session, lines)
    missing = set(lines) - set(items)
    if missing:
        raise NotFound(f"Equipment item not found: {', '.join(sorted(map(str, missing)))}.")
    return [failure_payload(f) for f in _failures(session, [window], lines, items, exclude)]


def overbookable_items(session: Session, window: av.Window) -> list[uuid.UUID]:
    """Items whose rentals overlapping `window`, all added together, exceed their good units:
    the only ones that can have an overbooked day there (one aggregate query; the per-day
    sweep then runs on these few)."""
    dialect = session.get_bind().dialect.name
    stmt = (
        sa.select(col(Rental.equipment_id))
        .join(Event, col(Event.id) == col(Rental.event_id))
        .join(EquipmentItem, col(EquipmentItem.id) == col(Rental.equipment_id))
        .where(blocks_window(dialect, window))
        .group_by(col(Rental.equipment_id), col(EquipmentItem.qty_good))
        .having(sa.func.sum(Rental.quantity) > col(EquipmentItem.qty_good))
    )
    return list(session.scalars(stmt))


def conflicts(session: Session, actor: Actor, window: av.Window) -> list[dict[str, Any]]:
    """Every day in `window` where an item's usage exceeds its bookable units (reality changed
    under existing bookings: damaged units, reduced quantity), ordered by date then item name:
    `{date, item: {id, name}, booked, bookable, events: [{eventId, eventName, rentalId,
    quantity, blockedFrom, blockedTo}]}`. Needs `rentals:read`; at most MAX_WINDOW_DAYS days."""
    require(actor, "rentals:read")
    read_window(window.start, window.end)
    return find_conflicts(session, window)


def find_conflicts(
    session: Session, window: av.Window, item_ids: Iterable[uuid.UUID] | None = None
) -> list[dict[str, Any]]:
    """`conflicts` without the permission check, optionally for some items only (for the
    system's own checks, e.g. raising `conflict_alert` notifications after stock changes)."""
    candidates = overbookable_items(session, window)
    if item_ids is not None:
        wanted = set(item_ids)
        candidates = [i for i in candidates if i in wanted]
    bookings = load_bookings(session, window, candidates)
    if not bookings:
        return []
    stock = session.execute(
        sa.select(
            col(EquipmentItem.id), col(EquipmentItem.name), col(EquipmentItem.qty_good)
        ).where(col(EquipmentItem.id).in_(list(bookings)))
    ).all()
    found: list[dict[str, Any]] = []
    for item_id, name, good in stock:
        for day in av.conflict_days(good, bookings[item_id], window):
            found.append(
                {
                    "date": day.day.isoformat(),
                    "item": {"id": str(item_id), "name": name},
                    "booked": day.usage,
                    "bookable": good,
                    "events": [booking_payload(b) for b in day.bookings],
                }
            )
    found.sort(key=lambda c: (c["date"], c["item"]["name"], c["item"]["id"]))
    return found
