"""The dashboard (/): greeting, stat cards, the user's events this week and, for Admins and
Managers, revenue, top clients, top items and utilisation over a chosen period.

Everything is read with `dashboard.dashboard` (one call, SQL aggregates) in a worker thread
with the re-verified Actor; the utilisation period picker re-reads only the utilisation
(`utilisation.utilisation`). The report panels exist only when the service returned them
(roles with `reports:read`): the browser of any other role never receives a figure.

The greeting follows the browser's clock: `load` asks the browser for its local hour
(`set_hour`, validated 0-23). Handlers validate their arguments (ISO dates, period length).
Live refreshes arrive through `_apply_changes` (called by `avrentals.ui.live`, never by a
client) whenever stock, bookings, clients or quotes change.
"""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session
from avrentals.domain import availability as av
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import dashboard as dashboard_service
from avrentals.domain.services import utilisation as utilisation_service
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui import routes
from avrentals.ui.state.formatting import count_text, format_count, format_period, tab_language
from avrentals.ui.state.listing import live_context, verified_actor, verified_reload
from avrentals.ui.state.reports import (
    check_period,
    client_rows,
    item_rows,
    on_path,
    revenue_points,
    revenue_total,
    utilisation_display,
)
from avrentals.ui.state.timeline import parse_day, range_problem, read_range

LIVE_ENTITIES = frozenset(
    {
        "equipment",
        "category",
        "client",
        "event",
        "rental",
        "availability",
        "quote",
        "maintenance",
    }
)
# Event status -> catalogue key of its label (the page translates it).
STATUS_LABELS = {
    "upcoming": "dashboard.event_status.upcoming",
    "ongoing": "dashboard.event_status.ongoing",
    "completed": "dashboard.event_status.completed",
}


def greeting_key(hour: int) -> str:
    """The catalogue key of the greeting: "Good morning" (5-11), "Good afternoon" (12-17),
    "Good evening" (18-4); "Hello" when the hour is unknown."""
    if not 0 <= hour <= 23:
        return "dashboard.greeting.hello"
    if 5 <= hour < 12:
        return "dashboard.greeting.morning"
    if 12 <= hour < 18:
        return "dashboard.greeting.afternoon"
    return "dashboard.greeting.evening"


def greeting_for(hour: int, language: str = DEFAULT_LANGUAGE) -> str:
    """The greeting for `hour` in `language`."""
    return translate(greeting_key(hour), language)


