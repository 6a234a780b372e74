"""The maintenance page (/maintenance): items with damaged or in-maintenance units (or an open
log), with their open logs; one item's history; closing a log after confirmation.

Only display-ready strings go to the browser; the Actor stays in `AuthState`'s backend vars
and is re-verified at the start of every handler. Reads call `maintenance_queries` and writes
`maintenance.close_log` in worker threads. Live refreshes arrive through `_apply_changes`
(called by `avrentals.ui.live`, never by a client). Raising a request and logging a repair
live in `maintenance_form.py`.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, NotFound, VersionConflict
from avrentals.domain.pagination import PAGE_SIZES, Page, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import equipment as equipment_service
from avrentals.domain.services import maintenance as maintenance_service
from avrentals.domain.services import maintenance_queries as queries
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui import routes
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.formatting import format_day, format_eur, tab_language, text
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.listing import (
    ListStateMixin,
    live_context,
    live_page_load,
    page_or_last,
    verified_actor,
)

MAINTENANCE_PATH = routes.MAINTENANCE
ALL_CATEGORIES = "all"
LIVE_ENTITIES = frozenset({"maintenance", "equipment"})
SORT_OPTIONS: dict[str, tuple[str, bool, str]] = {"name": ("name", False, "Name (A-Z)")}
# Catalogue keys of the unit statuses (item status pills, log moves), translated in the browser.
MOVE_LABELS = {
    "good": "maintenance.status.good",
    "damaged": "maintenance.status.damaged",
    "maintenance": "maintenance.status.maintenance",
}


# --- formatting (pure) ----------------------------------------------------------------------


def describe_move(log: dict[str, Any]) -> tuple[str, str]:
    """(source, target) catalogue keys of a log's move, target "" for work on units that stay
    (the page shows "Good → Maintenance" / "Damaged (no move)"); an unknown status is kept
    as is (shown as itself)."""
    source = MOVE_LABELS.get(text(log.get("from_status")), "—")
    target = text(log.get("to_status"))
    return source, MOVE_LABELS.get(target, target)


def display_log(log: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A log row as the strings the page shows (dates and money in `language`)."""
    units = int(log.get("units") or 0)
    move_from, move_to = describe_move(log)
    return {
        "id": text(log.get("id")),
        "item_id": text(log.get("equipment_id")),
        "item_name": text(log.get("equipment_name")),
        "date": format_day(log.get("log_date"), language),
        "description": text(log.get("description")),
        "units": str(units),
        "units_key": "maintenance.log.units_one" if units == 1 else "maintenance.log.units_other",
        "move_from": move_from,
        "move_to": move_to,
        "technician": text(log.get("technician_name")) or "—",
        "cost": format_eur(log.get("cost"), language),
        "status": text(log.get("status")),
        "status_label": "maintenance.log.open"
        if log.get("status") == "open"
        else "maintenance.log.closed",
        "version": text(log.get("version")),
        "photo_url": text(log.get("photo_url")),
        "photo_thumb_url": text(log.get("photo_thumb_url")),
    }


def display_item(row: dict[str, Any]) -> dict[str, str]:
    """An attention row (without its logs) as the strings the page shows."""
    status = text(row.get("status"))
    return {
        "id": text(row.get("id")),
        "name": text(row.get("name")),
        "asset_code": text(row.get("asset_code")),
        "category": text(row.get("category_name")),
        "location": text(row.get("location")),
        "quantity": text(row.get("quantity")),
        "good": text(row.get("qty_good")),
        "damaged": text(row.get("qty_damaged")),
        "maintenance": text(row.get("qty_maintenance")),
        "status": status,
        "status_label": MOVE_LABELS.get(status, status.title()),
        "open_count": text(len(row.get("open_logs") or [])),
    }


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def fetch_page(
    session: Session, actor: Actor, page: int, page_size: int, search: str, category: str
) -> Page[dict[str, Any]]:
    category_id = parse_client_id(category) if category != ALL_CATEGORIES else None

    def fetch(number: int) -> Page[dict[str, Any]]:
        return queries.attention_items(
            session,
            actor,
            PageRequest(page=number, page_size=page_size),
            search=search or None,
            category_id=category_id,
        )

    return page_or_last(fetch, page)


