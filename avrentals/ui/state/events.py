"""The events list (/events): one server-side page of events with search, status and client
filters, allow-listed sort, paging and a cards / table view.

Only the current page of display-ready rows is in a frontend var; the Actor stays in
`AuthState`'s backend vars and is re-verified at the start of every handler. Reads call
`events.list_events` in a worker thread. Live refreshes arrive through `_apply_changes`
(called by `avrentals.ui.live`, never by a client). The pure helpers at the top (row display,
readable RENTAL_CONFLICT lines) are shared by the event form, detail and rentals states.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from avrentals.db import read_session
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError
from avrentals.domain.pagination import PAGE_SIZES, Page, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import clients as clients_service
from avrentals.domain.services import events as events_service
from avrentals.domain.services.prep_overdue import overdue_units
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui import routes
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.calendar import day_label
from avrentals.ui.state.formatting import format_period, text
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.listing import ListStateMixin, live_page_load, page_or_last
from avrentals.ui.state.locale import LocaleState

EVENTS_PATH = routes.EVENTS
ALL = "all"
# Status -> catalogue key of its label (rendered with `t(...)` in the browser).
STATUS_LABELS = {
    "upcoming": "events.status.upcoming",
    "ongoing": "events.status.ongoing",
    "completed": "events.status.completed",
}
# UI sort choice -> (service sort key from its allow-list, descending, label key).
SORT_OPTIONS: dict[str, tuple[str, bool, str]] = {
    "start": ("startDate", False, "events.sort.start"),
    "start_desc": ("startDate", True, "events.sort.start_desc"),
    "name": ("name", False, "events.sort.name"),
    "client": ("client", False, "events.sort.client"),
    "location": ("location", False, "events.sort.location"),
    "updated": ("updatedAt", True, "events.sort.updated"),
}
MAX_CLIENT_OPTIONS = 100
LIVE_ENTITIES = frozenset({"event", "client"})
VIEWS = ("table", "cards")


# --- formatting (pure) -----------------------------------------------------------------------


def counted(key: str, count: int, language: str = DEFAULT_LANGUAGE, **params: Any) -> str:
    """Catalogue text `key + "_one"` or `key + "_other"` for `count` in `language`."""
    suffix = "_one" if count == 1 else "_other"
    return translate(key + suffix, language, count=count, **params)


def short_day(iso: str, language: str = DEFAULT_LANGUAGE) -> str:
    """ "2030-06-12" -> "Wed 12 Jun" (in `language`, like the calendar's day labels)."""
    try:
        d = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return text(iso)
    return day_label(d, language)


def overdue_text(units: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """ "Overdue return: 3 units not back" (the red flag of an overdue event), "" if none."""
    count = int(units or 0)
    return counted("events.list.overdue", count, language) if count > 0 else ""


def buffer_parts(prep: int, ret: int, language: str = DEFAULT_LANGUAGE) -> list[str]:
    """["2 prep days", "1 return day"] (the non-zero buffers, in `language`)."""
    parts = []
    if prep:
        parts.append(counted("events.buffers.prep", prep, language))
    if ret:
        parts.append(counted("events.buffers.return", ret, language))
    return parts


def display_row(row: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A `list_events` row (plus `overdue_units`) as the strings the list shows; the
    status label is a catalogue key (rendered with `t(...)`)."""
    status = text(row.get("status"))
    prep, ret = int(row.get("prep_days") or 0), int(row.get("return_days") or 0)
    buffers = buffer_parts(prep, ret, language)
    return {
        "id": text(row.get("id")),
        "name": text(row.get("name")),
        "client_id": text(row.get("client_id")),
        "client": text(row.get("client_name")),
        "location": text(row.get("location")),
        "period": format_period(text(row.get("start_date")), text(row.get("end_date")), language),
        "buffers": " + ".join(buffers),
        "status": status,
        "status_label": STATUS_LABELS.get(status, status.title()),
        "overdue": overdue_text(row.get("overdue_units"), language),
        "version": text(row.get("version")),
    }


def conflict_lines(
    details: dict[str, Any], language: str = DEFAULT_LANGUAGE
) -> list[dict[str, str]]:
    """RENTAL_CONFLICT `details.lines` as the figures `rental_conflict_box` words in the
    browser: which item, requested vs available of bookable, the peak days (`days`, the
    first six, and `more`, how many others), and which events hold the stock on them."""
    out = []
    for line in details.get("lines") or []:
        if not isinstance(line, dict):
            continue
        days = [short_day(d, language) for d in line.get("peakDays") or []]
        holders = [
            f"{text(b.get('eventName'))} ({b.get('quantity')})"
            for b in line.get("consumedBy") or []
            if isinstance(b, dict)
        ]
        out.append(
            {
                "item": text(line.get("equipmentName")),
                "item_id": text(line.get("equipmentId")),
                "requested": text(line.get("requested")),
                "available": text(line.get("available")),
                "bookable": text(line.get("bookable")),
                "days": ", ".join(days[:6]),
                "more": str(len(days) - 6) if len(days) > 6 else "",
                "usage": text(line.get("peakUsage")),
                "holders": ", ".join(holders),
            }
        )
    return out


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


@dataclass(frozen=True)
class ListQuery:
    """What the list shows, already validated."""

    page: int
    page_size: int
    search: str
    status: str | None
    client_id: uuid.UUID | None
    sort: str
    descending: bool


def fetch_page(session: Session, actor: Actor, query: ListQuery) -> Page[dict[str, Any]]:
    """`list_events` for the query (the last page if the list shrank under us), each row
    with its `overdue_units` (one query for the whole page)."""

    def fetch(page: int) -> Page[dict[str, Any]]:
        return events_service.list_events(
            session,
            actor,
            PageRequest(page=page, page_size=query.page_size),
            search=query.search or None,
            status=query.status,
            client_id=query.client_id,
            sort=query.sort,
            descending=query.descending,
        )

    found = page_or_last(fetch, query.page)
    overdue = overdue_units(session, [uuid.UUID(str(r["id"])) for r in found.items], date.today())
    for row in found.items:
        row["overdue_units"] = overdue.get(uuid.UUID(str(row["id"])), 0)
    return found


def client_options(session: Session, actor: Actor, search: str = "") -> list[dict[str, str]]:
    """Up to MAX_CLIENT_OPTIONS clients by name (matching `search`), as {id, name}."""
    page = clients_service.list_clients(
        session,
        actor,
        PageRequest(page=1, page_size=MAX_CLIENT_OPTIONS),
        search=search or None,
        sort="name",
    )
    return [{"id": text(c["id"]), "name": text(c["name"])} for c in page.items]


def _load_list(
    actor: Actor, query: ListQuery, with_clients: bool
) -> tuple[Page[dict[str, Any]], list[dict[str, str]] | None]:
    with read_session() as session:
        clients = client_options(session, actor) if with_clients else None
        return fetch_page(session, actor, query), clients


def _live_load(
    token: str, ip: str | None, user_agent: str | None, query: ListQuery, ids: list[str]
) -> tuple[Page[dict[str, Any]], dict[str, str]]:
    """Re-verify the tab's token, re-query its page, and name changed events not on it."""
    return live_page_load(
        token,
        ip,
        user_agent,
        ids,
        lambda session, actor: fetch_page(session, actor, query),
        lambda session, actor, event_id: events_service.get_event(session, actor, event_id).name,
    )


class EventsState(ListStateMixin, rx.State):
    """Events list of one tab: the current page (frontend), search, filters, sort, paging,
    view (table or cards) and the live notice.

    Every handler validates its arguments (types, lengths, allow-lists) and re-verifies the
    token through `AuthState._current_actor()` before calling `events.list_events`.
    """

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live
    SORT_OPTIONS: ClassVar[dict[str, tuple[str, bool, str]]] = SORT_OPTIONS

    sort: str = "start"
    status: str = ALL
    client: str = ALL
    clients: list[dict[str, str]] = []
    view: str = "table"
    page_label: str = ""
    _language: str = DEFAULT_LANGUAGE  # of the tab, read before every (re)load

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.search) or self.status != ALL or self.client != ALL

    def _query(self) -> ListQuery:
        sort, descending, _label = SORT_OPTIONS.get(self.sort, SORT_OPTIONS["start"])
        client_id = parse_client_id(self.client) if self.client != ALL else None
        return ListQuery(
            page=max(1, self.page),
            page_size=self.page_size if self.page_size in PAGE_SIZES else PAGE_SIZES[0],
            search=self.search,
            status=self.status if self.status in STATUS_LABELS else None,
            client_id=client_id,
            sort=sort,
            descending=descending,
        )

    def _apply_page(self, page: Page[dict[str, Any]]) -> None:
        self.rows = [display_row(r, self._language) for r in page.items]
        self.total = page.total
        self.page = page.page
        self.total_pages = page.total_pages
        self.page_label = counted(
            "events.list.page_label",
            page.total,
            self._language,
            page=page.page,
            pages=page.total_pages,
        )
        self.loaded = True

    async def _follow_language(self) -> None:
        self._language = (await self.get_state(LocaleState)).language

    async def _reload(self, actor: Actor, *, with_clients: bool = False) -> None:
        await self._follow_language()
        try:
            page, clients = await asyncio.to_thread(_load_list, actor, self._query(), with_clients)
        except DomainError as exc:
            self.error = exc.message
            return
        self.error = ""
        self._apply_page(page)
        if clients is not None:
            self.clients = clients
            if self.client != ALL and self.client not in {c["id"] for c in clients}:
                self.client = ALL

    @rx.event
    async def load(self):
        """on_load of /events: re-verify the token, then load the client filter's options
        and the current page. No arguments."""
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.live_notice = ""
        self.loading = True
        yield
        try:
            await self._reload(actor, with_clients=True)
        finally:
            self.loading = False

    @rx.event
    async def set_status(self, value: str):
        """Status filter: "all", "upcoming", "ongoing" or "completed" (computed by date)."""
        if not isinstance(value, str) or (value != ALL and value not in STATUS_LABELS):
            return
        self.status = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_client(self, value: str):
        """Client filter: "all" or the id of a client in the loaded options."""
        if not isinstance(value, str):
            return
        if value != ALL and value not in {c["id"] for c in self.clients}:
            return
        self.client = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    def set_view(self, value: str | list[str]):
        """Table or cards (tablet/desktop; phones always get cards)."""
        if isinstance(value, str) and value in VIEWS:
            self.view = value

    @rx.event
    async def clear_filters(self):
        """Drop the search and both filters. No arguments."""
        self.search = ""
        self.status = ALL
        self.client = ALL
        self.page = 1
        self.filters_key = str(int(self.filters_key) + 1)
        async for update in self._reload_verified():
            yield update

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-query this tab's page after committed event/client changes, if it has the list
        open, and name who changed which event (own changes are not announced)."""
        await self._follow_language()
        await self._apply_list_changes(
            [c for c in changes if c.entity in LIVE_ENTITIES],
            path=EVENTS_PATH,
            entity="event",
            unnamed=translate("events.live.unnamed", self._language),
            live_load=functools.partial(_live_load, query=self._query()),
        )
