"""Revenue and top lists for Admins and Managers (`reports:read`).

Rules (each figure is one SQL aggregate; nothing is summed in Python):

- **Revenue** of a month = Σ `total` (tax included, after discounts and fees) of the quotes
  in status `Accepted` whose **start date** falls in that month. Sent, Draft, Declined and
  Archived quotes never count. `monthly_revenue(months=n)` answers the current month and the
  n - 1 before it, oldest first, every month present (0.00 when nothing was accepted).
- **Top clients** = the clients (client records linked to the quotes) with the highest Σ of
  Accepted quote totals whose start date lies in the period; quotes with only typed client
  fields (no client record) are not attributed to anyone. Ties: more quotes first, then
  name.
- **Top items** = the equipment most rented over the period, ranked by **rented unit-days**:
  Σ over its rentals of `quantity * event days inside the period` (the event's own days,
  start to end, without the prep/return buffers: the days the client has the gear). Ties:
  more rentals, then name. The rental count (rentals whose event days meet the period) is
  reported alongside.

Periods are inclusive calendar days; the default period is the revenue window (the first day
of the month `months - 1` months ago to the last day of the current month). Reads only: no
locks. Every function needs `reports:read` (raises Forbidden) and raises ValidationFailed for
a bad period or count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from avrentals.domain import availability as av
from avrentals.domain.enums import QuoteStatus
from avrentals.domain.errors import ValidationFailed
from avrentals.domain.models import Category, Client, EquipmentItem, Event, Quote, Rental
from avrentals.domain.permissions import Actor, require

CENT = Decimal("0.01")
DEFAULT_MONTHS = 6
MAX_MONTHS = 36
TOP_LIMIT = 5
MAX_TOP_LIMIT = 50
# Top lists read at most the span of the longest revenue chart.
MAX_REPORT_DAYS = MAX_MONTHS * 31


def money(value: Any) -> str:
    """A summed amount as the wire's two-decimal string."""
    return f"{Decimal(str(value or 0)).quantize(CENT)}"


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return self.shift(1).first - timedelta(days=1)

    def shift(self, months: int) -> Month:
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)


def read_months(value: Any) -> int:
    """A month count from untrusted input, 1 to MAX_MONTHS; raises ValidationFailed."""
    try:
        months = int(value)
        if isinstance(value, bool) or not 1 <= months <= MAX_MONTHS:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationFailed(
            {"months": [f"months must be an integer from 1 to {MAX_MONTHS}"]}
        ) from None
    return months


def read_limit(value: Any) -> int:
    """A top-list length from untrusted input, 1 to MAX_TOP_LIMIT; raises ValidationFailed."""
    try:
        limit = int(value)
        if isinstance(value, bool) or not 1 <= limit <= MAX_TOP_LIMIT:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationFailed(
            {"limit": [f"limit must be an integer from 1 to {MAX_TOP_LIMIT}"]}
        ) from None
    return limit


def month_range(months: int, today: date | None = None) -> list[Month]:
    """The current month and the `months - 1` before it, oldest first."""
    today = today or date.today()
    current = Month(today.year, today.month)
    return [current.shift(-n) for n in range(months - 1, -1, -1)]


def default_period(months: int = DEFAULT_MONTHS, today: date | None = None) -> av.Window:
    """The revenue window: first day of the oldest month to the last day of this month."""
    span = month_range(months, today)
    return av.Window(span[0].first, span[-1].last)


def check_period(window: av.Window) -> av.Window:
    """`window` if it spans at most MAX_REPORT_DAYS days; raises ValidationFailed."""
    if window.days > MAX_REPORT_DAYS:
        raise ValidationFailed(
            {"end_date": [f"The period may span at most {MAX_REPORT_DAYS} days."]}
        )
    return window


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _day(dialect: str, value: date) -> Any:
    """A date parameter as the database compares it (ISO strings on SQLite)."""
    if dialect == "sqlite":
        return sa.literal(value.isoformat(), sa.String)
    return sa.literal(value, sa.Date)


def _month_of(dialect: str, day: Any) -> Any:
    if dialect == "sqlite":
        return sa.func.strftime("%Y-%m", day)
    return sa.func.to_char(day, "YYYY-MM")


def _accepted_in(dialect: str, window: av.Window) -> Any:
    return sa.and_(
        col(Quote.status) == QuoteStatus.ACCEPTED,
        col(Quote.start_date) >= _day(dialect, window.start),
        col(Quote.start_date) <= _day(dialect, window.end),
    )


