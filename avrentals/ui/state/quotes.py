"""The quotes list (/quotes): one server-side page of quotes with search (name, number,
client), a status filter, allow-listed sort and paging.

Only the current page of display-ready rows is in a frontend var; the Actor stays in
`AuthState`'s backend vars and is re-verified at the start of every handler. Reads call
`quotes.list_quotes` in a worker thread. Live refreshes arrive through `_apply_changes`
(called by `avrentals.ui.live`, never by a client). Row actions (duplicate, archive,
approve, delete, PDF) live in `quote_actions.py`.
"""

from __future__ import annotations

import asyncio
import functools
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
from avrentals.domain.quote_workflow import is_expired
from avrentals.domain.services import quotes as quotes_service
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui import routes
from avrentals.ui.i18n import tr
from avrentals.ui.state.formatting import format_eur, format_period, tab_language, text
from avrentals.ui.state.listing import ListStateMixin, live_page_load, page_or_last
from avrentals.ui.state.locale import LocaleState
from avrentals.ui.state.quote_document import parse_id

QUOTES_PATH = routes.QUOTES
ALL = "all"
STATUSES = ("Draft", "Sent", "Accepted", "Declined", "Archived")
# status -> catalogue key of how it is shown
STATUS_KEYS = {s: f"quotes.status.{s.lower()}" for s in STATUSES}
# UI sort choice -> (service sort key from its allow-list, descending, label key).
SORT_OPTIONS: dict[str, tuple[str, bool, str]] = {
    "newest": ("createdAt", True, "quotes.sort.newest"),
    "oldest": ("createdAt", False, "quotes.sort.oldest"),
    "number": ("number", True, "quotes.sort.number"),
    "name": ("name", False, "quotes.sort.name"),
    "client": ("clientName", False, "quotes.sort.client"),
    "start": ("startDate", False, "quotes.sort.start"),
    "total": ("total", True, "quotes.sort.total"),
    "updated": ("updatedAt", True, "quotes.sort.updated"),
}
LIVE_ENTITIES = frozenset({"quote"})


def expired(status: str, valid_until: Any, today: date | None = None) -> bool:
    """A Sent quote past the valid-until day it was sent with (`quote_workflow.is_expired`);
    an unreadable date or status is not expired."""
    try:
        day = date.fromisoformat(str(valid_until)) if valid_until else None
        return is_expired(status, day, today or date.today())
    except ValueError:
        return False


def display_row(row: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A `list_quotes` row (snake_case, JSON-ready) as the strings the list shows (period
    and total in `language`)."""
    status = text(row.get("status"))
    return {
        "id": text(row.get("id")),
        "number": text(row.get("number")),
        "name": text(row.get("name")),
        "client": text(row.get("client_name")),
        "period": format_period(text(row.get("start_date")), text(row.get("end_date")), language),
        "total": format_eur(row.get("total", "0"), language),
        "status": status,
        "event_id": text(row.get("event_id")),
        "version": text(row.get("version")),
        "editable": "1" if status in ("Draft", "Sent") else "",
        "expired": "1" if expired(status, row.get("valid_until")) else "",
    }


@dataclass(frozen=True)
class ListQuery:
    """What the list shows, already validated."""

    page: int
    page_size: int
    search: str
    status: str | None
    sort: str
    descending: bool


def fetch_page(session: Session, actor: Actor, query: ListQuery) -> Page[dict[str, Any]]:
    """`list_quotes` for the query (the last page if the list shrank)."""

    def fetch(page: int) -> Page[dict[str, Any]]:
        return quotes_service.list_quotes(
            session,
            actor,
            paging=PageRequest(page=page, page_size=query.page_size),
            search=query.search or None,
            status=query.status,
            sort=query.sort,
            descending=query.descending,
        )

    return page_or_last(fetch, query.page)


def _load_list(actor: Actor, query: ListQuery) -> Page[dict[str, Any]]:
    with read_session() as session:
        return fetch_page(session, actor, query)


def quote_name(session: Session, actor: Actor, quote_id: Any) -> str:
    quote = quotes_service.get_quote(session, actor, quote_id)
    return f"{quote.number} {quote.name}"


def _live_load(
    token: str, ip: str | None, user_agent: str | None, query: ListQuery, ids: list[str]
) -> tuple[Page[dict[str, Any]], dict[str, str]]:
    """Re-verify the tab's token, re-query its page, and name changed quotes not on it."""
    return live_page_load(
        token,
        ip,
        user_agent,
        ids,
        lambda session, actor: fetch_page(session, actor, query),
        quote_name,
    )


class QuotesState(ListStateMixin, rx.State):
    """Quotes list of one tab: the current page (frontend), search, status, sort, paging.

    Every handler validates its arguments (types, lengths, allow-lists) and re-verifies the
    token through `AuthState._current_actor()` before calling `quotes.list_quotes`.
    """

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live
    SORT_OPTIONS: ClassVar[dict[str, tuple[str, bool, str]]] = SORT_OPTIONS

    sort: str = "newest"
    status: str = ALL
    _language: str = DEFAULT_LANGUAGE  # of the tab, taken at each reload (periods, totals)

    @rx.var
    async def page_label(self) -> str:
        """ "Page 1 of 3 · 45 quotes" in the tab's language."""
        locale = await self.get_state(LocaleState)
        key = "quotes.list.page_label_one" if self.total == 1 else "quotes.list.page_label"
        return translate(
            key, locale.language, page=self.page, pages=self.total_pages, count=self.total
        )

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.search) or self.status != ALL

    def _query(self) -> ListQuery:
        sort, descending, _label = SORT_OPTIONS.get(self.sort, SORT_OPTIONS["newest"])
        return ListQuery(
            page=max(1, self.page),
            page_size=self.page_size if self.page_size in PAGE_SIZES else PAGE_SIZES[0],
            search=self.search,
            status=self.status if self.status in STATUSES else None,
            sort=sort,
            descending=descending,
        )

    def _apply_page(self, page: Page[dict[str, Any]]) -> None:
        self.rows = [display_row(r, self._language) for r in page.items]
        self.total = page.total
        self.page = page.page
        self.total_pages = page.total_pages
        self.loaded = True

    async def _reload(self, actor: Actor) -> None:
        self._language = await tab_language(self)
        try:
            page = await asyncio.to_thread(_load_list, actor, self._query())
        except DomainError as exc:
            self.error = exc.message
            self.loaded = True
            return
        self.error = ""
        self._apply_page(page)

    # --- event handlers ----------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /quotes: re-verify the token, then load the current page
        (`quotes.list_quotes`). No arguments."""
        self.live_notice = ""
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_status(self, value: str):
        """Status filter: "all" or one of Draft, Sent, Accepted, Declined, Archived."""
        if not isinstance(value, str) or (value != ALL and value not in STATUSES):
            return
        self.status = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def clear_filters(self):
        """Drop the search and the status filter. No arguments."""
        self.search = ""
        self.status = ALL
        self.page = 1
        self.filters_key = str(int(self.filters_key) + 1)
        async for update in self._reload_verified():
            yield update

    # --- live updates (called by avrentals.ui.live inside app.modify_state) -----------------

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-query this tab's page after committed quote changes, if it has the list open,
        and name who changed which quote (own changes are not announced)."""
        await self._apply_list_changes(
            [c for c in changes if c.entity in LIVE_ENTITIES and parse_id(c.id)],
            path=QUOTES_PATH,
            entity="quote",
            unnamed=await tr(self, "quotes.live.unnamed"),
            live_load=functools.partial(_live_load, query=self._query()),
        )
