"""The clients list (/clients): one server-side page of clients with search, sort and paging.

Only the current page of display-ready rows is in a frontend var; the Actor stays in
`AuthState`'s backend vars and is re-verified at the start of every handler. Reads call
`clients.list_clients` (plus `clients.client_value` for rows the list does not value) in a
worker thread. Live refreshes from the change bus arrive through `_apply_changes` (called by
`avrentals.ui.live`, never by a client). Create / edit / delete live in `client_form.py`.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from avrentals.db import read_session
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError
from avrentals.domain.pagination import PAGE_SIZES, Page, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import clients as clients_service
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui import routes
from avrentals.ui.i18n import tr
from avrentals.ui.state.formatting import count_text, format_eur, tab_language, text
from avrentals.ui.state.listing import ListStateMixin, live_page_load, page_or_last
from avrentals.ui.state.listing import live_context as live_context  # re-exported

CLIENTS_PATH = routes.CLIENTS
# UI sort choice -> (service sort key from its allow-list, descending, label key).
SORT_OPTIONS: dict[str, tuple[str, bool, str]] = {
    "name": ("name", False, "clients.sort.name_asc"),
    "name_desc": ("name", True, "clients.sort.name_desc"),
    "contact": ("contactPerson", False, "clients.sort.contact"),
    "email": ("email", False, "clients.sort.email"),
    "newest": ("createdAt", True, "clients.sort.newest"),
    "updated": ("updatedAt", True, "clients.sort.updated"),
    "value": ("value", True, "clients.sort.value"),
}
# Events and quotes change a client's counts and value, so they refresh the list too.
LIVE_ENTITIES = frozenset({"client", "event", "quote"})


def display_row(row: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A service row (snake_case, JSON-ready) as the strings the table shows."""
    return {
        "id": str(row["id"]),
        "name": text(row.get("name")),
        "contact_person": text(row.get("contact_person")),
        "email": text(row.get("email")),
        "phone": text(row.get("phone")),
        "events": str(int(row.get("event_count") or 0)),
        "quotes": str(int(row.get("quote_count") or 0)),
        "value": format_eur(row.get("client_value", 0), language),
        "version": text(row.get("version")),
    }


@dataclass(frozen=True)
class ListQuery:
    """What the list shows, already validated."""

    page: int
    page_size: int
    search: str
    sort: str
    descending: bool


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def fetch_page(session: Session, actor: Actor, query: ListQuery) -> Page[dict[str, Any]]:
    """`list_clients` for the query (last page if the list shrank), each row valued."""

    def fetch(page: int) -> Page[dict[str, Any]]:
        return clients_service.list_clients(
            session,
            actor,
            PageRequest(page=page, page_size=query.page_size),
            search=query.search or None,
            sort=query.sort,
            descending=query.descending,
        )

    return page_or_last(fetch, query.page)


def _load_list(actor: Actor, query: ListQuery) -> Page[dict[str, Any]]:
    with read_session() as session:
        return fetch_page(session, actor, query)


def _live_load(
    token: str, ip: str | None, user_agent: str | None, query: ListQuery, ids: list[str]
) -> tuple[Page[dict[str, Any]], dict[str, str]]:
    """Re-verify the tab's token, re-query its page, and name changed clients not on it."""
    return live_page_load(
        token,
        ip,
        user_agent,
        ids,
        lambda session, actor: fetch_page(session, actor, query),
        lambda session, actor, client_id: (
            clients_service.get_client(session, actor, client_id).name
        ),
    )


class ClientsState(ListStateMixin, rx.State):
    """Clients list of one tab: the current page (frontend), search, sort, paging, notices.

    Every handler validates its arguments (types, lengths, allow-lists) and re-verifies the
    token through `AuthState._current_actor()` before calling `clients.list_clients`.
    """

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live
    SORT_OPTIONS: ClassVar[dict[str, tuple[str, bool, str]]] = SORT_OPTIONS

    _language: str = DEFAULT_LANGUAGE  # of the tab, taken at each reload (labels below)

    # --- computed display ------------------------------------------------------------------

    @rx.var
    def page_label(self) -> str:
        return translate(
            "clients.list.page_label",
            self._language,
            page=self.page,
            pages=self.total_pages,
            count=count_text(self.total, "clients.count.client", self._language),
        )

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.search)

    # --- helpers -----------------------------------------------------------------------------

    def _query(self) -> ListQuery:
        sort, descending, _label = SORT_OPTIONS.get(self.sort, SORT_OPTIONS["name"])
        return ListQuery(
            page=max(1, self.page),
            page_size=self.page_size if self.page_size in PAGE_SIZES else PAGE_SIZES[0],
            search=self.search,
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
            return
        self.error = ""
        self._apply_page(page)

    # --- event handlers ----------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /clients: re-verify the token, then load the current page
        (`clients.list_clients`). No arguments."""
        self.live_notice = ""
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def clear_filters(self):
        """Drop the search. No arguments."""
        self.search = ""
        self.page = 1
        self.filters_key = str(int(self.filters_key) + 1)
        async for update in self._reload_verified():
            yield update

    # --- live updates (called by avrentals.ui.live inside app.modify_state) -----------------

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-query this tab's page after committed client/event/quote changes, if it has the
        list open, and name who changed which client (own changes are not announced)."""
        await self._apply_list_changes(
            [c for c in changes if c.entity in LIVE_ENTITIES],
            path=CLIENTS_PATH,
            entity="client",
            unnamed=await tr(self, "clients.live.unnamed"),
            live_load=functools.partial(_live_load, query=self._query()),
        )