def monthly_revenue(
    session: Session, actor: Actor, months: int = DEFAULT_MONTHS, today: date | None = None
) -> list[dict[str, Any]]:
    """`[{month: "YYYY-MM", label: "Mar 2026", revenue: "0.00", quotes: n}]`, oldest first,
    for the current month and the `months - 1` before it (see the module rule). One query.
    Needs `reports:read`."""
    require(actor, "reports:read")
    span = month_range(read_months(months), today)
    dialect = _dialect(session)
    month = _month_of(dialect, col(Quote.start_date)).label("month")
    rows = session.execute(
        sa.select(month, sa.func.sum(col(Quote.total)), sa.func.count())
        .where(_accepted_in(dialect, av.Window(span[0].first, span[-1].last)))
        .group_by(month)
    ).all()
    by_month = {key: (total, count) for key, total, count in rows}
    return [
        {
            "month": m.key,
            "label": f"{m.first:%b %Y}",
            "revenue": money(by_month.get(m.key, (0, 0))[0]),
            "quotes": int(by_month.get(m.key, (0, 0))[1]),
        }
        for m in span
    ]


def top_clients(
    session: Session, actor: Actor, window: av.Window, limit: int = TOP_LIMIT
) -> list[dict[str, Any]]:
    """`[{id, name, revenue: "0.00", quotes: n}]`: the `limit` clients with the highest
    Accepted revenue in `window` (see the module rule). One query. Needs `reports:read`."""
    require(actor, "reports:read")
    check_period(window)
    limit = read_limit(limit)
    revenue = sa.func.sum(col(Quote.total)).label("revenue")
    quotes = sa.func.count(col(Quote.id)).label("quotes")
    rows = session.execute(
        sa.select(col(Client.id), col(Client.name), revenue, quotes)
        .join(Quote, col(Quote.client_id) == col(Client.id))
        .where(_accepted_in(_dialect(session), window))
        .group_by(col(Client.id), col(Client.name))
        .order_by(revenue.desc(), quotes.desc(), sa.func.lower(col(Client.name)), col(Client.id))
        .limit(limit)
    ).all()
    return [
        {"id": str(cid), "name": name, "revenue": money(total), "quotes": int(n)}
        for cid, name, total, n in rows
    ]


def _days_between(dialect: str, first: Any, last: Any) -> Any:
    """SQL: inclusive day count from `first` to `last`."""
    if dialect == "sqlite":
        return sa.cast(sa.func.julianday(last) - sa.func.julianday(first), sa.Integer) + 1
    return last - first + 1


def _greatest(dialect: str, a: Any, b: Any) -> Any:
    return sa.func.max(a, b) if dialect == "sqlite" else sa.func.greatest(a, b)


def _least(dialect: str, a: Any, b: Any) -> Any:
    return sa.func.min(a, b) if dialect == "sqlite" else sa.func.least(a, b)


def top_items(
    session: Session, actor: Actor, window: av.Window, limit: int = TOP_LIMIT
) -> list[dict[str, Any]]:
    """`[{id, name, categoryName, unitDays: n, rentals: n}]`: the `limit` items with the most
    rented unit-days in `window` (see the module rule). One query. Needs `reports:read`."""
    require(actor, "reports:read")
    check_period(window)
    limit = read_limit(limit)
    dialect = _dialect(session)
    start, end = _day(dialect, window.start), _day(dialect, window.end)
    inside = _days_between(
        dialect,
        _greatest(dialect, col(Event.start_date), start),
        _least(dialect, col(Event.end_date), end),
    )
    unit_days = sa.func.sum(col(Rental.quantity) * inside).label("unit_days")
    rentals = sa.func.count(col(Rental.id)).label("rentals")
    rows = session.execute(
        sa.select(
            col(EquipmentItem.id), col(EquipmentItem.name), col(Category.name), unit_days, rentals
        )
        .select_from(Rental)
        .join(Event, col(Event.id) == col(Rental.event_id))
        .join(EquipmentItem, col(EquipmentItem.id) == col(Rental.equipment_id))
        .join(Category, col(Category.id) == col(EquipmentItem.category_id))
        .where(col(Event.start_date) <= end, col(Event.end_date) >= start)
        .group_by(col(EquipmentItem.id), col(EquipmentItem.name), col(Category.name))
        .order_by(
            unit_days.desc(),
            rentals.desc(),
            sa.func.lower(col(EquipmentItem.name)),
            col(EquipmentItem.id),
        )
        .limit(limit)
    ).all()
    return [
        {
            "id": str(item_id),
            "name": name,
            "categoryName": category,
            "unitDays": int(days),
            "rentals": int(n),
        }
        for item_id, name, category, days, n in rows
    ]
