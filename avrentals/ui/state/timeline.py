"""The availability timeline page (/availability): items x days, booked against bookable.

One server-side page of at most 100 items over at most 92 days is read with
`timeline.timeline` (a bounded number of queries) in a worker thread with the re-verified
Actor; the grid gets display-ready strings only (`cells[row][day] = [label, css class,
hover title]`), so the browser renders plain elements. The events behind each day stay in
a backend var (`_segments`) and reach the browser only for the cell the user opens.

Handlers validate every argument (ISO dates, range length, known category, indices); the
service re-checks permissions and the range. Live refreshes arrive through `_apply_changes`
(called by `avrentals.ui.live`, never by a client).
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session
from avrentals.domain import availability as av
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, ValidationFailed
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import equipment as equipment_service
from avrentals.domain.services import timeline as timeline_service
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui import routes
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.calendar import day_label, full_day, weekday_name
from avrentals.ui.state.formatting import count_text, format_period, month_name, tab_language
from avrentals.ui.state.listing import PagingMixin, live_context, verified_actor, verified_reload

ALL_CATEGORIES = "all"
DEFAULT_WEEKS = 4
MAX_SEARCH_LENGTH = 100
LIVE_ENTITIES = frozenset(
    {"rental", "event", "equipment", "availability", "category", "subcategory"}
)


def default_range(today: date | None = None) -> av.Window:
    """This week (from Monday) and the next three: 28 days."""
    today = today or date.today()
    monday = today - timedelta(days=today.weekday())
    return av.Window(monday, monday + timedelta(days=7 * DEFAULT_WEEKS - 1))


def parse_day(value: Any) -> date | None:
    """An ISO date (YYYY-MM-DD) from untrusted input, else None."""
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def field_messages(exc: ValidationFailed) -> str:
    """Every message of a refused input, as one line to show."""
    return " ".join(m for msgs in exc.fields.values() for m in msgs)


async def read_range(state: Any, fetch: Callable[..., Any], *args: Any) -> Any:
    """`fetch(*args)` in a worker thread for a range view; None when refused, with the
    message in `state.range_error` (the range) or `state.error` (anything else), both
    cleared when it succeeds."""
    try:
        result = await asyncio.to_thread(fetch, *args)
    except ValidationFailed as exc:
        state.range_error = field_messages(exc)
        return None
    except DomainError as exc:
        state.error = exc.message
        return None
    state.error = ""
    state.range_error = ""
    return result


def range_problem(
    start: Any,
    end: Any,
    check: Callable[[date, date], object],
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """Why `start`..`end` (untrusted ISO dates) cannot be shown: not two dates (in
    `language`), or refused by `check(first, last)` (which raises ValidationFailed); ""
    when it can."""
    first, last = parse_day(start), parse_day(end)
    if first is None or last is None:
        return translate("timeline.range.pick_dates", language)
    try:
        check(first, last)
    except ValidationFailed as exc:
        return field_messages(exc)
    return ""


def cell_class(booked: int, bookable: int) -> str:
    """Load colour of one cell: free, partly booked, fully booked, or over (a conflict)."""
    if booked > bookable:
        return "over"
    if booked == 0:
        return "free" if bookable else "none"
    return "full" if booked == bookable else "part"


def cell_title(
    name: str,
    day: str,
    booked: int,
    bookable: int,
    events: list[str],
    language: str = DEFAULT_LANGUAGE,
) -> str:
    head = translate(
        "timeline.cell.title",
        language,
        name=name,
        day=day_label(date.fromisoformat(day), language, padded=True),
        booked=booked,
        bookable=bookable,
    )
    if booked > bookable:
        head = translate("timeline.cell.title_over", language, title=head, over=booked - bookable)
    return head + ("\n" + "\n".join(events) if events else "")


def display_grid(
    data: dict[str, Any], today: date, language: str = DEFAULT_LANGUAGE
) -> dict[str, Any]:
    """The service's page as the strings the grid shows (pure), in `language`."""
    days = [date.fromisoformat(d) for d in data["days"]]
    header = [
        {
            "iso": d.isoformat(),
            "dow": weekday_name(d, language, "min"),
            "num": str(d.day),
            "month": month_name(d, language) if d.day == 1 or n == 0 else "",
            "cls": " ".join(
                c for c in ("we" if d.weekday() >= 5 else "", "td" if d == today else "") if c
            ),
        }
        for n, d in enumerate(days)
    ]
    rows, cells, segments = [], [], []
    conflict_cells = 0
    for item in data["items"]:
        bookable = int(item["bookable"])
        rows.append(
            {
                "id": item["id"],
                "name": item["name"],
                "category": item["categoryName"],
                "bookable": str(bookable),
                "conflicts": str(len(item["conflictDays"])),
            }
        )
        names_by_day: dict[int, list[str]] = {}
        for seg in item["segments"]:
            first = (date.fromisoformat(seg["startDate"]) - days[0]).days
            last = (date.fromisoformat(seg["endDate"]) - days[0]).days
            names = [f"{e['eventName']} \u00d7{e['quantity']}" for e in seg["events"]]
            for n in range(first, last + 1):
                names_by_day[n] = names
        row_cells = []
        for n, booked in enumerate(item["booked"]):
            extra = header[n]["cls"]
            cls = cell_class(booked, bookable) + (" " + extra if extra else "")
            label = f"{booked}/{bookable}"
            # Hover text only where something is booked: it is most of the grid's bytes.
            title = (
                cell_title(
                    item["name"], header[n]["iso"], booked, bookable, names_by_day[n], language
                )
                if booked
                else ""
            )
            row_cells.append([label, cls, title])
            conflict_cells += booked > bookable
        cells.append(row_cells)
        segments.append(item["segments"])
    return {
        "header": header,
        "rows": rows,
        "cells": cells,
        "segments": segments,
        "conflict_cells": conflict_cells,
    }


