"""The calendar (DESIGN §5): events on the days of a month grid or a week, the days where
bookings exceed the bookable units, and moving an event to another start day.

Reads need `events:read` (and `rentals:read` for the conflict days, which every role holds).
A view is a fixed number of queries whatever its length: one for the events (with their
client), one for their rental totals, and the conflict sweep of `availability.conflicts`
(one aggregate query plus one bookings query). Nothing is computed per day in SQL.

Moving an event goes through `events.update_event`, so it takes the same locks (event row,
then items in id order), makes the same availability check and compare-and-swap, and
raises the same errors.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from avrentals.domain import availability as av
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.models import Category, Client, EquipmentItem, Event, Rental
from avrentals.domain.permissions import Actor, require
from avrentals.domain.services import availability as avs
from avrentals.domain.services import events as ev

VIEWS = ("month", "week")
MAX_RANGE_DAYS = 92  # a view is at most a quarter; longer exports go through the ICS feed
WEEK_DAYS = 7
# Stable event colours (Radix scales); the same event always gets the same one.
PALETTE = ("blue", "teal", "violet", "orange", "cyan", "plum", "grass", "amber", "indigo", "pink")


@dataclass(frozen=True)
class CalendarFilters:
    """Optional narrowing of a calendar: a client's events, events booking an item, events
    booking any item of a category."""

    client_id: uuid.UUID | None = None
    item_id: uuid.UUID | None = None
    category_id: uuid.UUID | None = None


# --- ranges --------------------------------------------------------------------------------


def week_start(day: date) -> date:
    """The Monday of `day`'s week (weeks start on Monday)."""
    return day - timedelta(days=day.weekday())


def visible_range(view: str, anchor: date) -> av.Window:
    """The days a view shows: `week` is Monday..Sunday around `anchor`; `month` is the whole
    weeks (Monday first) covering `anchor`'s month, leading and trailing days included.
    Raises ValidationFailed for an unknown view."""
    if view not in VIEWS:
        raise ValidationFailed({"view": [f"View is one of: {', '.join(VIEWS)}."]})
    if view == "week":
        first = week_start(anchor)
        return av.Window(first, first + timedelta(days=WEEK_DAYS - 1))
    month_first = anchor.replace(day=1)
    next_month = (month_first + timedelta(days=32)).replace(day=1)
    month_last = next_month - timedelta(days=1)
    first = week_start(month_first)
    last = week_start(month_last) + timedelta(days=WEEK_DAYS - 1)
    return av.Window(first, last)


def shift_anchor(view: str, anchor: date, steps: int) -> date:
    """`anchor` moved by `steps` months (month view; day clamped to the month's length) or
    weeks (week view)."""
    if view == "week":
        return anchor + timedelta(days=WEEK_DAYS * steps)
    month_index = anchor.year * 12 + anchor.month - 1 + steps
    year, month = divmod(month_index, 12)
    first = date(year, month + 1, 1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return first.replace(day=min(anchor.day, last.day))


def check_range(window: av.Window) -> av.Window:
    """Refuse (ValidationFailed on `end_date`) a range longer than MAX_RANGE_DAYS."""
    if window.days > MAX_RANGE_DAYS:
        raise ValidationFailed(
            {"end_date": [f"The calendar shows at most {MAX_RANGE_DAYS} days at a time."]}
        )
    return window


def event_color(event_id: Any) -> str:
    """A colour from PALETTE that depends only on the event id."""
    return PALETTE[uuid.UUID(str(event_id)).int % len(PALETTE)]


# --- queries -------------------------------------------------------------------------------


def filter_conditions(filters: CalendarFilters) -> list[Any]:
    """SQL conditions on Event for the filters (EXISTS sub-queries for item and category, so
    an event booking several matching items still appears once)."""
    conditions: list[Any] = []
    if filters.client_id is not None:
        conditions.append(col(Event.client_id) == filters.client_id)
    if filters.item_id is not None:
        conditions.append(
            sa.exists().where(
                col(Rental.event_id) == col(Event.id),
                col(Rental.equipment_id) == filters.item_id,
            )
        )
    if filters.category_id is not None:
        conditions.append(
            sa.exists().where(
                col(Rental.event_id) == col(Event.id),
                col(EquipmentItem.id) == col(Rental.equipment_id),
                col(EquipmentItem.category_id) == filters.category_id,
            )
        )
    return conditions


def events_between(
    session: Session, window: av.Window, filters: CalendarFilters, *, today: date
) -> list[dict[str, Any]]:
    """Events whose own dates (not their buffers) overlap `window`, with client name, status,
    colour and rental totals; ordered by start date, then name. Two queries."""
    stmt = (
        select(Event, Client.name)
        .join(Client, col(Client.id) == col(Event.client_id))
        .where(
            col(Event.start_date) <= window.end,
            col(Event.end_date) >= window.start,
            *filter_conditions(filters),
        )
        .order_by(col(Event.start_date), col(Event.name), col(Event.id))
    )
    found = session.exec(stmt).all()
    totals: dict[uuid.UUID, tuple[int, int]] = {}
    if found:
        ids = [event.id for event, _name in found]
        rows = session.execute(
            sa.select(
                col(Rental.event_id),
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(Rental.quantity), 0),
            )
            .where(col(Rental.event_id).in_(ids))
            .group_by(col(Rental.event_id))
        ).all()
        totals = {event_id: (int(lines), int(units)) for event_id, lines, units in rows}
    result = []
    for event, client_name in found:
        lines, units = totals.get(event.id, (0, 0))
        blocked = avs.event_window(event)
        result.append(
            {
                "id": str(event.id),
                "name": event.name,
                "client_id": str(event.client_id),
                "client_name": client_name,
                "location": event.location,
                "start_date": event.start_date.isoformat(),
                "end_date": event.end_date.isoformat(),
                "prep_days": event.prep_days,
                "return_days": event.return_days,
                "blocked_from": blocked.start.isoformat(),
                "blocked_to": blocked.end.isoformat(),
                "notes": event.notes,
                "version": event.version,
                "status": ev.event_status(event.start_date, event.end_date, today),
                "color": event_color(event.id),
                "lines": lines,
                "units": units,
            }
        )
    return result


