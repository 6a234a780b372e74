"""The availability timeline (items x days) and the grouped conflicts panel (DESIGN §5).

`timeline` answers, for one page of items and a range of at most MAX_TIMELINE_DAYS days, how
many units each item has booked on each day (the same per-day usage as the availability
engine: every event blocks its equipment from `start - prep` to `end + return`) against its
bookable (good) units; a day is a conflict when booked > bookable. It runs a bounded number
of queries whatever the page size or range: a count, the page of items, and one
`load_bookings` for the page's items over the range; the per-day numbers then come from the
pure sweep in `avrentals.domain.availability`.

`conflict_groups` regroups `availability.conflicts` (every overbooked day) by item, with runs
of consecutive days collapsed into spans, for the conflicts panel; `conflict_item_count` is
the small number a navigation badge shows.

Reads only: no locks, no writes. Every function needs `rentals:read` (and `equipment:read`
for the item list) and raises `ValidationFailed` for a bad range or page.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from avrentals.domain import availability as av
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.models import Category, EquipmentItem
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.services.availability import (
    booking_payload,
    conflicts,
    load_bookings,
    read_window,
)
from avrentals.domain.services.equipment import search_condition

MAX_TIMELINE_DAYS = 92
TIMELINE_PAGE_SIZE = 100
MAX_SEARCH_LENGTH = 100
# The conflicts panel and its badge look this far ahead by default.
CONFLICT_HORIZON_DAYS = 90


def timeline_window(start: date | None, end: date | None) -> av.Window:
    """A timeline range from untrusted input: both dates, end >= start, at most
    MAX_TIMELINE_DAYS days; raises ValidationFailed (`start_date` / `end_date`)."""
    window = read_window(start, end)
    if window.days > MAX_TIMELINE_DAYS:
        raise ValidationFailed(
            {"end_date": [f"The timeline shows at most {MAX_TIMELINE_DAYS} days at a time."]}
        )
    return window


def _filters(dialect: str, category_id: uuid.UUID | None, search: str | None) -> list[Any]:
    conditions: list[Any] = []
    if category_id is not None:
        conditions.append(col(EquipmentItem.category_id) == category_id)
    if search and search.strip():
        conditions.append(search_condition(dialect, search[:MAX_SEARCH_LENGTH]))
    return conditions


def _item_page(
    session: Session,
    category_id: uuid.UUID | None,
    search: str | None,
    paging: PageRequest,
) -> Page[Any]:
    """One page of items (id, name, category, quantity, good units), ordered by category
    (position, name) then item name: two queries (count, page)."""
    conditions = _filters(session.get_bind().dialect.name, category_id, search)
    total = session.execute(
        sa.select(sa.func.count()).select_from(EquipmentItem).where(*conditions)
    ).scalar_one()
    rows = session.execute(
        sa.select(
            col(EquipmentItem.id),
            col(EquipmentItem.name),
            col(EquipmentItem.category_id),
            col(Category.name),
            col(EquipmentItem.quantity),
            col(EquipmentItem.qty_good),
        )
        .join(Category, col(Category.id) == col(EquipmentItem.category_id))
        .where(*conditions)
        .order_by(
            col(Category.position),
            col(Category.name),
            sa.func.lower(col(EquipmentItem.name)),
            col(EquipmentItem.id),
        )
        .offset(paging.offset)
        .limit(paging.page_size)
    ).all()
    return Page(list(rows), paging.page, paging.page_size, int(total))


def item_row(
    item_id: uuid.UUID,
    name: str,
    category_id: uuid.UUID,
    category_name: str,
    quantity: int,
    bookable: int,
    bookings: Iterable[av.Booking],
    window: av.Window,
) -> dict[str, Any]:
    """One item's line of the grid (pure): `booked[i]` is the usage on day i of `window`;
    `segments` are the runs of days with the same bookings (only where something is booked),
    each with the events that make it up."""
    booked: list[int] = []
    segments: list[dict[str, Any]] = []
    conflict_days: list[str] = []
    payloads: dict[int, dict[str, Any]] = {}  # one payload per booking, shared by its segments
    for seg in av.segments(list(bookings), window):
        booked.extend([seg.usage] * seg.window.days)
        if seg.usage > bookable:
            conflict_days.extend(d.isoformat() for d in seg.window.dates())
        if seg.usage:
            segments.append(
                {
                    "startDate": seg.window.start.isoformat(),
                    "endDate": seg.window.end.isoformat(),
                    "booked": seg.usage,
                    "conflict": seg.usage > bookable,
                    "events": [
                        payloads.get(id(b)) or payloads.setdefault(id(b), booking_payload(b))
                        for b in seg.bookings
                    ],
                }
            )
    return {
        "id": str(item_id),
        "name": name,
        "categoryId": str(category_id),
        "categoryName": category_name,
        "quantity": quantity,
        "bookable": bookable,
        "booked": booked,
        "peak": max(booked, default=0),
        "conflictDays": conflict_days,
        "segments": segments,
    }


def timeline(
    session: Session,
    actor: Actor,
    window: av.Window,
    *,
    category_id: uuid.UUID | None = None,
    search: str | None = None,
    paging: PageRequest | None = None,
) -> dict[str, Any]:
    """Items x days for `window` (at most MAX_TIMELINE_DAYS days): one page of items (by
    category, then name), optionally of one category and/or matching `search` (name,
    description, asset code).

    Returns `{startDate, endDate, days: [iso], items: [{id, name, categoryId, categoryName,
    quantity, bookable, booked: [units per day, aligned with days], peak, conflictDays: [iso],
    segments: [{startDate, endDate, booked, conflict, events: [booking]}]}], page, pageSize,
    total, totalPages}`. A cell is `booked[i]` of `bookable`, a conflict when greater; the
    numbers equal `item_availability` / `conflicts` day by day. Four queries whatever the
    size. Needs `rentals:read` and `equipment:read`; raises ValidationFailed for a bad range.
    """
    require(actor, "rentals:read")
    require(actor, "equipment:read")
    timeline_window(window.start, window.end)
    paging = paging or PageRequest(1, TIMELINE_PAGE_SIZE)
    page = _item_page(session, category_id, search, paging)
    bookings = load_bookings(session, window, [row[0] for row in page.items])
    items = [
        item_row(item_id, name, cat_id, cat_name, qty, good, bookings.get(item_id, []), window)
        for item_id, name, cat_id, cat_name, qty, good in page.items
    ]
    return {
        "startDate": window.start.isoformat(),
        "endDate": window.end.isoformat(),
        "days": [d.isoformat() for d in window.dates()],
        "items": items,
        **page.meta(),
    }


# --- conflicts panel ----------------------------------------------------------------------


def default_conflict_window(today: date | None = None) -> av.Window:
    """Today through CONFLICT_HORIZON_DAYS days ahead."""
    start = today or date.today()
    return av.Window(start, start + timedelta(days=CONFLICT_HORIZON_DAYS))


def _span(days: list[dict[str, Any]]) -> dict[str, Any]:
    events: dict[str, dict[str, Any]] = {}
    for day in days:
        for booking in day["events"]:
            events.setdefault(booking["rentalId"], booking)
    peak = max(d["booked"] for d in days)
    return {
        "startDate": days[0]["date"],
        "endDate": days[-1]["date"],
        "days": len(days),
        "booked": peak,
        "bookable": days[0]["bookable"],
        "short": peak - days[0]["bookable"],
        "dates": [
            {"date": d["date"], "booked": d["booked"], "bookable": d["bookable"]} for d in days
        ],
        "events": sorted(events.values(), key=lambda b: (b["blockedFrom"], b["eventName"])),
    }


def group_conflicts(days: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Overbooked days (as `availability.conflicts` returns them) grouped by item (by name),
    each with its spans of consecutive days: `[{item: {id, name}, days, worst, spans:
    [{startDate, endDate, days, booked (peak), bookable, short, dates, events}]}]`. Pure."""
    by_item: dict[str, list[dict[str, Any]]] = {}
    names: dict[str, dict[str, str]] = {}
    for day in days:
        by_item.setdefault(day["item"]["id"], []).append(day)
        names[day["item"]["id"]] = day["item"]
    groups = []
    for item_id, item_days in by_item.items():
        item_days.sort(key=lambda d: d["date"])
        runs: list[list[dict[str, Any]]] = []
        for day in item_days:
            previous = runs[-1][-1]["date"] if runs else None
            after = (
                (date.fromisoformat(previous) + timedelta(days=1)).isoformat() if previous else None
            )
            if after == day["date"] and runs[-1][-1]["bookable"] == day["bookable"]:
                runs[-1].append(day)
            else:
                runs.append([day])
        spans = [_span(run) for run in runs]
        groups.append(
            {
                "item": names[item_id],
                "days": len(item_days),
                "worst": max(s["short"] for s in spans),
                "spans": spans,
            }
        )
    groups.sort(key=lambda g: (g["spans"][0]["startDate"], g["item"]["name"], g["item"]["id"]))
    return groups


def conflict_groups(session: Session, actor: Actor, window: av.Window) -> list[dict[str, Any]]:
    """Every overbooked day in `window` (`availability.conflicts`), grouped by item with
    consecutive days collapsed into spans (see `group_conflicts`); items ordered by their
    first conflict. Needs `rentals:read`; raises ValidationFailed for a range over the
    engine's limit."""
    return group_conflicts(conflicts(session, actor, window))


def conflict_item_count(session: Session, actor: Actor, today: date | None = None) -> int:
    """How many items are overbooked on some day from today to CONFLICT_HORIZON_DAYS ahead
    (for a navigation badge). Needs `rentals:read`."""
    days = conflicts(session, actor, default_conflict_window(today))
    return len({d["item"]["id"] for d in days})