def _load(
    actor: Actor, page: int, page_size: int, search: str, category: str
) -> tuple[Page[dict[str, Any]], list[dict[str, Any]]]:
    with read_session() as session:
        result = fetch_page(session, actor, page, page_size, search, category)
        return result, equipment_service.list_categories(session, actor)


def _live_load(
    token: str,
    ip: str | None,
    user_agent: str | None,
    ids: list[str],
    page: int,
    page_size: int,
    search: str,
    category: str,
):
    return live_page_load(
        token,
        ip,
        user_agent,
        ids,
        lambda session, actor: fetch_page(session, actor, page, page_size, search, category),
        lambda session, actor, item_id: (
            equipment_service.get_equipment(session, actor, item_id).name
        ),
    )


def _history(actor: Actor, item_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return queries.item_history(session, actor, item_id)


def _close(actor: Actor, log_id: uuid.UUID, version: int) -> None:
    with transaction() as session:
        maintenance_service.close_log(session, actor, log_id, version)


def _log(actor: Actor, log_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return queries.get_log_row(session, actor, log_id)


class MaintenanceState(ListStateMixin, rx.State):
    """The attention list of one tab (frontend: the current page of items, their open logs by
    item id, the category filter) plus the history dialog and the close confirmation.

    Every handler validates its arguments (ids are UUID strings of at most 64 characters;
    the category must be one of the loaded ones) and re-verifies the token. Closing needs
    `maintenance:write`, checked by `maintenance.close_log`."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live
    SORT_OPTIONS: ClassVar[dict[str, tuple[str, bool, str]]] = SORT_OPTIONS

    open_logs: dict[str, list[dict[str, str]]] = {}
    category: str = ALL_CATEGORIES
    categories: list[dict[str, str]] = []

    history_open: bool = False
    history_item: dict[str, str] = {}
    history: list[dict[str, str]] = []
    history_error: str = ""

    close_open: bool = False
    close_id: str = ""
    close_label: str = ""
    close_error: str = ""
    closing: bool = False
    _close_version: int = 0
    _language: str = DEFAULT_LANGUAGE  # of the tab, taken at each reload (dates, money)

    # --- computed display ------------------------------------------------------------------

    @rx.var
    def page_label(self) -> str:
        one = "one" if self.total == 1 else "other"
        return translate(
            f"maintenance.list.page_label_{one}",
            self._language,
            page=self.page,
            pages=self.total_pages,
            count=self.total,
        )

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.search) or self.category != ALL_CATEGORIES

    # --- helpers -----------------------------------------------------------------------------

    def _size(self) -> int:
        return self.page_size if self.page_size in PAGE_SIZES else PAGE_SIZES[0]

    def _apply_page(self, page: Page[dict[str, Any]]) -> None:
        self.rows = [display_item(r) for r in page.items]
        self.open_logs = {
            str(r["id"]): [display_log(log, self._language) for log in r.get("open_logs") or []]
            for r in page.items
        }
        self.total = page.total
        self.page = page.page
        self.total_pages = page.total_pages
        self.loaded = True

    async def _reload(self, actor: Actor) -> None:
        self._language = await tab_language(self)
        try:
            page, categories = await asyncio.to_thread(
                _load, actor, max(1, self.page), self._size(), self.search, self.category
            )
        except DomainError as exc:
            self.error = exc.message
            return
        self.error = ""
        self.categories = [{"id": c["id"], "name": c["name"]} for c in categories]
        self._apply_page(page)
        if self.history_open and self.history_item.get("id"):
            await self._read_history(actor, self.history_item["id"])

    async def _read_history(self, actor: Actor, raw_id: str) -> bool:
        item_id = parse_client_id(raw_id)
        if item_id is None:
            return False
        self._language = await tab_language(self)
        try:
            found = await asyncio.to_thread(_history, actor, item_id)
        except NotFound:
            self.history_error = await tr(self, "maintenance.error.item_gone")
            self.history = []
            return True
        item = found["item"]
        self.history_item = display_item({**item, "open_logs": []})
        self.history = [display_log(log, self._language) for log in found["logs"]]
        self.history_error = ""
        return True

    # --- list handlers -------------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /maintenance: re-verify the token, then load the first page of items
        needing attention (`maintenance_queries.attention_items`). No arguments."""
        self.live_notice = ""
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_category(self, value: str):
        """Category filter: "all" or the id of a loaded category."""
        known = {c["id"] for c in self.categories}
        if not isinstance(value, str) or (value != ALL_CATEGORIES and value not in known):
            return
        self.category = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def clear_filters(self):
        """Drop the search and the category filter. No arguments."""
        self.search = ""
        self.category = ALL_CATEGORIES
        self.page = 1
        self.filters_key = str(int(self.filters_key) + 1)
        async for update in self._reload_verified():
            yield update

    # --- history -------------------------------------------------------------------------------

    @rx.event
    async def open_history(self, item_id: str):
        """Show every maintenance log of an item, newest first. `item_id`: a UUID string."""
        if parse_client_id(item_id) is None:
            return
        auth = await self._auth()
        actor = await auth._current_actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.history = []
        self.history_item = {}
        self.history_open = True
        yield
        await self._read_history(actor, item_id)

    @rx.event
    def set_history_open(self, value: bool):
        """History dialog open/close from the browser: only closing is honoured."""
        if value is False:
            self.history_open = False

    # --- closing a log -------------------------------------------------------------------------

    @rx.event
    async def ask_close(self, log_id: str):
        """Ask to confirm closing a log. `log_id`: a UUID string; the log is read fresh and
        its version is the one the close carries. Needs `maintenance:write`."""
        parsed = parse_client_id(log_id)
        if parsed is None:
            return
        auth = await self._auth()
        actor = await auth._current_actor()
        if actor is None:
            yield auth._login_redirect()
            return
        if not actor.can("maintenance:write"):
            yield rx.toast.error(await tr(self, "maintenance.error.cannot_close"))
            return
        try:
            log = await asyncio.to_thread(_log, actor, parsed)
        except NotFound:
            yield rx.toast.error(await tr(self, "maintenance.error.log_gone"))
            return
        shown = display_log(log, await tab_language(self))
        self.close_id = shown["id"]
        self.close_label = f"{shown['item_name']}: {shown['description']}"
        self._close_version = int(log.get("version") or 0)
        self.close_error = ""
        self.close_open = True

    @rx.event
    def set_close_open(self, value: bool):
        """Close-confirmation open/close from the browser: only closing is honoured."""
        if value is False and not self.closing:
            self.close_open = False
            self.close_error = ""

    @rx.event
    async def confirm_close(self):
        """Close the log asked about (`maintenance.close_log` with the version read when
        asking). No arguments."""
        log_id = parse_client_id(self.close_id)
        if log_id is None or not self.close_open or self.closing:
            return
        auth = await self._auth()
        actor = await auth._current_actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.closing = True
        yield
        try:
            await asyncio.to_thread(_close, actor, log_id, self._close_version)
        except VersionConflict as exc:
            self._close_version = int(exc.current.get("version") or self._close_version)
            self.close_error = await tr(self, "maintenance.close.conflict")
            return
        except DomainError as exc:  # already closed, forbidden, deleted
            self.close_error = exc.message
            return
        finally:
            self.closing = False
        self.close_open = False
        yield rx.toast.success(await tr(self, "maintenance.close.done"))
        await self._reload(actor)

    async def _auth(self) -> AuthState:
        return await self.get_state(AuthState)

    # --- live updates (called by avrentals.ui.live inside app.modify_state) -----------------

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-query this tab's page (and the open history) after committed maintenance or
        equipment changes, if it has /maintenance open; name who changed which item."""
        relevant = [c for c in changes if c.entity in LIVE_ENTITIES]
        await self._apply_list_changes(
            relevant,
            path=MAINTENANCE_PATH,
            entity="equipment",
            unnamed="equipment.live.an_item",
            live_load=functools.partial(
                _live_load,
                page=max(1, self.page),
                page_size=self._size(),
                search=self.search,
                category=self.category,
            ),
        )
        if relevant and self.history_open and self.history_item.get("id"):
            token, ip, user_agent, _own = await live_context(self)
            if not token:
                return
            try:
                found = await asyncio.to_thread(
                    _history_live, token, ip, user_agent, self.history_item["id"]
                )
            except DomainError:
                return
            self.history = [display_log(log, self._language) for log in found["logs"]]


def _history_live(token: str, ip: str | None, user_agent: str | None, raw_id: str):
    item_id = parse_client_id(raw_id)
    if item_id is None:
        raise NotFound("Equipment item not found.")
    with read_session() as session:
        actor = verified_actor(session, token, ip, user_agent)
        return queries.item_history(session, actor, item_id)
