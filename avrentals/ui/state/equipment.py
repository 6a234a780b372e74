"""The inventory list (/equipment): one server-side page of equipment, its filters
(search, category, subcategory, status, type, location), sort, table/grid view and the inline
location edit.

Only the current page of display-ready rows is in a frontend var; the Actor stays in
`AuthState`'s backend vars. Reads call `equipment.list_equipment`, the edit calls
`equipment.update_location` (versioned), both in a worker thread. The filters live in the URL
query (the API's parameter names) so a reload or a shared link shows the same list; the
table/grid choice is kept in the browser's localStorage. Live refreshes from the change bus
arrive through `_apply_changes` (called by `avrentals.ui.live`, never by a client).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urlencode

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.enums import EquipmentType, UnitStatus
from avrentals.domain.errors import (
    DomainError,
    NotFound,
    ValidationFailed,
    VersionConflict,
)
from avrentals.domain.pagination import PAGE_SIZES, Page, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import auth as auth_service
from avrentals.domain.services import categories as categories_service
from avrentals.domain.services import equipment as equipment_service
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.settings import get_settings
from avrentals.ui import routes
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.formatting import format_eur
from avrentals.ui.state.listing import MAX_SEARCH_LENGTH, ListStateMixin
from avrentals.ui.state.locale import LocaleState

ALL_CATEGORIES = "all"
ALL = "all"  # "no filter" value of the subcategory / status / type selects
MAX_LOCATION_INPUT = 200  # the service enforces its own limit (100) with a field message
MAX_LOCATION_FILTER = 100
MAX_LOCATION_SUGGESTIONS = 300  # distinct locations offered under the location filter
VIEWS = ("table", "grid")
VIEW_STORAGE_KEY = "avr-equipment-view"

# UI sort choice -> (service sort key from its allow-list, descending, catalogue key of its label).
SORT_OPTIONS: dict[str, tuple[str, bool, str]] = {
    "name": ("name", False, "equipment.sort.name"),
    "name_desc": ("name", True, "equipment.sort.name_desc"),
    "category": ("category", False, "common.field.category"),
    "location": ("location", False, "common.field.location"),
    "asset_code": ("assetCode", False, "equipment.field.asset_code"),
    "rate_desc": ("dailyRate", True, "equipment.sort.rate_desc"),
    "rate": ("dailyRate", False, "equipment.sort.rate"),
    "quantity_desc": ("quantity", True, "equipment.sort.quantity_desc"),
    "status": ("status", False, "common.field.status"),
    "updated": ("updatedAt", True, "equipment.sort.updated"),
}
# Headline status -> catalogue key of its label (rendered with `t(...)`).
STATUS_KEYS = {
    "good": "equipment.status.good",
    "damaged": "equipment.status.damaged",
    "maintenance": "equipment.status.maintenance",
}
# English labels, still imported by the maintenance list (another area of the interface).
STATUS_LABELS = {s: translate(k, DEFAULT_LANGUAGE) for s, k in STATUS_KEYS.items()}
TYPE_KEYS = {"equipment": "equipment.type.equipment", "consumable": "equipment.type.consumables"}
STATUSES = tuple(s.value for s in UnitStatus)
TYPES = tuple(t.value for t in EquipmentType)
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
    subcategory_id: uuid.UUID | None = None
    status: str | None = None
    item_type: str | None = None
    location: str | None = None


def display_row(
    row: dict[str, Any],
    icons: dict[str, str] | None = None,
    language: str = DEFAULT_LANGUAGE,
) -> dict[str, str]:
    """A service row (snake_case, JSON-ready) as the strings the table and the cards show.

    `thumb` is the thumbnail URL or "" for "no photo" (the card then shows the category's
    icon, looked up in `icons` by category id)."""
    status = str(row.get("status") or "")
    thumb = row.get("thumbnail_url") or row.get("image_url") or ""
    category_id = str(row.get("category_id") or "")
    return {
        "id": str(row["id"]),
        "name": str(row.get("name") or ""),
        "asset_code": str(row.get("asset_code") or ""),
        "category": str(row.get("category_name") or ""),
        "subcategory": str(row.get("subcategory_name") or ""),
        "status": status,
        "status_label": STATUS_KEYS.get(status, status.title()),  # a key, or shown as itself
        "qty": f"{row.get('qty_good', 0)}/{row.get('quantity', 0)}",
        "location": str(row.get("location") or ""),
        "rate": format_eur(row.get("daily_rate"), language),
        "consumable": "1" if row.get("item_type") == EquipmentType.CONSUMABLE else "",
        "version": str(row.get("version") or ""),
        "thumb": thumb if isinstance(thumb, str) and thumb.startswith("/") else "",
        "icon": (icons or {}).get(category_id, "package"),
    }


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def sort_param(key: str) -> str:
    """The UI sort choice as the API's `sort` parameter (`-dailyRate`)."""
    column, descending, _label = SORT_OPTIONS.get(key, SORT_OPTIONS["name"])
    return f"-{column}" if descending else column