def display_cards(cards: dict[str, int], language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The stat cards' numbers and captions in `language` (pure)."""

    def items(n: int) -> str:
        return count_text(n, "reports.count.item", language)

    return {
        "equipment": format_count(cards["equipmentUnits"], language),
        "equipment_note": translate(
            "dashboard.card.equipment_note", language, items=items(cards["equipmentItems"])
        ),
        "clients": format_count(cards["clients"], language),
        "clients_note": translate("dashboard.card.clients_note", language),
        "upcoming": format_count(cards["upcomingEvents"], language),
        "upcoming_note": translate("dashboard.card.upcoming_note", language),
        "maintenance": format_count(cards["maintenanceUnits"], language),
        "maintenance_note": (
            translate(
                "dashboard.card.maintenance_note", language, items=items(cards["maintenanceItems"])
            )
            if cards["maintenanceUnits"]
            else translate("dashboard.card.maintenance_ok", language)
        ),
    }


def display_events(
    events: list[dict[str, Any]], language: str = DEFAULT_LANGUAGE
) -> list[dict[str, str]]:
    return [
        {
            "id": e["id"],
            "name": e["name"],
            "client": e["clientName"],
            "location": e["location"],
            "period": format_period(e["startDate"], e["endDate"], language),
            "status": e["status"],
            "status_label": STATUS_LABELS.get(e["status"], e["status"]),
        }
        for e in events
    ]


def default_period(today: date | None = None) -> av.Window:
    return utilisation_service.default_period(today)


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def _read_all(actor: Actor, window: av.Window) -> dict[str, Any]:
    with read_session() as session:
        return dashboard_service.dashboard(session, actor, period=window)


def _live_read(token: str, ip: str | None, user_agent: str | None, window: av.Window):
    with read_session() as session:
        actor = verified_actor(session, token, ip, user_agent)
        return dashboard_service.dashboard(session, actor, period=window)


def _read_utilisation(actor: Actor, window: av.Window) -> dict[str, Any]:
    with read_session() as session:
        return utilisation_service.utilisation(
            session,
            actor,
            window,
            paging=PageRequest(1, dashboard_service.DASHBOARD_UTILISATION_ITEMS),
        )


class DashboardState(rx.State):
    """The dashboard of one tab."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    hour: int = -1
    cards: dict[str, str] = {}
    my_events: list[dict[str, str]] = []
    has_reports: bool = False

    revenue: list[dict[str, Any]] = []
    revenue_sum: str = ""
    top_clients: list[dict[str, str]] = []
    top_items: list[dict[str, str]] = []
    start: str = ""
    end: str = ""
    overall: dict[str, str] = {}
    categories: list[dict[str, Any]] = []
    items: list[dict[str, Any]] = []

    loading: bool = False
    loaded: bool = False
    error: str = ""
    range_error: str = ""

    @rx.var
    def greeting_key(self) -> str:
        """The catalogue key of the greeting for the browser's hour (the page shows it)."""
        return greeting_key(self.hour)

    @rx.var
    def greeting(self) -> str:
        """The greeting in English (the reference text; the page shows `greeting_key`)."""
        return greeting_for(self.hour)

    @rx.var
    async def period_label(self) -> str:
        if not (self.start and self.end):
            return ""
        return format_period(self.start, self.end, await tab_language(self))

    def _window(self) -> av.Window:
        first, last = parse_day(self.start), parse_day(self.end)
        if first is None or last is None or last < first:
            return default_period()
        return av.Window(first, last)

    def _apply_utilisation(self, data: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> None:
        shown = utilisation_display(data, language)
        self.start, self.end = data["startDate"], data["endDate"]
        self.overall, self.categories, self.items = (
            shown["overall"],
            shown["categories"],
            shown["items"],
        )

    def _apply(self, data: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> None:
        self.cards = display_cards(data["cards"], language)
        self.my_events = display_events(data["myEvents"], language)
        panels = data["reports"]
        self.has_reports = panels is not None
        if panels is None:  # nothing of the reports stays in this tab
            self.revenue, self.revenue_sum = [], ""
            self.top_clients, self.top_items = [], []
            self.overall, self.categories, self.items = {}, [], []
        else:
            self.revenue = revenue_points(panels["revenue"], language)
            self.revenue_sum = revenue_total(panels["revenue"], language)
            self.top_clients = client_rows(panels["topClients"], language)
            self.top_items = item_rows(panels["topItems"], language)
            self._apply_utilisation(panels["utilisation"], language)
        self.loaded = True

    async def _reload(self, actor: Actor) -> None:
        data = await read_range(self, _read_all, actor, self._window())
        if data is not None:
            self._apply(data, await tab_language(self))

    async def _reload_verified(self):
        async for update in verified_reload(self, self._reload):
            yield update

    # --- event handlers ----------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /: re-verify the token, read the dashboard, and ask the browser for its
        local hour (for the greeting). No arguments."""
        if not parse_day(self.start) or not parse_day(self.end):
            window = default_period()
            self.start, self.end = window.start.isoformat(), window.end.isoformat()
        yield rx.call_script("new Date().getHours()", callback=DashboardState.set_hour)
        async for update in self._reload_verified():
            yield update

    @rx.event
    def set_hour(self, hour: int):
        """The browser's local hour (an integer 0-23; anything else is ignored)."""
        if isinstance(hour, int) and not isinstance(hour, bool) and 0 <= hour <= 23:
            self.hour = hour

    @rx.event
    async def refresh(self):
        """Re-read the dashboard. No arguments."""
        async for update in self._reload_verified():
            yield update

    async def _show(self, start: Any, end: Any):
        problem = range_problem(start, end, check_period)
        if problem:
            self.range_error = problem
            return
        window = av.Window(parse_day(start) or date.today(), parse_day(end) or date.today())

        async def reload(actor: Actor) -> None:
            data = await read_range(self, _read_utilisation, actor, window)
            if data is not None:
                self._apply_utilisation(data, await tab_language(self))

        async for update in verified_reload(self, reload):
            yield update

    @rx.event
    async def set_start(self, value: str):
        """First day of the utilisation period (ISO date); needs `reports:read`."""
        async for update in self._show(value, self.end):
            yield update

    @rx.event
    async def set_end(self, value: str):
        """Last day of the utilisation period (ISO date, at most 366 days on)."""
        async for update in self._show(self.start, value):
            yield update

    @rx.event
    async def last_days(self, days: int):
        """The utilisation period as the last `days` days (7, 30 or 90) up to today."""
        if days not in (7, 30, 90):
            return
        end = date.today()
        start = end - timedelta(days=days - 1)
        async for update in self._show(start.isoformat(), end.isoformat()):
            yield update

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-read the dashboard after committed changes to stock, bookings, clients or
        quotes, if this tab has it open."""
        relevant = [c for c in changes if c.entity in LIVE_ENTITIES]
        if not relevant or not self.loaded or not on_path(self, routes.HOME):
            return
        token, ip, user_agent, _own = await live_context(self)
        if not token:
            return
        try:
            data = await asyncio.to_thread(_live_read, token, ip, user_agent, self._window())
        except DomainError:  # Unauthorized included: their next event redirects
            return
        self._apply(data, await tab_language(self))
