"""The inventory list (/equipment): one server-side page of equipment, filters, and the
inline location edit.

Only the current page of display-ready rows is in a frontend var; the Actor stays in
`AuthState`'s backend vars. Reads call `equipment.list_equipment`, the edit calls
`equipment.update_location` (versioned), both in a worker thread. Live refreshes from the
change bus arrive through `_apply_changes` (called by `avrentals.ui.live`, never by a client).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.errors import (
    DomainError,
    NotFound,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.pagination import PAGE_SIZES, Page, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import auth as auth_service
from avrentals.domain.services import equipment as equipment_service
from avrentals.settings import get_settings
from avrentals.ui import routes
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.listing import ListStateMixin

ALL_CATEGORIES = "all"
MAX_LOCATION_INPUT = 200  # the service enforces its own limit (100) with a field message

# UI sort choice -> (service sort key from its allow-list, descending, label).
SORT_OPTIONS: dict[str, tuple[str, bool, str]] = {
    "name": ("name", False, "Name (A-Z)"),
    "name_desc": ("name", True, "Name (Z-A)"),
    "category": ("category", False, "Category"),
    "location": ("location", False, "Location"),
    "asset_code": ("assetCode", False, "Asset code"),
    "rate_desc": ("dailyRate", True, "Daily rate (highest first)"),
    "rate": ("dailyRate", False, "Daily rate (lowest first)"),
    "quantity_desc": ("quantity", True, "Quantity (most first)"),
    "updated": ("updatedAt", True, "Recently updated"),
}
STATUS_LABELS = {"good": "Good", "damaged": "Damaged", "maintenance": "Maintenance"}
LIVE_ENTITIES = frozenset({"equipment", "category", "subcategory"})


@dataclass(frozen=True)
class ListQuery:
    """What the list shows, already validated."""

    page: int
    page_size: int
    search: str
    category_id: uuid.UUID | None
    sort: str
    descending: bool


def format_eur(value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    return f"€{amount:,.2f}"


def display_row(row: dict[str, Any]) -> dict[str, str]:
    """A service row (snake_case, JSON-ready) as the strings the table shows."""
    status = str(row.get("status") or "")
    return {
        "id": str(row["id"]),
        "name": str(row.get("name") or ""),
        "asset_code": str(row.get("asset_code") or ""),
        "category": str(row.get("category_name") or ""),
        "subcategory": str(row.get("subcategory_name") or ""),
        "status": status,
        "status_label": STATUS_LABELS.get(status, status.title()),
        "qty": f"{row.get('qty_good', 0)}/{row.get('quantity', 0)}",
        "location": str(row.get("location") or ""),
        "rate": format_eur(row.get("daily_rate")),
        "version": str(row.get("version") or ""),
    }


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def _fetch_page(session: Any, actor: Actor, query: ListQuery) -> Page[dict[str, Any]]:
    def fetch(page: int) -> Page[dict[str, Any]]:
        return equipment_service.list_equipment(
            session,
            actor,
            PageRequest(page=page, page_size=query.page_size),
            search=query.search or None,
            category_id=query.category_id,
            sort=query.sort,
            descending=query.descending,
        )

    result = fetch(query.page)
    if not result.items and result.total and query.page > result.total_pages:
        result = fetch(result.total_pages)  # the list shrank under us: show its last page
    return result


def _load_list(
    actor: Actor, query: ListQuery, with_categories: bool
) -> tuple[Page[dict[str, Any]], list[dict[str, Any]] | None]:
    with read_session() as session:
        categories = equipment_service.list_categories(session, actor) if with_categories else None
        return _fetch_page(session, actor, query), categories


def _save_location(actor: Actor, item_id: uuid.UUID, version: int, location: str) -> None:
    with transaction() as session:
        equipment_service.update_location(session, actor, item_id, version, location)


def _editor_name(actor: Actor, item_id: uuid.UUID) -> str | None:
    with read_session() as session:
        return equipment_service.last_editor_name(session, actor, item_id)


def _live_load(
    token: str,
    ip: str | None,
    user_agent: str | None,
    query: ListQuery,
    missing_ids: list[str],
) -> tuple[Page[dict[str, Any]], dict[str, str]]:
    """Re-verify the tab's token, re-query its page, and name changed items not on it."""
    with read_session() as session:
        actor, _user = auth_service.actor_for_token(
            session, token, get_settings().jwt_secret, ip=ip, user_agent=user_agent
        )
        page = _fetch_page(session, actor, query)
        on_page = {str(r["id"]) for r in page.items}
        names: dict[str, str] = {}
        for raw in missing_ids:
            if raw in on_page:
                continue
            try:
                names[raw] = equipment_service.get_equipment(session, actor, uuid.UUID(raw)).name
            except (NotFound, ValueError):
                continue
        return page, names


