"""The reports page (/reports, `reports:read`): revenue by month, top clients and items over a
period, and utilisation per category (chart) and per item (paged table).

Also holds the pure display helpers the dashboard shares (`revenue_points`, `client_rows`,
`item_rows`, `utilisation_display`): service payloads in, the strings and chart numbers the
page shows out. The figures themselves all come from the services' SQL aggregates; nothing
here adds rows up.

Reads run in a worker thread with the re-verified Actor; the services refuse roles without
`reports:read`. Handlers validate their arguments (month choices, ISO dates, period length,
known category). Live refreshes arrive through `_apply_changes` (called by
`avrentals.ui.live`, never by a client).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session
from avrentals.domain import availability as av
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import reports as reports_service
from avrentals.domain.services import utilisation as utilisation_service
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui import routes
from avrentals.ui.state.formatting import (
    count_text,
    format_count,
    format_eur,
    format_period,
    month_name,
    tab_language,
)
from avrentals.ui.state.listing import PagingMixin, live_context, verified_actor, verified_reload
from avrentals.ui.state.timeline import parse_day, range_problem, read_range

ALL_CATEGORIES = "all"
MONTH_CHOICES = ("3", "6", "12", "24")
REPORT_PERIOD_DAYS = 90
REPORT_LIST_LIMIT = 10
ITEMS_PAGE_SIZE = 20
# Bookings, stock and accepted quotes move these figures.
LIVE_ENTITIES = frozenset(
    {"rental", "event", "equipment", "availability", "quote", "client", "category", "maintenance"}
)


# --- display (pure) --------------------------------------------------------------------------


def percent(value: str | None) -> str:
    """A 4-decimal fraction string as "47.8%" ("—" when there is none)."""
    if value is None:
        return "\u2014"
    try:
        return f"{Decimal(value) * 100:.1f}%"
    except (InvalidOperation, ValueError):
        return "\u2014"


def percent_number(value: str | None) -> float:
    """The same fraction as a chart value in percent (0 when there is none)."""
    try:
        return round(float(Decimal(value or "0") * 100), 1)
    except (InvalidOperation, ValueError):
        return 0.0


def month_label(row: dict[str, Any], language: str, *, short: bool = False) -> str:
    """A revenue month ("2026-03") as "Mar 2026" ("Mar" when `short`) in `language`; the
    service's own label when the key is not a month."""
    try:
        year, month = (int(part) for part in str(row["month"]).split("-")[:2])
        first = date(year, month, 1)
    except (KeyError, TypeError, ValueError):
        return str(row.get("label", ""))[: 3 if short else None]
    name = month_name(first, language)
    return name if short else translate("calendar.date.month_year", language, month=name, year=year)


def revenue_points(
    rows: list[dict[str, Any]], language: str = DEFAULT_LANGUAGE
) -> list[dict[str, Any]]:
    """`monthly_revenue` rows as chart points: short label, amount (a number, for the bar's
    height only) and the formatted amount."""
    return [
        {
            "month": r["month"],
            "label": month_label(r, language),
            "short": month_label(r, language, short=True),
            "revenue": float(r["revenue"]),
            "text": format_eur(r["revenue"], language),
            "quotes": count_text(int(r["quotes"]), "clients.count.quote", language),
        }
        for r in rows
    ]


def revenue_total(rows: list[dict[str, Any]], language: str = DEFAULT_LANGUAGE) -> str:
    """The chart's total for its caption (the months' SQL sums, added for display); "" when
    nothing was accepted (the chart then shows its empty state)."""
    total = sum((Decimal(r["revenue"]) for r in rows), Decimal("0"))
    return format_eur(total, language) if total else ""


def client_rows(
    rows: list[dict[str, Any]], language: str = DEFAULT_LANGUAGE
) -> list[dict[str, str]]:
    return [
        {
            "id": r["id"],
            "rank": str(n),
            "name": r["name"],
            "revenue": format_eur(r["revenue"], language),
            "quotes": count_text(int(r["quotes"]), "reports.count.accepted_quote", language),
        }
        for n, r in enumerate(rows, start=1)
    ]