def sort_from_param(value: Any) -> str | None:
    """The UI sort choice for an API-style `sort` parameter, None when it is not offered."""
    if not isinstance(value, str):
        return None
    for key, (column, descending, _label) in SORT_OPTIONS.items():
        if value == (f"-{column}" if descending else column):
            return key
    return None


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
            subcategory_id=query.subcategory_id,
            status=query.status,
            item_type=query.item_type,
            location=query.location,
        )

    result = fetch(query.page)
    if not result.items and result.total and query.page > result.total_pages:
        result = fetch(result.total_pages)  # the list shrank under us: show its last page
    return result


def _load_list(actor: Actor, query: ListQuery) -> Page[dict[str, Any]]:
    with read_session() as session:
        return _fetch_page(session, actor, query)


@dataclass(frozen=True)
class FilterOptions:
    """What the filter controls offer: categories (with icons), the subcategories of one
    category, and the storage locations in use."""

    categories: list[dict[str, Any]]
    subcategories: list[dict[str, Any]]
    locations: list[str]


def _load_options(actor: Actor, category_id: uuid.UUID | None) -> FilterOptions:
    with read_session() as session:
        categories = equipment_service.list_categories(session, actor)
        known = {c["id"] for c in categories}
        subs = (
            categories_service.list_subcategories(session, actor, category_id)
            if category_id is not None and str(category_id) in known
            else []
        )
        locations = equipment_service.list_locations(session, actor)
        return FilterOptions(categories, subs, locations[:MAX_LOCATION_SUGGESTIONS])


