"""Equipment utilisation over a period: booked unit-days against bookable unit-days.

The rule, per item X over the inclusive period P (DESIGN §5 for the blocking window):

- every event blocks its rentals from `start_date - prep_days` to `end_date + return_days`
  (the prep and return buffers count as booked: the gear is off the shelf);
- `usage(X, d)` = Σ quantity of X's rentals on the events blocking day d;
- **booked unit-days** = Σ over the days d of P of `min(usage(X, d), bookable(X))`: a day
  overbooked beyond the stock (a conflict) counts the stock, never more;
- **bookable unit-days** = `bookable(X) * days in P`, with `bookable(X)` = the units of X in
  status `good` **now**. Units that are damaged or in maintenance are not bookable, so they
  are left out of both figures (unit status has no history, so today's split applies to the
  whole period; an item whose units are all out of service has 0 bookable unit-days and no
  utilisation figure);
- **utilisation** = booked ÷ bookable (a fraction, 4 decimals), per item, per category
  (Σ booked ÷ Σ bookable of its items) and overall.

Everything is computed by the database in one statement per figure set: a day series
(`generate_series` on PostgreSQL, a recursive CTE on SQLite) joined to the blocking windows of
the rentals that overlap P, summed per item and day, capped at the item's good units, summed
per item, then per category with the grand totals as window aggregates. No loop over rows in
Python. Reads only: no locks, no writes. Needs `reports:read` (raises Forbidden otherwise)
and a period of at most MAX_PERIOD_DAYS days (raises ValidationFailed).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from avrentals.domain import availability as av
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.models import Category, EquipmentItem, Event, Rental
from avrentals.domain.pagination import Page, PageRequest
from avrentals.domain.permissions import Actor, require
from avrentals.domain.services.availability import _shifted, blocks_window

MAX_PERIOD_DAYS = 366
DEFAULT_PERIOD_DAYS = 30
FRACTION = Decimal("0.0001")


def default_period(today: date | None = None) -> av.Window:
    """The last DEFAULT_PERIOD_DAYS days up to and including today."""
    end = today or date.today()
    return av.Window(end - timedelta(days=DEFAULT_PERIOD_DAYS - 1), end)


def read_period(start: date | None, end: date | None) -> av.Window:
    """A utilisation period from untrusted input: both dates, end >= start, at most
    MAX_PERIOD_DAYS days; raises ValidationFailed on `start_date` / `end_date`."""
    errors: dict[str, list[str]] = {}
    if start is None:
        errors["start_date"] = ["Start date is required."]
    if end is None:
        errors["end_date"] = ["End date is required."]
    if start and end and end < start:
        errors["end_date"] = ["End date must be on or after the start date."]
    if start and end and (end - start).days + 1 > MAX_PERIOD_DAYS:
        errors["end_date"] = [f"The period may span at most {MAX_PERIOD_DAYS} days."]
    if errors:
        raise ValidationFailed(errors)
    assert start is not None and end is not None
    return av.Window(start, end)


def fraction(booked: int, bookable: int) -> Decimal | None:
    """booked ÷ bookable rounded half-up to 4 decimals; None when nothing was bookable."""
    if bookable <= 0:
        return None
    return (Decimal(booked) / Decimal(bookable)).quantize(FRACTION, rounding=ROUND_HALF_UP)


def fraction_string(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.4f}"


# --- SQL -----------------------------------------------------------------------------------


def _day_series(dialect: str, window: av.Window) -> Any:
    """A CTE `days(d)`: one row per day of `window`."""
    if dialect == "postgresql":
        series = sa.func.generate_series(
            sa.cast(sa.literal(window.start, sa.Date), sa.Date),
            sa.cast(sa.literal(window.end, sa.Date), sa.Date),
            sa.literal_column("interval '1 day'"),
        )
        return sa.select(sa.cast(series, sa.Date).label("d")).cte("days")
    # SQLite keeps dates as ISO strings, which compare in date order.
    first = sa.select(sa.literal(window.start.isoformat(), sa.String).label("d")).cte(
        "days", recursive=True
    )
    step = sa.select(sa.func.date(first.c.d, "+1 day")).where(
        first.c.d < sa.literal(window.end.isoformat(), sa.String)
    )
    return first.union_all(step)


def _least(dialect: str, a: Any, b: Any) -> Any:
    return sa.func.min(a, b) if dialect == "sqlite" else sa.func.least(a, b)


def booked_per_item(dialect: str, window: av.Window) -> Any:
    """CTE `booked(item_id, booked)`: per item, Σ over the days of `window` of
    min(usage, good units), for the items booked at all in the window."""
    days = _day_series(dialect, window)
    blocking = (
        sa.select(
            col(Rental.equipment_id).label("item_id"),
            col(Rental.quantity).label("qty"),
            _shifted(dialect, col(Event.start_date), col(Event.prep_days), -1).label("bfrom"),
            _shifted(dialect, col(Event.end_date), col(Event.return_days), +1).label("bto"),
        )
        .join(Event, col(Event.id) == col(Rental.event_id))
        .where(blocks_window(dialect, window))
        .cte("blocking")
    )
    daily = (
        sa.select(
            blocking.c.item_id,
            days.c.d,
            sa.func.sum(blocking.c.qty).label("usage"),
        )
        .select_from(blocking.join(days, days.c.d.between(blocking.c.bfrom, blocking.c.bto)))
        .group_by(blocking.c.item_id, days.c.d)
        .cte("daily")
    )
    return (
        sa.select(
            daily.c.item_id,
            sa.func.sum(_least(dialect, daily.c.usage, col(EquipmentItem.qty_good))).label(
                "booked"
            ),
        )
        .join(EquipmentItem, col(EquipmentItem.id) == daily.c.item_id)
        .group_by(daily.c.item_id)
        .cte("booked")
    )


def per_item_statement(
    dialect: str, window: av.Window, category_id: uuid.UUID | None = None
) -> Any:
    """CTE `per_item`: every item (optionally of one category) with its booked and bookable
    unit-days over `window`."""
    booked = booked_per_item(dialect, window)
    stmt = (
        sa.select(
            col(EquipmentItem.id).label("id"),
            col(EquipmentItem.name).label("name"),
            col(EquipmentItem.category_id).label("category_id"),
            col(Category.name).label("category_name"),
            col(EquipmentItem.quantity).label("quantity"),
            col(EquipmentItem.qty_good).label("good"),
            sa.func.coalesce(booked.c.booked, 0).label("booked"),
            (col(EquipmentItem.qty_good) * window.days).label("bookable"),
        )
        .join(Category, col(Category.id) == col(EquipmentItem.category_id))
        .outerjoin(booked, booked.c.item_id == col(EquipmentItem.id))
    )
    if category_id is not None:
        stmt = stmt.where(col(EquipmentItem.category_id) == category_id)
    return stmt.cte("per_item")


def _ratio(booked: Any, bookable: Any) -> Any:
    """SQL booked ÷ bookable for ordering (-1 when nothing is bookable: sorts last)."""
    return sa.func.coalesce(
        sa.cast(booked, sa.Float) / sa.func.nullif(bookable, 0), sa.literal(-1.0)
    )


def items_statement(
    dialect: str, window: av.Window, category_id: uuid.UUID | None, paging: PageRequest
) -> Any:
    """One page of items, highest utilisation first, with the number of items matching as
    `total` on every row (a window aggregate)."""
    per_item = per_item_statement(dialect, window, category_id)
    return (
        sa.select(
            per_item.c.id,
            per_item.c.name,
            per_item.c.category_id,
            per_item.c.category_name,
            per_item.c.quantity,
            per_item.c.good,
            per_item.c.booked,
            per_item.c.bookable,
            sa.func.count().over().label("total"),
        )
        .order_by(
            _ratio(per_item.c.booked, per_item.c.bookable).desc(),
            per_item.c.booked.desc(),
            sa.func.lower(per_item.c.name),
            per_item.c.id,
        )
        .offset(paging.offset)
        .limit(paging.page_size)
    )


def categories_statement(dialect: str, window: av.Window, category_id: uuid.UUID | None) -> Any:
    """Per category: items, Σ booked, Σ bookable; plus the grand totals over every category
    (window aggregates of the grouped sums) on each row. Highest utilisation first."""
    per_item = per_item_statement(dialect, window, category_id)
    booked = sa.func.sum(per_item.c.booked)
    bookable = sa.func.sum(per_item.c.bookable)
    return (
        sa.select(
            per_item.c.category_id,
            per_item.c.category_name,
            sa.func.count().label("items"),
            booked.label("booked"),
            bookable.label("bookable"),
            sa.func.sum(booked).over().label("total_booked"),
            sa.func.sum(bookable).over().label("total_bookable"),
        )
        .group_by(per_item.c.category_id, per_item.c.category_name)
        .order_by(_ratio(booked, bookable).desc(), sa.func.lower(per_item.c.category_name))
    )


# --- service -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    booked: int
    bookable: int

    @property
    def utilisation(self) -> Decimal | None:
        return fraction(self.booked, self.bookable)

    def payload(self) -> dict[str, Any]:
        return {
            "bookedUnitDays": self.booked,
            "bookableUnitDays": self.bookable,
            "utilisation": fraction_string(self.utilisation),
        }


def utilisation(
    session: Session,
    actor: Actor,
    window: av.Window,
    *,
    category_id: uuid.UUID | None = None,
    paging: PageRequest | None = None,
) -> dict[str, Any]:
    """Utilisation over `window` (see the module docstring for the rule).

    Returns `{startDate, endDate, days, total: {bookedUnitDays, bookableUnitDays,
    utilisation}, categories: [{categoryId, categoryName, items, ...figures}], items: [{id,
    name, categoryId, categoryName, quantity, good, ...figures}], page, pageSize, total...}`
    where `utilisation` is a 4-decimal fraction string (None when nothing was bookable);
    items are one page (default 20), highest utilisation first. Two queries. Needs
    `reports:read`; raises ValidationFailed for a period over MAX_PERIOD_DAYS days.
    """
    require(actor, "reports:read")
    read_period(window.start, window.end)
    paging = paging or PageRequest(1, 20)
    dialect = session.get_bind().dialect.name
    rows = session.execute(items_statement(dialect, window, category_id, paging)).all()
    groups = session.execute(categories_statement(dialect, window, category_id)).all()
    item_total = int(rows[0].total) if rows else _count_items(session, category_id)
    total = (
        Figures(int(groups[0].total_booked), int(groups[0].total_bookable))
        if groups
        else Figures(0, 0)
    )
    return {
        "startDate": window.start.isoformat(),
        "endDate": window.end.isoformat(),
        "days": window.days,
        "overall": total.payload(),
        "categories": [
            {
                "categoryId": str(g.category_id),
                "categoryName": g.category_name,
                "items": int(g.items),
                **Figures(int(g.booked), int(g.bookable)).payload(),
            }
            for g in groups
        ],
        "items": [
            {
                "id": str(r.id),
                "name": r.name,
                "categoryId": str(r.category_id),
                "categoryName": r.category_name,
                "quantity": int(r.quantity),
                "good": int(r.good),
                **Figures(int(r.booked), int(r.bookable)).payload(),
            }
            for r in rows
        ],
        **Page([], paging.page, paging.page_size, item_total).meta(),
    }


def _count_items(session: Session, category_id: uuid.UUID | None) -> int:
    """Items matching (for a page past the end, which has no row to carry the count)."""
    stmt = sa.select(sa.func.count()).select_from(EquipmentItem)
    if category_id is not None:
        stmt = stmt.where(col(EquipmentItem.category_id) == category_id)
    return int(session.execute(stmt).scalar_one())