def item_rows(rows: list[dict[str, Any]], language: str = DEFAULT_LANGUAGE) -> list[dict[str, str]]:
    return [
        {
            "id": r["id"],
            "rank": str(n),
            "name": r["name"],
            "category": r["categoryName"],
            "unit_days": count_text(int(r["unitDays"]), "reports.count.unit_day", language),
            "rentals": count_text(int(r["rentals"]), "reports.count.rental", language),
        }
        for n, r in enumerate(rows, start=1)
    ]


def figure_text(figures: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    return translate(
        "reports.utilisation.figures",
        language,
        booked=format_count(figures["bookedUnitDays"], language),
        bookable=format_count(figures["bookableUnitDays"], language),
    )


def utilisation_display(data: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """`utilisation.utilisation` output as chart points and table rows."""
    overall = data["overall"]
    return {
        "overall": {
            "percent": percent(overall["utilisation"]),
            "detail": figure_text(overall, language),
            "period": format_period(data["startDate"], data["endDate"], language),
        },
        "categories": [
            {
                "id": c["categoryId"],
                "name": c["categoryName"],
                "value": percent_number(c["utilisation"]),
                "percent": percent(c["utilisation"]),
                "detail": figure_text(c, language),
                "items": count_text(int(c["items"]), "reports.count.item", language),
            }
            for c in data["categories"]
        ],
        "items": [
            {
                "id": i["id"],
                "name": i["name"],
                "category": i["categoryName"],
                "percent": percent(i["utilisation"]),
                "value": percent_number(i["utilisation"]),
                "booked": format_count(i["bookedUnitDays"], language),
                "bookable": format_count(i["bookableUnitDays"], language),
                "good": translate(
                    "reports.utilisation.good_of", language, good=i["good"], quantity=i["quantity"]
                ),
            }
            for i in data["items"]
        ],
    }


def default_report_period(today: date | None = None) -> av.Window:
    """The last REPORT_PERIOD_DAYS days up to and including today."""
    end = today or date.today()
    return av.Window(end - timedelta(days=REPORT_PERIOD_DAYS - 1), end)


def check_period(first: date, last: date) -> av.Window:
    """A period both the utilisation and the top lists accept (raises ValidationFailed)."""
    return utilisation_service.read_period(first, last)


def category_uuid(value: str) -> uuid.UUID | None:
    if value == ALL_CATEGORIES:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


@dataclass(frozen=True)
class ReportQuery:
    months: int
    window: av.Window
    category_id: uuid.UUID | None
    page: int


def _read(session: Any, actor: Actor, q: ReportQuery) -> dict[str, Any]:
    util = utilisation_service.utilisation(
        session,
        actor,
        q.window,
        category_id=q.category_id,
        paging=PageRequest(q.page, ITEMS_PAGE_SIZE),
    )
    if not util["items"] and util["total"] and q.page > util["totalPages"]:
        util = utilisation_service.utilisation(
            session,
            actor,
            q.window,
            category_id=q.category_id,
            paging=PageRequest(util["totalPages"], ITEMS_PAGE_SIZE),
        )
    return {
        "revenue": reports_service.monthly_revenue(session, actor, q.months),
        "topClients": reports_service.top_clients(session, actor, q.window, REPORT_LIST_LIMIT),
        "topItems": reports_service.top_items(session, actor, q.window, REPORT_LIST_LIMIT),
        "utilisation": util,
    }


def _fetch(actor: Actor, q: ReportQuery) -> dict[str, Any]:
    with read_session() as session:
        return _read(session, actor, q)


def _live_fetch(token: str, ip: str | None, user_agent: str | None, q: ReportQuery):
    with read_session() as session:
        return _read(session, verified_actor(session, token, ip, user_agent), q)


def on_path(state: rx.State, path: str) -> bool:
    """Whether this tab has `path` open ("/" included)."""
    return (state.router.url.path.rstrip("/") or "/") == path


class ReportsState(PagingMixin, rx.State):
    """The reports of one tab: months of revenue, the period, the category filter, the top
    lists and one page of items' utilisation."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    months: str = "6"
    start: str = ""
    end: str = ""
    category: str = ALL_CATEGORIES
    category_options: list[dict[str, str]] = []

    revenue: list[dict[str, Any]] = []
    revenue_sum: str = ""
    top_clients: list[dict[str, str]] = []
    top_items: list[dict[str, str]] = []
    overall: dict[str, str] = {}
    categories: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []
    total_items: int = 0

    loading: bool = False
    loaded: bool = False
    error: str = ""
    range_error: str = ""

    @rx.var
    async def period_label(self) -> str:
        if not (self.start and self.end):
            return ""
        return format_period(self.start, self.end, await tab_language(self))

    @rx.var
    def first_item(self) -> int:
        """Number of the first item shown (the page shows "Items 1-20 of 45")."""
        return (self.page - 1) * ITEMS_PAGE_SIZE + 1 if self.total_items else 0

    @rx.var
    def last_item(self) -> int:
        return min(self.page * ITEMS_PAGE_SIZE, self.total_items)

    def _query(self) -> ReportQuery:
        fallback = default_report_period()
        first = parse_day(self.start) or fallback.start
        last = parse_day(self.end) or fallback.end
        window = av.Window(first, last) if last >= first else fallback
        months = int(self.months) if self.months in MONTH_CHOICES else 6
        return ReportQuery(months, window, category_uuid(self.category), max(1, self.page))

    def _apply(self, data: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> None:
        util = data["utilisation"]
        shown = utilisation_display(util, language)
        self.revenue = revenue_points(data["revenue"], language)
        self.revenue_sum = revenue_total(data["revenue"], language)
        self.top_clients = client_rows(data["topClients"], language)
        self.top_items = item_rows(data["topItems"], language)
        self.overall = shown["overall"]
        self.categories = shown["categories"]
        self.items = shown["items"]
        self.page = util["page"]
        self.total_pages = util["totalPages"]
        self.total_items = util["total"]
        if self.category == ALL_CATEGORIES:
            self.category_options = [
                {"id": c["id"], "name": c["name"]} for c in shown["categories"]
            ]
        self.loaded = True

    async def _reload(self, actor: Actor) -> None:
        data = await read_range(self, _fetch, actor, self._query())
        if data is not None:
            self._apply(data, await tab_language(self))

    async def _reload_verified(self):
        async for update in verified_reload(self, self._reload):
            yield update

    # --- event handlers ----------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /reports: re-verify the token, then read every report (default
        period: the last 90 days). No arguments."""
        if not parse_day(self.start) or not parse_day(self.end):
            window = default_report_period()
            self.start, self.end = window.start.isoformat(), window.end.isoformat()
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_months(self, value: str):
        """Months of revenue shown: one of 3, 6, 12, 24."""
        if value not in MONTH_CHOICES:
            return
        self.months = value
        async for update in self._reload_verified():
            yield update

    async def _show(self, start: Any, end: Any):
        problem = range_problem(start, end, check_period)
        if problem:
            self.range_error = problem
            return
        self.start, self.end = str(parse_day(start)), str(parse_day(end))
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_start(self, value: str):
        """First day of the period (ISO date)."""
        async for update in self._show(value, self.end):
            yield update

    @rx.event
    async def set_end(self, value: str):
        """Last day of the period (ISO date; at most 366 days after the first)."""
        async for update in self._show(self.start, value):
            yield update

    @rx.event
    async def reset_period(self):
        """Back to the last 90 days. No arguments."""
        window = default_report_period()
        async for update in self._show(window.start.isoformat(), window.end.isoformat()):
            yield update

    @rx.event
    async def set_category(self, value: str):
        """Utilisation of one category (a category id from the list) or "all"."""
        known = {c["id"] for c in self.category_options}
        if not isinstance(value, str) or (value != ALL_CATEGORIES and value not in known):
            return
        self.category = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-read the reports after committed changes that move them, if this tab has the
        page open."""
        relevant = [c for c in changes if c.entity in LIVE_ENTITIES]
        if not relevant or not self.loaded or not on_path(self, routes.REPORTS):
            return
        token, ip, user_agent, _own = await live_context(self)
        if not token:
            return
        try:
            data = await asyncio.to_thread(_live_fetch, token, ip, user_agent, self._query())
        except DomainError:  # Unauthorized included: their next event redirects
            return
        self._apply(data, await tab_language(self))