class EquipmentState(ListStateMixin, rx.State):
    """Inventory list of one tab: the current page (frontend), filters, the edit dialog.

    Every handler validates its arguments (types, allow-lists, ranges) and gets the Actor from
    AuthState: page load and the save re-verify the token; paging/filtering reuse a recent
    verification. Services enforce permissions; `open_edit` only spares a role without
    `equipment:write` a dialog whose save would be refused.
    """

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live
    SORT_OPTIONS: ClassVar[dict[str, tuple[str, bool, str]]] = SORT_OPTIONS

    category: str = ALL_CATEGORIES
    categories: list[dict[str, str]] = []

    edit_open: bool = False
    edit_id: str = ""
    edit_name: str = ""
    edit_asset_code: str = ""
    edit_location: str = ""
    edit_version: int = 0
    edit_error: str = ""
    edit_conflict: str = ""
    edit_overwrite: bool = False  # after a conflict: the next save replaces the saved value
    saving: bool = False

    # --- computed display ------------------------------------------------------------------

    @rx.var
    def page_label(self) -> str:
        items = "item" if self.total == 1 else "items"
        return f"Page {self.page} of {self.total_pages} · {self.total} {items}"

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.search) or self.category != ALL_CATEGORIES

    # --- helpers -----------------------------------------------------------------------------

    def _query(self) -> ListQuery:
        sort, descending, _label = SORT_OPTIONS.get(self.sort, SORT_OPTIONS["name"])
        category_id = None
        if self.category != ALL_CATEGORIES:
            try:
                category_id = uuid.UUID(self.category)
            except ValueError:
                category_id = None
        return ListQuery(
            page=max(1, self.page),
            page_size=self.page_size if self.page_size in PAGE_SIZES else PAGE_SIZES[0],
            search=self.search,
            category_id=category_id,
            sort=sort,
            descending=descending,
        )

    def _apply_page(self, page: Page[dict[str, Any]]) -> None:
        self.rows = [display_row(r) for r in page.items]
        self.total = page.total
        self.page = page.page
        self.total_pages = page.total_pages
        self.loaded = True

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    async def _reload(self, actor: Actor, *, with_categories: bool = False) -> None:
        try:
            page, categories = await asyncio.to_thread(
                _load_list, actor, self._query(), with_categories
            )
        except DomainError as exc:
            self.error = exc.message
            return
        self.error = ""
        self._apply_page(page)
        if categories is not None:
            self.categories = [{"id": c["id"], "name": c["name"]} for c in categories]
            if self.category != ALL_CATEGORIES and self.category not in {
                c["id"] for c in self.categories
            }:
                self.category = ALL_CATEGORIES

    # --- event handlers ----------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /equipment: re-verify the token (fresh), then load the categories and
        the current page (`list_categories`, `list_equipment`). No arguments."""
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.edit_open = False
        self.loading = True
        yield
        try:
            await self._reload(actor, with_categories=True)
        finally:
            self.loading = False

    @rx.event
    async def set_category(self, value: str):
        """Category filter: `value` must be "all" or the id of a loaded category."""
        if not isinstance(value, str):
            return
        if value != ALL_CATEGORIES and value not in {c["id"] for c in self.categories}:
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

    @rx.event
    async def open_edit(self, item_id: str):
        """Open the location editor for a row of the current page. `item_id` must be the id
        of a row this tab has loaded; the version saved with the edit is that row's version.
        Roles without `equipment:write` get nothing (the service would refuse the save)."""
        if not isinstance(item_id, str):
            return
        row = next((r for r in self.rows if r["id"] == item_id), None)
        if row is None:
            return
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can("equipment:write"):
            return rx.toast.error("Your role cannot change equipment.")
        self.edit_id = row["id"]
        self.edit_name = row["name"]
        self.edit_asset_code = row["asset_code"]
        self.edit_location = row["location"]
        self.edit_version = int(row["version"] or 0)
        self.edit_error = ""
        self.edit_conflict = ""
        self.edit_overwrite = False
        self.edit_open = True
        return None

    @rx.event
    def set_edit_open(self, value: bool):
        """Dialog open/close from the browser: only closing is honoured (opening goes through
        `open_edit`)."""
        if value is False:
            self.edit_open = False
            self.edit_error = ""
            self.edit_conflict = ""

    @rx.event
    async def save_location(self, form_data: dict):
        """Save the edited location. `form_data` must be a dict with a string `location`
        (≤ 200 characters here; the service allows 1-100 and says so per field). Re-verifies
        the token, then calls `equipment.update_location` with the version loaded when the
        dialog opened: a stale version shows who changed the item and its saved location."""
        if self.saving or not self.edit_open or not self.edit_id:
            return
        data = form_data if isinstance(form_data, dict) else {}
        location = data.get("location")
        if not isinstance(location, str) or len(location) > MAX_LOCATION_INPUT:
            self.edit_error = "Location is required (at most 100 characters)."
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        item_id = uuid.UUID(self.edit_id)
        self.saving = True
        self.edit_error = ""
        yield
        try:
            await asyncio.to_thread(_save_location, actor, item_id, self.edit_version, location)
        except VersionConflict as exc:
            await self._on_conflict(actor, item_id, exc.current)
        except ValidationFailed as exc:
            messages = exc.fields.get("location") or [m for ms in exc.fields.values() for m in ms]
            self.edit_error = messages[0] if messages else exc.message
        except NotFound:
            self.edit_open = False
            yield rx.toast.error("This item no longer exists.")
            await self._reload(actor)
        except DomainError as exc:  # Forbidden, rate limits, ...
            self.edit_error = exc.message
        else:
            self.edit_open = False
            self.edit_conflict = ""
            yield rx.toast.success(f"Location of {self.edit_name} saved.")
            await self._reload(actor)
        finally:
            self.saving = False

    async def _on_conflict(self, actor: Actor, item_id: uuid.UUID, current: dict) -> None:
        try:
            who = await asyncio.to_thread(_editor_name, actor, item_id)
        except DomainError:
            who = None
        saved = str(current.get("location") or "")
        self.edit_conflict = (
            f"{who or 'Someone else'} changed this item; the saved location is “{saved}”."
        )
        with contextlib.suppress(TypeError, ValueError):
            self.edit_version = int(current.get("version") or self.edit_version)
        self.edit_overwrite = True
        await self._reload(actor)

    # --- live updates (called by avrentals.ui.live inside app.modify_state) -----------------

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Refresh this tab's page after committed changes, if it has the list open, and say
        who changed what (the banner). Re-verifies the tab's token with the query; a tab
        whose token no longer verifies is left alone (its next event redirects it)."""
        relevant = [c for c in changes if c.entity in LIVE_ENTITIES]
        on_list = self.router.url.path.rstrip("/") == routes.EQUIPMENT
        if not relevant or not self.loaded or not on_list:
            return
        auth = await self.get_state(AuthState)
        token = auth.token if isinstance(auth.token, str) else ""
        if not auth.signed_in or not token:
            return
        ip, user_agent = auth._request_context()
        changed = [c for c in relevant if c.entity == "equipment"]
        try:
            page, names = await asyncio.to_thread(
                _live_load, token, ip, user_agent, self._query(), [c.id for c in changed]
            )
        except DomainError:  # Unauthorized included
            return  # their next event re-verifies and redirects
        before = {r["id"]: r for r in self.rows}
        self._apply_page(page)
        after = {r["id"]: r for r in self.rows}
        own = auth._actor.username if auth._actor is not None else None
        for change in reversed(changed):
            if change.actor and change.actor == own:
                continue
            self.live_notice = _describe(change, before.get(change.id), after.get(change.id), names)
            self.live_item_id = change.id
            if self.edit_open and change.id == self.edit_id and change.version:
                current = after.get(change.id)
                if current is not None and str(change.version) != str(self.edit_version):
                    who = change.actorName or change.actor or "Someone else"
                    self.edit_conflict = (
                        f"{who} changed this item; the saved location is “{current['location']}”."
                    )
            break


def _describe(
    change: Change,
    before: dict[str, str] | None,
    after: dict[str, str] | None,
    names: dict[str, str],
) -> str:
    who = change.actorName or change.actor or "Someone"
    name = (after or before or {}).get("name") or names.get(change.id) or "An item"
    if change.action == "delete":
        return f"{name} was removed by {who}."
    if change.action == "create":
        return f"{name} was added by {who}."
    if before is not None and after is not None and before["location"] != after["location"]:
        return f"Location of {name} updated by {who}."
    return f"{name} updated by {who}."