def _load_subcategories(actor: Actor, category_id: uuid.UUID) -> list[dict[str, Any]]:
    with read_session() as session:
        return categories_service.list_subcategories(session, actor, category_id)


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
    with_options: bool,
) -> tuple[Page[dict[str, Any]], dict[str, str], FilterOptions | None]:
    """Re-verify the tab's token, re-query its page (and the filter options when categories
    changed), and name changed items not on the page."""
    with read_session() as session:
        actor, _user = auth_service.actor_for_token(
            session, token, get_settings().jwt_secret, ip=ip, user_agent=user_agent
        )
    options = _load_options(actor, query.category_id) if with_options else None
    with read_session() as session:
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
        return page, names, options


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
    subcategory: str = ALL
    subcategories: list[dict[str, str]] = []
    status: str = ALL
    item_type: str = ALL
    location: str = ""
    locations: list[str] = []
    # Table or grid; client-writable like every browser storage var, so read via `grid_view`.
    view: str = rx.LocalStorage("table", name=VIEW_STORAGE_KEY, sync=True)
    filters_open: bool = False  # phone only: the filter controls are folded away by default
    _category_icons: dict[str, str] = {}

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
    # The tab's language at the last read: the shared paginator shows `page_label` as is.
    _language: str = DEFAULT_LANGUAGE

    # --- computed display ------------------------------------------------------------------

    @rx.var
    def page_label(self) -> str:
        language = self._language
        count = "equipment.list.count_one" if self.total == 1 else "equipment.list.count_other"
        page = translate("common.list.page_of", language, page=self.page, pages=self.total_pages)
        return f"{page} · {translate(count, language, count=self.total)}"

    @rx.var
    def has_filters(self) -> bool:
        # Spelled out (no helper call) so Reflex sees every var this depends on.
        return (
            bool(self.search)
            or self.category != ALL_CATEGORIES
            or self.subcategory != ALL
            or self.status != ALL
            or self.item_type != ALL
            or bool(self.location)
        )

    @rx.var
    def filter_count(self) -> int:
        """How many filters besides the search are set (on the phone's Filters button)."""
        return sum(
            (
                self.category != ALL_CATEGORIES,
                self.subcategory != ALL,
                self.status != ALL,
                self.item_type != ALL,
                bool(self.location),
            )
        )

    @rx.var
    def grid_view(self) -> bool:
        return self.view == "grid"

    @rx.var
    def view_value(self) -> str:
        return self.view if self.view in VIEWS else "table"

    @rx.var
    def subcategory_disabled(self) -> bool:
        return self.category == ALL_CATEGORIES or not self.subcategories

    # --- helpers -----------------------------------------------------------------------------

    def _query(self) -> ListQuery:
        sort, descending, _label = SORT_OPTIONS.get(self.sort, SORT_OPTIONS["name"])
        category_id = _uuid_or_none(self.category) if self.category != ALL_CATEGORIES else None
        subcategory_id = _uuid_or_none(self.subcategory) if category_id is not None else None
        return ListQuery(
            page=max(1, self.page),
            page_size=self.page_size if self.page_size in PAGE_SIZES else PAGE_SIZES[0],
            search=self.search,
            category_id=category_id,
            sort=sort,
            descending=descending,
            subcategory_id=subcategory_id,
            status=self.status if self.status in STATUSES else None,
            item_type=self.item_type if self.item_type in TYPES else None,
            location=self.location or None,
        )

    def _url_query(self) -> str:
        """The list's filters, sort and paging as the API's query parameters (defaults left
        out), for the address bar."""
        params: dict[str, str] = {}
        if self.search:
            params["search"] = self.search
        if self.category != ALL_CATEGORIES:
            params["categoryId"] = self.category
        if self.subcategory != ALL:
            params["subcategoryId"] = self.subcategory
        if self.status != ALL:
            params["status"] = self.status
        if self.item_type != ALL:
            params["type"] = self.item_type
        if self.location:
            params["location"] = self.location
        if self.sort != "name":
            params["sort"] = sort_param(self.sort)
        if self.page_size != PAGE_SIZES[0]:
            params["pageSize"] = str(self.page_size)
        if self.page > 1:
            params["page"] = str(self.page)
        return urlencode(params)

    def _sync_url(self) -> Any:
        """Replace the address bar's query with the current filters (no navigation, no
        history entry), so a reload or a copied link opens the same list."""
        query = self._url_query()
        url = routes.EQUIPMENT + (f"?{query}" if query else "")
        return rx.call_script(
            f"window.history.replaceState(window.history.state, '', {json.dumps(url)})"
        )

    def _read_url(self) -> uuid.UUID | None:
        """Take the filters from the page's URL query (untrusted: every value is checked
        against its allow-list or shape; anything else is ignored). Returns the requested
        category id, still to be checked against the loaded categories."""
        raw = self.router.url.query_parameters or {}

        def get(name: str) -> str:
            value = raw.get(name)
            if isinstance(value, list):
                value = value[0] if value else ""
            return value.strip() if isinstance(value, str) else ""

        self.search = get("search")[:MAX_SEARCH_LENGTH]
        category_id = _uuid_or_none(get("categoryId"))
        self.category = str(category_id) if category_id else ALL_CATEGORIES
        sub_id = _uuid_or_none(get("subcategoryId"))
        self.subcategory = str(sub_id) if sub_id and category_id else ALL
        self.status = get("status") if get("status") in STATUSES else ALL
        self.item_type = get("type") if get("type") in TYPES else ALL
        self.location = get("location")[:MAX_LOCATION_FILTER]
        self.sort = sort_from_param(get("sort")) or "name"
        size = get("pageSize")
        self.page_size = int(size) if size.isdigit() and int(size) in PAGE_SIZES else PAGE_SIZES[0]
        page = get("page")
        self.page = int(page) if page.isdigit() and 0 < int(page) < 1_000_000 else 1
        self.filters_key = str(int(self.filters_key) + 1)  # the uncontrolled inputs re-read
        return category_id

    def _apply_options(self, options: FilterOptions) -> None:
        self.categories = [{"id": c["id"], "name": c["name"]} for c in options.categories]
        self._category_icons = {
            c["id"]: str(c.get("icon") or "package") for c in options.categories
        }
        if self.category != ALL_CATEGORIES and self.category not in self._category_icons:
            self.category = ALL_CATEGORIES
        self._apply_subcategories(options.subcategories if self.category != ALL_CATEGORIES else [])
        self.locations = list(options.locations)

    def _apply_subcategories(self, subs: list[dict[str, Any]]) -> None:
        self.subcategories = [
            {"id": str(s["id"]), "name": str(s["name"])}
            for s in subs
            if str(s.get("category_id")) == self.category
        ]
        if self.subcategory != ALL and self.subcategory not in {
            s["id"] for s in self.subcategories
        }:
            self.subcategory = ALL

    def _apply_page(self, page: Page[dict[str, Any]]) -> None:
        self.rows = [display_row(r, self._category_icons, self._language) for r in page.items]
        self.total = page.total
        self.page = page.page
        self.total_pages = page.total_pages
        self.loaded = True

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    async def _reload(self, actor: Actor) -> None:
        self._language = (await self.get_state(LocaleState)).language
        try:
            page = await asyncio.to_thread(_load_list, actor, self._query())
        except ValidationFailed as exc:  # e.g. a location filter the service refuses
            self.error = next(iter(m for ms in exc.fields.values() for m in ms), exc.message)
            return
        except DomainError as exc:
            self.error = exc.message
            return
        self.error = ""
        self._apply_page(page)

    async def _reload_verified(self):
        """Re-query (the mixin's paging / search / sort handlers end here), then put the new
        filters into the address bar."""
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()  # and leave the address bar to the redirect
            return
        self.loading = True
        yield
        try:
            await self._reload(actor)
        finally:
            self.loading = False
        yield self._sync_url()

    # --- event handlers ----------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /equipment: re-verify the token (fresh), take the filters from the URL
        query (validated; a plain /equipment in a tab that already had the list open keeps
        that tab's filters, so "back to the list" links lose nothing), load the filter options
        (`list_categories`, `list_subcategories`, `list_locations`) and the current page
        (`list_equipment`), then write the filters back into the address bar. No arguments."""
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.edit_open = False
        self.loading = True
        if self.router.url.query_parameters or not self.loaded:
            category_id = self._read_url()
        else:
            category_id = _uuid_or_none(self.category)
        yield
        try:
            try:
                options = await asyncio.to_thread(_load_options, actor, category_id)
            except DomainError as exc:
                self.error = exc.message
                return
            self._apply_options(options)
            await self._reload(actor)
        finally:
            self.loading = False
        yield self._sync_url()

    @rx.event
    def toggle_filters(self):
        """Show / hide the filter controls on a phone (always shown on wider screens)."""
        self.filters_open = not self.filters_open

    @rx.event
    async def set_view(self, value: str | list[str]):
        """Table or grid (kept in this browser). `value` must be "table" or "grid"."""
        if isinstance(value, str) and value in VIEWS:
            self.view = value

    @rx.event
    async def set_category(self, value: str):
        """Category filter: `value` must be "all" or the id of a loaded category. Resets the
        subcategory and loads the chosen category's subcategories."""
        if not isinstance(value, str):
            return
        if value != ALL_CATEGORIES and value not in {c["id"] for c in self.categories}:
            return
        if value == self.category:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.category = value
        self.subcategory = ALL
        self.subcategories = []
        self.page = 1
        if value != ALL_CATEGORIES:
            try:
                subs = await asyncio.to_thread(_load_subcategories, actor, uuid.UUID(value))
            except DomainError as exc:
                self.error = exc.message
                subs = []
            self._apply_subcategories(subs)
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_subcategory(self, value: str):
        """Subcategory filter: "all" or the id of a loaded subcategory of the chosen category."""
        if not isinstance(value, str) or value == self.subcategory:
            return
        if value != ALL and value not in {s["id"] for s in self.subcategories}:
            return
        self.subcategory = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_status(self, value: str):
        """Status filter: "all", "good", "damaged" or "maintenance" (the headline status)."""
        if not isinstance(value, str) or value == self.status:
            return
        if value != ALL and value not in STATUSES:
            return
        self.status = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_item_type(self, value: str):
        """Type filter: "all", "equipment" or "consumable"."""
        if not isinstance(value, str) or value == self.item_type:
            return
        if value != ALL and value not in TYPES:
            return
        self.item_type = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_location(self, value: str):
        """Location filter (debounced in the browser): items whose location starts with
        `value` (case-insensitive). A string, trimmed and cut to 100 characters."""
        if not isinstance(value, str):
            return
        value = value.strip()[:MAX_LOCATION_FILTER]
        if value == self.location:
            return
        self.location = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def clear_filters(self):
        """Drop the search and every filter (sort, page size and view stay). No arguments."""
        self.search = ""
        self.category = ALL_CATEGORIES
        self.subcategory = ALL
        self.subcategories = []
        self.status = ALL
        self.item_type = ALL
        self.location = ""
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
            return rx.toast.error(await tr(self, "equipment.error.cannot_change"))
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
            self.edit_error = await tr(self, "equipment.location.error_too_long")
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
            yield rx.toast.error(await tr(self, "equipment.error.gone"))
            await self._reload(actor)
        except DomainError as exc:  # Forbidden, rate limits, ...
            self.edit_error = exc.message
        else:
            self.edit_open = False
            self.edit_conflict = ""
            yield rx.toast.success(await tr(self, "equipment.location.saved", name=self.edit_name))
            await self._reload(actor)
        finally:
            self.saving = False

    async def _on_conflict(self, actor: Actor, item_id: uuid.UUID, current: dict) -> None:
        try:
            who = await asyncio.to_thread(_editor_name, actor, item_id)
        except DomainError:
            who = None
        saved = str(current.get("location") or "")
        who = who or await tr(self, "equipment.live.someone_else")
        self.edit_conflict = await tr(self, "equipment.location.conflict", who=who, saved=saved)
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
        # Category / subcategory changes rename, add or remove filter options.
        with_options = any(c.entity != "equipment" for c in relevant)
        try:
            page, names, options = await asyncio.to_thread(
                _live_load,
                token,
                ip,
                user_agent,
                self._query(),
                [c.id for c in changed],
                with_options,
            )
        except DomainError:  # Unauthorized included
            return  # their next event re-verifies and redirects
        before = {r["id"]: r for r in self.rows}
        if options is not None:
            self._apply_options(options)
        self._apply_page(page)
        after = {r["id"]: r for r in self.rows}
        own = auth._actor.username if auth._actor is not None else None
        language = (await self.get_state(LocaleState)).language
        for change in reversed(changed):
            if change.actor and change.actor == own:
                continue
            self.live_notice = _describe(
                change, before.get(change.id), after.get(change.id), names, language
            )
            self.live_item_id = change.id
            if self.edit_open and change.id == self.edit_id and change.version:
                current = after.get(change.id)
                if current is not None and str(change.version) != str(self.edit_version):
                    who = change.actorName or change.actor
                    who = who or translate("equipment.live.someone_else", language)
                    self.edit_conflict = translate(
                        "equipment.location.conflict",
                        language,
                        who=who,
                        saved=current["location"],
                    )
            break


def _describe(
    change: Change,
    before: dict[str, str] | None,
    after: dict[str, str] | None,
    names: dict[str, str],
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """The live banner's sentence, in `language`."""

    def say(key: str, **params: str) -> str:
        return translate(key, language, **params)

    who = change.actorName or change.actor or say("equipment.live.someone")
    if change.action == "import":
        return say("equipment.live.imported", who=who)
    name = (after or before or {}).get("name") or names.get(change.id)
    name = name or say("equipment.live.an_item")
    if change.action == "delete":
        return say("equipment.live.removed", name=name, who=who)
    if change.action == "create":
        return say("equipment.live.added", name=name, who=who)
    if before is not None and after is not None and before["location"] != after["location"]:
        return say("equipment.live.location_updated", name=name, who=who)
    return say("equipment.live.updated", name=name, who=who)