@dataclass(frozen=True)
class GridQuery:
    """What the grid shows, already validated."""

    start: date
    end: date
    category_id: uuid.UUID | None
    search: str
    page: int


def _fetch(actor: Actor, query: GridQuery, with_categories: bool) -> tuple[dict, list | None]:
    with read_session() as session:
        return _fetch_in(session, actor, query, with_categories)


def _fetch_in(session, actor: Actor, query: GridQuery, with_categories: bool):
    window = timeline_service.timeline_window(query.start, query.end)
    categories = equipment_service.list_categories(session, actor) if with_categories else None

    def page(n: int) -> dict[str, Any]:
        return timeline_service.timeline(
            session,
            actor,
            window,
            category_id=query.category_id,
            search=query.search or None,
            paging=PageRequest(n, timeline_service.TIMELINE_PAGE_SIZE),
        )

    data = page(query.page)
    if not data["items"] and data["total"] and query.page > data["totalPages"]:
        data = page(data["totalPages"])  # the list shrank under this page
    return data, categories


def _live_fetch(token: str, ip: str | None, user_agent: str | None, query: GridQuery):
    with read_session() as session:
        actor = verified_actor(session, token, ip, user_agent)
        return _fetch_in(session, actor, query, False)


class TimelineState(PagingMixin, rx.State):
    """The timeline of one tab: range, filters, one page of items and the opened cell."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    start: str = ""
    end: str = ""
    category: str = ALL_CATEGORIES
    categories: list[dict[str, str]] = []
    search: str = ""
    filters_key: str = "0"  # bumped to reset the (uncontrolled) search box
    total: int = 0

    header: list[dict[str, str]] = []
    range_label: str = ""  # "3 Jun - 30 Jun 2026 · 28 days", in the tab's language
    rows: list[dict[str, str]] = []
    cells: list[list[list[str]]] = []
    conflict_cells: int = 0

    loading: bool = False
    loaded: bool = False
    error: str = ""
    range_error: str = ""
    live_notice: str = ""

    # The opened cell (tap / click): its item, day and the events using it.
    cell_open: bool = False
    cell_item: dict[str, str] = {}
    cell_day: str = ""
    cell_summary: str = ""
    cell_events: list[dict[str, str]] = []

    _segments: list[list[dict[str, Any]]] = []
    _language: str = DEFAULT_LANGUAGE  # the language the shown labels were built in

    # --- computed display ------------------------------------------------------------------

    @rx.var
    def grid_columns(self) -> str:
        return f"var(--tl-name-w) repeat({len(self.header)}, var(--tl-cell-w))"

    @rx.var
    def first_shown(self) -> int:
        """Number of the page's first item (for "Items 1-100 of 240")."""
        return (self.page - 1) * timeline_service.TIMELINE_PAGE_SIZE + 1

    @rx.var
    def last_shown(self) -> int:
        return min(self.page * timeline_service.TIMELINE_PAGE_SIZE, self.total)

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.search) or self.category != ALL_CATEGORIES

    # --- helpers -----------------------------------------------------------------------------

    def _query(self) -> GridQuery:
        window = default_range()
        start = parse_day(self.start) or window.start
        end = parse_day(self.end) or window.end
        category_id = None
        if self.category != ALL_CATEGORIES:
            try:
                category_id = uuid.UUID(self.category)
            except ValueError:
                category_id = None
        return GridQuery(start, end, category_id, self.search, max(1, self.page))

    def _apply(self, data: dict[str, Any], categories: list | None, language: str) -> None:
        shown = display_grid(data, date.today(), language)
        self._language = language
        self.start, self.end = data["startDate"], data["endDate"]
        days = (date.fromisoformat(self.end) - date.fromisoformat(self.start)).days + 1
        self.range_label = translate(
            "timeline.range.label",
            language,
            period=format_period(self.start, self.end, language),
            days=count_text(days, "timeline.range.days", language),
        )
        self.header = shown["header"]
        self.rows = shown["rows"]
        self.cells = shown["cells"]
        self._segments = shown["segments"]
        self.conflict_cells = shown["conflict_cells"]
        self.page = data["page"]
        self.total = data["total"]
        self.total_pages = data["totalPages"]
        if categories is not None:
            self.categories = [{"id": c["id"], "name": c["name"]} for c in categories]
            if self.category not in {c["id"] for c in self.categories}:
                self.category = ALL_CATEGORIES
        self.loaded = True

    async def _reload(self, actor: Actor, *, with_categories: bool = False) -> None:
        read = await read_range(self, _fetch, actor, self._query(), with_categories)
        if read is not None:
            self._apply(*read, await tab_language(self))

    async def _reload_verified(self, *, with_categories: bool = False):
        reload = functools.partial(self._reload, with_categories=with_categories)
        async for update in verified_reload(self, reload):
            yield update

    # --- event handlers ----------------------------------------------------------------------

    @rx.event
    async def relabel(self):
        """The tab's language changed (or the page mounted): rebuild the labels in it when
        they were built in another one. No arguments."""
        if not self.loaded or await tab_language(self) == self._language:
            return
        self.cell_open = False
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def load(self):
        """on_load of /availability: re-verify the token, then read the categories and the
        grid (default range: this week and the next three). No arguments."""
        if not parse_day(self.start) or not parse_day(self.end):
            window = default_range()
            self.start, self.end = window.start.isoformat(), window.end.isoformat()
        self.live_notice = ""
        self.cell_open = False
        async for update in self._reload_verified(with_categories=True):
            yield update

    async def _show_range(self, start: Any, end: Any):
        problem = range_problem(
            start, end, timeline_service.timeline_window, await tab_language(self)
        )
        if problem:
            self.range_error = problem
            return
        self.start, self.end, self.page = str(parse_day(start)), str(parse_day(end)), 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_range(self, start: str, end: str):
        """Show `start`..`end` (ISO dates; at most 92 days): errors are shown next to the
        range picker and the grid stays as it was."""
        async for update in self._show_range(start, end):
            yield update

    @rx.event
    async def set_start(self, value: str):
        """Start date from the picker (ISO); keeps the range length when it would end before
        it starts or exceed 92 days."""
        first, last = parse_day(value), parse_day(self.end)
        if first is None:
            return
        if last is None or last < first or (last - first).days >= 92:
            last = first + timedelta(days=7 * DEFAULT_WEEKS - 1)
        async for update in self._show_range(first.isoformat(), last.isoformat()):
            yield update

    @rx.event
    async def set_end(self, value: str):
        """End date from the picker (ISO); refused with a message when before the start or
        more than 92 days on."""
        async for update in self._show_range(self.start, value):
            yield update

    @rx.event
    async def shift(self, direction: int):
        """Move the range back (-1) or forward (+1) by its own length."""
        if direction not in (-1, 1):
            return
        first, last = parse_day(self.start), parse_day(self.end)
        if first is None or last is None:
            return
        step = timedelta(days=((last - first).days + 1) * direction)
        async for update in self._show_range((first + step).isoformat(), (last + step).isoformat()):
            yield update

    @rx.event
    async def reset_range(self):
        """Back to this week and the next three. No arguments."""
        window = default_range()
        async for update in self._show_range(window.start.isoformat(), window.end.isoformat()):
            yield update

    @rx.event
    async def set_category(self, value: str):
        """Category filter: "all" or the id of a loaded category."""
        known = {c["id"] for c in self.categories}
        if not isinstance(value, str) or (value != ALL_CATEGORIES and value not in known):
            return
        self.category, self.page = value, 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_search(self, value: str):
        """Search (name, description, asset code), trimmed and cut to 100 characters."""
        if not isinstance(value, str):
            return
        value = value.strip()[:MAX_SEARCH_LENGTH]
        if value == self.search:
            return
        self.search, self.page = value, 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def clear_filters(self):
        """Drop the search and the category filter. No arguments."""
        self.search, self.category, self.page = "", ALL_CATEGORIES, 1
        self.filters_key = str(int(self.filters_key) + 1)
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def open_cell(self, row: int, day: int):
        """Show the events using item `row` on day `day` (indices into the shown grid; both
        validated). Re-verifies the token: the events are the signed-in user's to see."""
        if not isinstance(row, int) or not isinstance(day, int):
            return
        if not (0 <= row < len(self.rows)) or not (0 <= day < len(self.header)):
            return
        auth = await self.get_state(AuthState)
        if await auth._current_actor() is None:
            yield auth._login_redirect()
            return
        iso = self.header[day]["iso"]
        item = self.rows[row]
        label = self.cells[row][day][0]
        booked, _, bookable = label.partition("/")
        language = await tab_language(self)
        events: list[dict[str, str]] = []
        for seg in self._segments[row] if row < len(self._segments) else []:
            if seg["startDate"] <= iso <= seg["endDate"]:
                events = [
                    {
                        "id": e["eventId"],
                        "name": e["eventName"],
                        "quantity": str(e["quantity"]),
                        "blocked": format_period(e["blockedFrom"], e["blockedTo"], language),
                    }
                    for e in seg["events"]
                ]
                break
        self.cell_item = item
        self.cell_day = full_day(date.fromisoformat(iso), language)
        over = int(booked) - int(bookable)
        self.cell_summary = translate(
            "timeline.cell.summary_over" if over > 0 else "timeline.cell.summary",
            language,
            booked=booked,
            bookable=bookable,
            over=over,
        )
        self.cell_events = events
        self.cell_open = True

    @rx.event
    def set_cell_open(self, value: bool):
        """Open or close the cell dialog (closing is all a client can usefully do)."""
        self.cell_open = bool(value) and bool(self.cell_item)

    @rx.event
    def dismiss_notice(self):
        """Hide the live-update banner. No arguments."""
        self.live_notice = ""

    # --- live updates (called by avrentals.ui.live inside app.modify_state) -----------------

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-read the grid after committed rental / event / equipment changes, if this tab
        has the timeline open, and say who changed it (own changes are not announced)."""
        relevant = [c for c in changes if c.entity in LIVE_ENTITIES]
        on_page = self.router.url.path.rstrip("/") == routes.AVAILABILITY
        if not relevant or not self.loaded or not on_page:
            return
        token, ip, user_agent, own = await live_context(self)
        if not token:
            return
        try:
            data, _ = await asyncio.to_thread(_live_fetch, token, ip, user_agent, self._query())
        except DomainError:  # Unauthorized included: their next event redirects
            return
        language = await tab_language(self)
        self._apply(data, None, language)
        others = [c for c in relevant if not (c.actor and c.actor == own)]
        if others:
            who = (
                others[-1].actorName
                or others[-1].actor
                or translate("calendar.live.someone", language)
            )
            self.live_notice = translate("timeline.live.changed", language, who=who)