def _conflict_scope(
    session: Session, filters: CalendarFilters
) -> tuple[set[str] | None, set[str] | None]:
    """(item ids, event ids) a filtered calendar's conflict days are limited to; None = all."""
    items: set[str] | None = None
    if filters.item_id is not None:
        items = {str(filters.item_id)}
    elif filters.category_id is not None:
        ids = session.scalars(
            sa.select(col(EquipmentItem.id)).where(
                col(EquipmentItem.category_id) == filters.category_id
            )
        )
        items = {str(i) for i in ids}
    events: set[str] | None = None
    if filters.client_id is not None:
        ids = session.scalars(
            sa.select(col(Event.id)).where(col(Event.client_id) == filters.client_id)
        )
        events = {str(i) for i in ids}
    return items, events


def conflict_days(
    session: Session, actor: Actor, window: av.Window, filters: CalendarFilters
) -> dict[str, list[dict[str, Any]]]:
    """Overbooked days of `window` (from `availability.conflicts`), keyed by ISO date, each a
    list of `{item, booked, bookable, events}`. With an item or category filter only those
    items count; with a client filter only conflicts involving one of the client's events."""
    found = avs.conflicts(session, actor, window)
    items, events = _conflict_scope(session, filters) if found else (None, None)
    days: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for conflict in found:
        if items is not None and conflict["item"]["id"] not in items:
            continue
        if events is not None and not any(e["eventId"] in events for e in conflict["events"]):
            continue
        days[conflict["date"]].append(conflict)
    return dict(days)


def calendar_view(
    session: Session,
    actor: Actor,
    window: av.Window,
    filters: CalendarFilters | None = None,
    *,
    today: date | None = None,
) -> dict[str, Any]:
    """What a calendar shows for `window` (at most MAX_RANGE_DAYS days):
    `{start_date, end_date, events: [...], conflicts: {iso date: [...]}}` (see
    `events_between`, `conflict_days`). Needs `events:read` and `rentals:read`; raises
    ValidationFailed for a longer range. Read-only, no locks."""
    require(actor, "events:read")
    require(actor, "rentals:read")
    check_range(window)
    filters = filters or CalendarFilters()
    today = today or date.today()
    return {
        "start_date": window.start.isoformat(),
        "end_date": window.end.isoformat(),
        "events": events_between(session, window, filters, today=today),
        "conflicts": conflict_days(session, actor, window, filters),
    }


def events_on(view: dict[str, Any], day: date) -> list[dict[str, Any]]:
    """The events of a `calendar_view` result that take place on `day`."""
    iso = day.isoformat()
    return [e for e in view["events"] if e["start_date"] <= iso <= e["end_date"]]


# --- moving --------------------------------------------------------------------------------


def parse_day(value: Any) -> date | None:
    """A date from a date or a `YYYY-MM-DD` string (untrusted input), else None."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) <= 10:
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def move_event(
    session: Session, actor: Actor, event_id: uuid.UUID, version: int, new_start: Any
) -> Event:
    """Move an event so it starts on `new_start`, keeping its length and buffers (a calendar
    drag or the "Move…" action). Runs `events.update_event` in the caller's transaction: it
    locks the event row, then the event's items in id order, checks availability over the
    newly blocked days (the event itself excluded), and compare-and-swaps on `version`.
    Needs `events:write`. Raises ValidationFailed (`start_date`), NotFound, VersionConflict,
    RentalConflict (nothing written)."""
    require(actor, "events:write")
    start = parse_day(new_start)
    if start is None:
        raise ValidationFailed({"start_date": ["Start date is required (YYYY-MM-DD)."]})
    event = ev.get_event(session, actor, event_id)
    length = event.end_date - event.start_date
    return ev.update_event(
        session,
        actor,
        event_id,
        version,
        {"start_date": start, "end_date": start + length},
    )


MAX_OPTIONS = 1000


def filter_options(session: Session, actor: Actor) -> dict[str, list[dict[str, str]]]:
    """Choices for the calendar's filters, by name: `{clients, categories, items}` of
    `{id, name}` (at most MAX_OPTIONS each). Needs `events:read`. Three queries."""
    require(actor, "events:read")

    def pairs(id_col: Any, name_col: Any) -> list[dict[str, str]]:
        rows = session.execute(
            sa.select(id_col, name_col).order_by(name_col, id_col).limit(MAX_OPTIONS)
        ).all()
        return [{"id": str(i), "name": n} for i, n in rows]

    return {
        "clients": pairs(col(Client.id), col(Client.name)),
        "categories": pairs(col(Category.id), col(Category.name)),
        "items": pairs(col(EquipmentItem.id), col(EquipmentItem.name)),
    }
