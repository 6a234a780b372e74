"""The calendar page (/calendar) of one tab: month or week grid, filters, the day panel,
moving events (drag and drop or the "Move…" dialog), the `.ics` export and the feed dialog.

Display-ready dataclasses go to the browser; the Actor stays in `AuthState` and is
re-verified at the start of every handler. Reads (`calendar.calendar_view`) and writes
(`calendar.move_event`, the feed token services) run in worker threads; every write is one
`transaction`. A refused move changes nothing on the server, and since the browser never
moves the chip itself (HTML5 drag and drop only reports the drop), the chip "snaps back" by
staying where the server says it is; the reason is shown above the grid.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain import availability as av
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, RentalConflict, VersionConflict
from avrentals.domain.permissions import Actor
from avrentals.domain.services import calendar as cal
from avrentals.domain.services import ics_feed
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui import routes
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.formatting import day_month, day_month_year, month_name, tab_language
from avrentals.ui.state.listing import live_context, verified_actor, verified_reload

CALENDAR_PATH = routes.CALENDAR
LIVE_ENTITIES = frozenset({"event", "rental", "availability", "equipment", "client"})
MONTH_CHIPS = 3  # chips per day cell in the month grid; the rest is "+N more"
ALL = "all"  # the "no filter" value of the filter selects (Radix items need a value)
# Day and month names are catalogue keys (`calendar.day_short.mon`, `calendar.month_long.jan`
# ...), so every language names them itself; index 0 is Monday / January.
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STATUS_LABELS = {
    "upcoming": "calendar.status.upcoming",
    "ongoing": "calendar.status.ongoing",
    "completed": "calendar.status.completed",
}


@dataclass
class Chip:
    """One event on one day of the grid."""

    id: str = ""
    name: str = ""
    color: str = "blue"
    status: str = ""
    starts: bool = True  # the event's first day (rounded left edge, name shown)
    ends: bool = True
    title: str = ""  # tooltip: name, client, dates
    client: str = ""
    period: str = ""
    location: str = ""


@dataclass
class DayCell:
    iso: str = ""
    number: str = ""
    label: str = ""  # "Mon 3 Jun" (in the tab's language)
    in_range: bool = True  # inside the month shown (leading/trailing days are dimmed)
    today: bool = False
    conflicts: int = 0
    conflict_tip: str = ""
    chips: list[Chip] = field(default_factory=list)
    more: int = 0


@dataclass
class ConflictLine:
    item: str = ""
    booked: int = 0
    bookable: int = 0
    events: str = ""


@dataclass
class Option:
    id: str = ""
    name: str = ""


# --- pure helpers ----------------------------------------------------------------------------


def parse_uuid(value: Any) -> uuid.UUID | None:
    if not isinstance(value, str) or value in ("", ALL) or len(value) > 64:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# --- dates in the tab's language ---------------------------------------------------------------


def weekday_name(day: date, language: str, form: str = "short") -> str:
    """`form`: "short" (Mon), "min" (Mo, the timeline header) or "long" (Monday)."""
    return translate(f"calendar.day_{form}.{DAY_KEYS[day.weekday()]}", language)


def day_label(day: date, language: str, *, padded: bool = False) -> str:
    """ "Mon 3 Jun" ("Mon 03 Jun" when `padded`)."""
    return translate(
        "calendar.date.day_label",
        language,
        weekday=weekday_name(day, language),
        day=f"{day.day:02d}" if padded else day.day,
        month=month_name(day, language),
    )


def long_day(day: date, language: str) -> str:
    """ "Mon 3 Jun 2026"."""
    return translate(
        "calendar.date.long_day",
        language,
        weekday=weekday_name(day, language),
        day=day.day,
        month=month_name(day, language),
        year=day.year,
    )


def full_day(day: date, language: str) -> str:
    """ "Monday 03 June 2026"."""
    return translate(
        "calendar.date.full_day",
        language,
        weekday=weekday_name(day, language, "long"),
        day=f"{day.day:02d}",
        month=month_name(day, language, "long"),
        year=day.year,
    )


def month_title(day: date, language: str) -> str:
    """ "June 2026" (capitalised: a heading)."""
    text = translate(
        "calendar.date.month_year", language, month=month_name(day, language, "long"), year=day.year
    )
    return text[:1].upper() + text[1:]


def short_period(start: str, end: str, language: str = DEFAULT_LANGUAGE) -> str:
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    if a == b:
        return day_month(a, language)
    if a.month == b.month and a.year == b.year:
        return f"{a.day}\u2013{day_month(b, language)}"
    return f"{day_month(a, language)} \u2013 {day_month(b, language)}"


def chip_for(event: dict[str, Any], day: date, language: str = DEFAULT_LANGUAGE) -> Chip:
    iso = day.isoformat()
    period = short_period(event["start_date"], event["end_date"], language)
    return Chip(
        id=event["id"],
        name=event["name"],
        color=event["color"],
        status=event["status"],
        starts=event["start_date"] == iso or day.weekday() == 0,
        ends=event["end_date"] == iso or day.weekday() == 6,
        title=f"{event['name']} · {event['client_name']} · {period}",
        client=event["client_name"] or "",
        period=period,
        location=event["location"],
    )


def conflict_tip(entries: list[dict[str, Any]], language: str = DEFAULT_LANGUAGE) -> str:
    parts = [
        translate(
            "calendar.conflict.tip_item",
            language,
            item=c["item"]["name"],
            booked=c["booked"],
            bookable=c["bookable"],
        )
        for c in entries
    ]
    return translate("calendar.conflict.tip", language, items="; ".join(parts))


def build_days(
    view: dict[str, Any],
    window_start: date,
    window_end: date,
    month: int | None,
    today: date,
    language: str = DEFAULT_LANGUAGE,
) -> list[DayCell]:
    """Every day of the range with its chips (events by start date) and conflict facts."""
    days: list[DayCell] = []
    day = window_start
    while day <= window_end:
        iso = day.isoformat()
        chips = [chip_for(e, day, language) for e in cal.events_on(view, day)]
        entries = view["conflicts"].get(iso, [])
        days.append(
            DayCell(
                iso=iso,
                number=str(day.day),
                label=day_label(day, language),
                in_range=month is None or day.month == month,
                today=day == today,
                conflicts=len(entries),
                conflict_tip=conflict_tip(entries, language) if entries else "",
                chips=chips,
                more=0,
            )
        )
        day += timedelta(days=1)
    return days


def refusal_text(exc: DomainError, language: str = DEFAULT_LANGUAGE) -> tuple[str, list[str]]:
    """A refused move as a headline and one line per reason (items, days, who holds them)."""
    if isinstance(exc, RentalConflict):
        lines = []
        for line in exc.details.get("lines", []):
            days = line.get("peakDays") or []
            when = (
                days[0]
                if len(days) == 1
                else translate("calendar.refused.days", language, first=days[0], last=days[-1])
                if days
                else ""
            )
            holders = ", ".join(sorted({b["eventName"] for b in line.get("consumedBy", [])}))
            text = translate(
                "calendar.refused.line",
                language,
                item=line["equipmentName"],
                requested=line["requested"],
                available=line["available"],
                bookable=line["bookable"],
            )
            if when:
                text = translate("calendar.refused.line_on", language, line=text, when=when)
            if holders:
                text = translate("calendar.refused.line_by", language, line=text, holders=holders)
            lines.append(text)
        return translate("calendar.refused.equipment", language), lines
    if isinstance(exc, VersionConflict):
        return translate("calendar.refused.version", language), []
    return translate("calendar.refused.other", language, message=exc.message), []


# --- blocking work (asyncio.to_thread) ---------------------------------------------------------


def _load(
    actor: Actor, window: av.Window, filters: cal.CalendarFilters, options: bool
) -> tuple[dict[str, Any], dict[str, list[dict[str, str]]] | None, bool | None]:
    """The view, plus (first load only) the filter choices and whether a feed is active."""
    with read_session() as session:
        view = cal.calendar_view(session, actor, window, filters)
        if not options:
            return view, None, None
        return view, cal.filter_options(session, actor), ics_feed.has_feed(session, actor)


def _live_load(
    token: str, ip: str | None, ua: str | None, window: av.Window, f: cal.CalendarFilters
) -> dict[str, Any]:
    with read_session() as session:
        actor = verified_actor(session, token, ip, ua)
        return cal.calendar_view(session, actor, window, f)


def _move(actor: Actor, event_id: uuid.UUID, version: int, start: date) -> str:
    with transaction() as session:
        return cal.move_event(session, actor, event_id, version, start).name


def _export(actor: Actor, window: av.Window, f: cal.CalendarFilters, base: str) -> bytes:
    with read_session() as session:
        return ics_feed.events_ics(
            session,
            actor,
            start=window.start,
            end=window.end,
            client_id=f.client_id,
            item_id=f.item_id,
            category_id=f.category_id,
            base_url=base,
        )


def _issue(actor: Actor) -> str:
    with transaction() as session:
        return ics_feed.issue_feed_token(session, actor)


def _revoke(actor: Actor) -> None:
    with transaction() as session:
        ics_feed.revoke_feed_token(session, actor)


class CalendarState(rx.State):
    """One tab's calendar. Every handler validates its arguments (types, allow-lists, ids
    among the loaded events) and re-verifies the token before calling a service."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES

    view: str = "month"
    anchor: str = ""  # ISO date inside the month/week shown
    title: str = ""
    days: list[DayCell] = []
    loaded: bool = False
    loading: bool = False
    error: str = ""
    live_notice: str = ""

    client_filter: str = ALL
    item_filter: str = ALL
    category_filter: str = ALL
    clients: list[Option] = []
    items: list[Option] = []
    categories: list[Option] = []

    day_open: bool = False
    day_iso: str = ""
    day_title: str = ""
    day_chips: list[Chip] = []
    day_conflicts: list[ConflictLine] = []

    move_open: bool = False
    move_id: str = ""
    move_name: str = ""
    move_date: str = ""
    move_error: str = ""
    moving: bool = False

    refused: str = ""
    refused_lines: list[str] = []
    moved_notice: str = ""

    feed_open: bool = False
    feed_active: bool = False
    feed_url: str = ""
    feed_busy: bool = False
    revoke_confirm: bool = False

    _events: dict[str, dict[str, Any]] = {}
    _conflicts: dict[str, list[dict[str, Any]]] = {}
    _language: str = DEFAULT_LANGUAGE  # the language the shown labels were built in

    # --- computed ---------------------------------------------------------------------------------

    @rx.var
    def weeks(self) -> list[list[DayCell]]:
        return [self.days[i : i + 7] for i in range(0, len(self.days), 7)]

    @rx.var
    def agenda(self) -> list[DayCell]:
        """Days of the range (the shown month only) that have events or conflicts: the
        phone layout."""
        return [d for d in self.days if d.in_range and (d.chips or d.conflicts)]

    @rx.var
    def has_filters(self) -> bool:
        return any(f != ALL for f in (self.client_filter, self.item_filter, self.category_filter))

    # --- helpers ----------------------------------------------------------------------------------

    def _anchor(self) -> date:
        try:
            return date.fromisoformat(self.anchor)
        except ValueError:
            return date.today()

    def _window(self) -> av.Window:
        return cal.visible_range(self.view, self._anchor())

    def _filters(self) -> cal.CalendarFilters:
        return cal.CalendarFilters(
            client_id=parse_uuid(self.client_filter),
            item_id=parse_uuid(self.item_filter),
            category_id=parse_uuid(self.category_filter),
        )

    def _apply(self, view: dict[str, Any], language: str) -> None:
        anchor = self._anchor()
        window = self._window()
        month = anchor.month if self.view == "month" else None
        days = build_days(view, window.start, window.end, month, date.today(), language)
        self._language = language
        if self.view == "month":
            for cell in days:
                cell.more = max(len(cell.chips) - MONTH_CHIPS, 0)
        self.days = days
        self._events = {e["id"]: e for e in view["events"]}
        self._conflicts = view["conflicts"]
        if self.view == "month":
            self.title = month_title(anchor, language)
        else:
            self.title = translate(
                "calendar.title.week",
                language,
                start=day_month(window.start, language),
                end=day_month_year(window.end, language),
            )
        self.loaded = True
        if self.day_open:
            self._fill_day(self.day_iso)

    def _fill_day(self, iso: str) -> None:
        cell = next((d for d in self.days if d.iso == iso), None)
        self.day_iso = iso
        self.day_title = cell.label if cell else iso
        self.day_chips = list(cell.chips) if cell else []
        self.day_conflicts = [
            ConflictLine(
                item=c["item"]["name"],
                booked=c["booked"],
                bookable=c["bookable"],
                events=", ".join(e["eventName"] for e in c["events"]),
            )
            for c in self._conflicts.get(iso, [])
        ]

    async def _actor(self) -> Actor | None:
        auth = await self.get_state(AuthState)
        return await auth._current_actor()

    async def _reload(self, *, options: bool = False):
        async for update in verified_reload(self, functools.partial(self._read, options=options)):
            yield update

    async def _read(self, actor: Actor, *, options: bool) -> None:
        try:
            view, opts, has_feed = await asyncio.to_thread(
                _load, actor, self._window(), self._filters(), options
            )
        except DomainError as exc:
            self.error = exc.message
            return
        self.error = ""
        language = await tab_language(self)
        if opts is not None:
            self.clients = [Option(**o) for o in opts["clients"]]
            self.items = [Option(**o) for o in opts["items"]]
            self.categories = [Option(**o) for o in opts["categories"]]
            self.feed_active = bool(has_feed)
        self._apply(view, language)

    @rx.event
    async def relabel(self):
        """The tab's language changed (or the page mounted): rebuild the labels in it when
        they were built in another one. No arguments."""
        if not self.loaded or await tab_language(self) == self._language:
            return
        async for update in self._reload():
            yield update

    # --- navigation and filters -------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /calendar: verify the token, load the options and the current range.
        No arguments."""
        if not self.anchor:
            self.anchor = date.today().isoformat()
        self.refused, self.refused_lines, self.moved_notice = "", [], ""
        async for update in self._reload(options=True):
            yield update

    @rx.event
    async def set_view(self, value: str | list[str]):
        """Month or week (`value` in VIEWS)."""
        if value not in cal.VIEWS or value == self.view:
            return
        self.view = value
        async for update in self._reload():
            yield update

    @rx.event
    async def step(self, steps: int):
        """Previous (-1) or next (+1) month or week."""
        if steps not in (-1, 1):
            return
        self.anchor = cal.shift_anchor(self.view, self._anchor(), steps).isoformat()
        async for update in self._reload():
            yield update

    @rx.event
    async def go_today(self):
        """Back to the month or week of today. No arguments."""
        self.anchor = date.today().isoformat()
        async for update in self._reload():
            yield update

    async def _set_filter(self, name: str, value: Any, options: list[Option]):
        if not isinstance(value, str) or (value != ALL and value not in {o.id for o in options}):
            return
        setattr(self, name, value)
        async for update in self._reload():
            yield update

    @rx.event
    async def set_client_filter(self, value: str):
        """Client filter: `value` is ALL or the id of a listed client."""
        async for update in self._set_filter("client_filter", value, self.clients):
            yield update

    @rx.event
    async def set_item_filter(self, value: str):
        """Item filter: ALL or the id of a listed item."""
        async for update in self._set_filter("item_filter", value, self.items):
            yield update

    @rx.event
    async def set_category_filter(self, value: str):
        """Category filter: ALL or the id of a listed category."""
        async for update in self._set_filter("category_filter", value, self.categories):
            yield update

    @rx.event
    async def clear_filters(self):
        """Drop every filter. No arguments."""
        self.client_filter = self.item_filter = self.category_filter = ALL
        async for update in self._reload():
            yield update

    # --- day panel --------------------------------------------------------------------------------

    @rx.event
    def open_day(self, iso: str):
        """Open the panel of one shown day (`iso` must be a day of the grid)."""
        if not isinstance(iso, str) or not any(d.iso == iso for d in self.days):
            return
        self._fill_day(iso)
        self.day_open = True

    @rx.event
    def set_day_open(self, value: bool):
        self.day_open = bool(value) if isinstance(value, bool) else False

    # --- moving -----------------------------------------------------------------------------------

    async def _do_move(self, event_id: str, start: date):
        event = self._events.get(event_id)
        if event is None:
            return
        actor = await self._actor()
        if actor is None:
            yield (await self.get_state(AuthState))._login_redirect()
            return
        if date.fromisoformat(event["start_date"]) == start:
            return
        self.moving = True
        yield
        try:
            name = await asyncio.to_thread(
                _move, actor, uuid.UUID(event_id), int(event["version"]), start
            )
        except DomainError as exc:
            headline, lines = refusal_text(exc, await tab_language(self))
            self.refused, self.refused_lines, self.moved_notice = headline, lines, ""
            self.move_error = headline if self.move_open else ""
            self.moving = False
            async for update in self._reload():  # the chip stays where the server has it
                yield update
            return
        self.moving = False
        self.move_open = False
        self.refused, self.refused_lines = "", []
        language = await tab_language(self)
        self.moved_notice = translate(
            "calendar.move.saved", language, name=name, date=long_day(start, language)
        )
        async for update in self._reload():
            yield update

    @rx.event
    async def drop_event(self, day_iso: str, event_id: str):
        """A chip dropped on a day: move that event to start there (its length kept).
        `day_iso` must be a day of the grid and `event_id` a loaded event; the version sent
        to the service is the one this tab loaded."""
        if not isinstance(day_iso, str) or not isinstance(event_id, str):
            return
        if not any(d.iso == day_iso for d in self.days):
            return
        async for update in self._do_move(event_id, date.fromisoformat(day_iso)):
            yield update

    @rx.event
    def open_move(self, event_id: str):
        """The keyboard / touch alternative to dragging: ask for the new start date."""
        event = self._events.get(event_id) if isinstance(event_id, str) else None
        if event is None:
            return
        self.move_id = event_id
        self.move_name = event["name"]
        self.move_date = event["start_date"]
        self.move_error = ""
        self.day_open = False
        self.move_open = True

    @rx.event
    def set_move_date(self, value: str):
        if isinstance(value, str) and len(value) <= 10:
            self.move_date = value

    @rx.event
    def set_move_open(self, value: bool):
        self.move_open = bool(value) if isinstance(value, bool) else False

    @rx.event
    async def confirm_move(self):
        """Save the "Move…" dialog (the date typed must be a valid date)."""
        start = cal.parse_day(self.move_date)
        if start is None:
            self.move_error = await tr(self, "calendar.move.invalid_date")
            return
        async for update in self._do_move(self.move_id, start):
            yield update

    @rx.event
    def dismiss_notice(self):
        self.refused, self.refused_lines, self.moved_notice, self.live_notice = "", [], "", ""

    # --- export and feed --------------------------------------------------------------------------

    @rx.event
    async def export_ics(self):
        """Download the shown range with the current filters as an `.ics` file."""
        actor = await self._actor()
        if actor is None:
            return (await self.get_state(AuthState))._login_redirect()
        origin = self.router.url.origin
        try:
            body = await asyncio.to_thread(_export, actor, self._window(), self._filters(), origin)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        name = f"av-rentals-{self._window().start.isoformat()}.ics"
        return rx.download(data=body, filename=name, mime_type="text/calendar")

    @rx.event
    def set_feed_open(self, value: bool):
        self.feed_open = bool(value) if isinstance(value, bool) else False
        self.revoke_confirm = False

    @rx.event
    async def issue_feed(self):
        """Issue (or rotate) this user's feed URL; the previous URL stops working."""
        actor = await self._actor()
        if actor is None:
            return
        self.feed_busy = True
        yield
        try:
            token = await asyncio.to_thread(_issue, actor)
        except DomainError as exc:
            self.feed_busy = False
            yield rx.toast.error(exc.message)
            return
        self.feed_busy = False
        self.feed_active = True
        self.revoke_confirm = False
        self.feed_url = ics_feed.feed_url(self.router.url.origin, token)

    @rx.event
    def ask_revoke(self, value: bool):
        self.revoke_confirm = bool(value) if isinstance(value, bool) else False

    @rx.event
    async def revoke_feed(self):
        """Revoke this user's feed URL (after the confirmation)."""
        if not self.revoke_confirm:
            return
        actor = await self._actor()
        if actor is None:
            return
        try:
            await asyncio.to_thread(_revoke, actor)
        except DomainError as exc:
            yield rx.toast.error(exc.message)
            return
        self.feed_active = False
        self.feed_url = ""
        self.revoke_confirm = False
        yield rx.toast.success(await tr(self, "calendar.feed.revoked"))

    # --- live updates (avrentals.ui.live) ---------------------------------------------------------

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-query the shown range when events, rentals or stock changed, if this tab has
        the calendar open; name who moved an event (own changes not announced)."""
        relevant = [c for c in changes if c.entity in LIVE_ENTITIES]
        on_page = self.router.url.path.rstrip("/") == CALENDAR_PATH
        if not relevant or not self.loaded or not on_page:
            return
        token, ip, ua, own = await live_context(self)
        if not token:
            return
        try:
            view = await asyncio.to_thread(
                _live_load, token, ip, ua, self._window(), self._filters()
            )
        except DomainError:
            return
        before = dict(self._events)
        language = await tab_language(self)
        self._apply(view, language)
        for change in reversed(relevant):
            if change.entity != "event" or (change.actor and change.actor == own):
                continue
            event = self._events.get(change.id) or before.get(change.id)
            who = change.actorName or change.actor or translate("calendar.live.someone", language)
            verb = {"create": "added", "delete": "deleted"}.get(change.action, "updated")
            if event:
                key, params = f"calendar.live.{verb}", {"name": event["name"], "who": who}
            else:
                key, params = f"calendar.live.{verb}_unknown", {"who": who}
            self.live_notice = translate(key, language, **params)
            break
