"""The catalogue page (/catalogue): the services list, the fees list, and the deactivate /
reactivate confirmation they share.

Each list is one server-side page (search, active / inactive / all, category, sort, paging)
of display-ready rows; the Actor stays in `AuthState`'s backend vars and is re-verified at
the start of every handler. Reads call the domain's catalogue functions
(`services.catalogue` with the `SERVICES` / `FEES` specs) in a worker thread. Live refreshes
from the change bus arrive through `_apply_changes` (called by `avrentals.ui.live`, never by
a client). Create / edit live in `catalogue_form.py`.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, NotFound, VersionConflict
from avrentals.domain.pagination import PAGE_SIZES, Page, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.serialize import snapshot
from avrentals.domain.services import catalogue as catalogue_service
from avrentals.domain.services.fee_catalogue import FEES
from avrentals.domain.services.service_catalogue import SERVICES
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.i18n import format_percent as i18n_format_percent
from avrentals.ui import routes
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.formatting import NOT_A_NUMBER, finite_decimal, format_eur, text
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.listing import ListStateMixin, live_context, live_page_load, page_or_last
from avrentals.ui.state.locale import LocaleState

CATALOGUE_PATH = routes.CATALOGUE
CATALOGUES: dict[str, catalogue_service.Catalogue[Any]] = {"service": SERVICES, "fee": FEES}
ALL_CATEGORIES = "__all__"  # the "All categories" item (a select item cannot be "")
# Choices -> catalogue keys of their labels.
STATUS_OPTIONS: dict[str, str] = {
    "active": "common.state.active",
    "inactive": "common.state.inactive",
    "all": "catalogue.filter.all",
}
UNIT_KEYS: dict[str, str] = {
    "day": "catalogue.unit.day",
    "hour": "catalogue.unit.hour",
    "unit": "catalogue.unit.unit",
    "event": "catalogue.unit.event",
    "km": "catalogue.unit.km",
}
FEE_TYPE_KEYS: dict[str, str] = {
    "fixed": "catalogue.fee_type.fixed",
    "percentage": "catalogue.fee_type.percentage",
}
# The same labels in English (the reference language).
UNIT_LABELS: dict[str, str] = {k: translate(v, DEFAULT_LANGUAGE) for k, v in UNIT_KEYS.items()}
FEE_TYPE_LABELS: dict[str, str] = {
    k: translate(v, DEFAULT_LANGUAGE) for k, v in FEE_TYPE_KEYS.items()
}
SERVICE_SORTS: dict[str, tuple[str, bool, str]] = {
    "name": ("name", False, "catalogue.sort.name"),
    "name_desc": ("name", True, "catalogue.sort.name_desc"),
    "price": ("unitPrice", False, "catalogue.sort.price"),
    "price_desc": ("unitPrice", True, "catalogue.sort.price_desc"),
    "category": ("category", False, "catalogue.sort.category"),
    "updated": ("updatedAt", True, "catalogue.sort.updated"),
}
FEE_SORTS: dict[str, tuple[str, bool, str]] = {
    "name": ("name", False, "catalogue.sort.name"),
    "name_desc": ("name", True, "catalogue.sort.name_desc"),
    "required": ("isRequired", True, "catalogue.sort.required"),
    "type": ("feeType", False, "catalogue.sort.type"),
    "category": ("category", False, "catalogue.sort.category"),
    "updated": ("updatedAt", True, "catalogue.sort.updated"),
}


# --- formatting (pure) -----------------------------------------------------------------------


def format_percent(value: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """ "3.00" -> "3 %", "12.50" -> "12.5 %" ("12,5 %" in Portuguese); "—" if not a number."""
    amount = finite_decimal(value)
    return NOT_A_NUMBER if amount is None else i18n_format_percent(amount, language)


def service_display(row: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A service row (snake_case, JSON-ready) as the strings the table shows."""
    unit = text(row.get("unit"))
    return {
        "id": str(row["id"]),
        "name": text(row.get("name")),
        "description": text(row.get("description")),
        "category": text(row.get("category")),
        "price": format_eur(row.get("unit_price"), language),
        "unit": translate(UNIT_KEYS[unit], language) if unit in UNIT_KEYS else unit,
        "active": "true" if row.get("is_active") else "false",
        "version": text(row.get("version")),
    }


def fee_display(row: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A fee row as the strings the table shows (a percentage as "3 %")."""
    fee_type = text(row.get("fee_type"))
    percentage = fee_type == "percentage"
    amount = row.get("amount")
    return {
        "id": str(row["id"]),
        "name": text(row.get("name")),
        "description": text(row.get("description")),
        "category": text(row.get("category")),
        "amount": (
            format_percent(amount, language) if percentage else format_eur(amount, language)
        ),
        "type": (
            translate(FEE_TYPE_KEYS[fee_type], language) if fee_type in FEE_TYPE_KEYS else fee_type
        ),
        "basis": translate(
            "catalogue.fee.basis_percentage" if percentage else "catalogue.fee.basis_fixed",
            language,
        ),
        "required": "true" if row.get("is_required") else "false",
        "active": "true" if row.get("is_active") else "false",
        "version": text(row.get("version")),
    }


@dataclass(frozen=True)
class ListQuery:
    """What a list shows, already validated."""

    page: int
    page_size: int
    search: str
    status: str
    category: str
    sort: str
    descending: bool


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def fetch_page(session: Session, actor: Actor, kind: str, query: ListQuery) -> Page[dict[str, Any]]:
    """One page of the `kind` catalogue (last page if the list shrank), with `extra`:
    `all_total` (rows whatever the filters) and `categories` (for the filter)."""
    cat = CATALOGUES[kind]

    def fetch(page: int) -> Page[dict[str, Any]]:
        return catalogue_service.list_rows(
            session,
            actor,
            cat,
            PageRequest(page=page, page_size=query.page_size),
            search=query.search or None,
            status=query.status,
            category=query.category or None,
            sort=query.sort,
            descending=query.descending,
        )

    result = page_or_last(fetch, query.page)
    unfiltered = catalogue_service.list_rows(session, actor, cat, PageRequest(1, 1))
    extra = {
        "all_total": unfiltered.total,
        "categories": catalogue_service.categories(session, actor, cat),
    }
    return Page(result.items, result.page, result.page_size, result.total, extra)


def _load_list(actor: Actor, kind: str, query: ListQuery) -> Page[dict[str, Any]]:
    with read_session() as session:
        return fetch_page(session, actor, kind, query)


def _live_load(
    token: str, ip: str | None, user_agent: str | None, kind: str, query: ListQuery, ids: list[str]
) -> tuple[Page[dict[str, Any]], dict[str, str]]:
    """Re-verify the tab's token, re-query its page, and name changed rows not on it."""
    cat = CATALOGUES[kind]
    return live_page_load(
        token,
        ip,
        user_agent,
        ids,
        lambda session, actor: fetch_page(session, actor, kind, query),
        lambda session, actor, row_id: catalogue_service.get_row(session, actor, cat, row_id).name,
    )


def get_row(actor: Actor, kind: str, row_id: uuid.UUID) -> dict[str, Any]:
    """Blocking: one catalogue row (snapshot)."""
    with read_session() as session:
        return snapshot(catalogue_service.get_row(session, actor, CATALOGUES[kind], row_id))


def _set_active(actor: Actor, kind: str, row_id: uuid.UUID, version: int, active: bool) -> None:
    with transaction() as session:
        catalogue_service.set_active(session, actor, CATALOGUES[kind], row_id, version, active)


# --- the lists -------------------------------------------------------------------------------


class CatalogueListMixin(ListStateMixin, mixin=True):
    """One catalogue's list in one tab. A state sets `KIND` ("service" / "fee"), `NOUN`,
    `SORT_OPTIONS` and `LIVE_ENTITIES`, and turns rows into display dicts (`_display`).

    Every handler validates its arguments (types, lengths, allow-lists) and re-verifies the
    token through `AuthState._current_actor()` before the query."""

    KIND: ClassVar[str] = ""
    NOUN: ClassVar[str] = ""

    status: str = "active"
    category: str = ALL_CATEGORIES
    categories: list[str] = []
    all_total: int = 0
    _language: str = DEFAULT_LANGUAGE  # the tab's, as of the last load (rows are worded in it)

    @rx.var
    async def page_label(self) -> str:
        """ "Page 1 of 3 · 45 services" in the tab's language."""
        locale = await self.get_state(LocaleState)
        one = "_one" if self.total == 1 else ""
        return translate(
            f"catalogue.list.page_label_{self.KIND}{one}",
            locale.language,
            page=self.page,
            pages=self.total_pages,
            count=self.total,
        )

    @rx.var
    def has_filters(self) -> bool:
        """Rows exist but the filters hide them all (vs. an empty catalogue)."""
        return self.all_total > 0

    def _display(self, row: dict[str, Any]) -> dict[str, str]:
        raise NotImplementedError

    async def _take_language(self) -> None:
        self._language = (await self.get_state(LocaleState)).language

    def _query(self) -> ListQuery:
        options = type(self).SORT_OPTIONS
        sort, descending, _label = options.get(self.sort, options["name"])
        return ListQuery(
            page=max(1, self.page),
            page_size=self.page_size if self.page_size in PAGE_SIZES else PAGE_SIZES[0],
            search=self.search,
            status=self.status if self.status in STATUS_OPTIONS else "active",
            category="" if self.category == ALL_CATEGORIES else self.category,
            sort=sort,
            descending=descending,
        )

    def _apply_page(self, page: Page[dict[str, Any]]) -> None:
        self.rows = [self._display(r) for r in page.items]
        self.total = page.total
        self.page = page.page
        self.total_pages = page.total_pages
        self.all_total = int(page.extra.get("all_total", page.total))
        self.categories = list(page.extra.get("categories", []))
        self.loaded = True

    async def _reload(self, actor: Actor) -> None:
        await self._take_language()
        try:
            page = await asyncio.to_thread(_load_list, actor, self.KIND, self._query())
        except DomainError as exc:
            self.error = exc.message
            return
        self.error = ""
        self._apply_page(page)

    @rx.event
    async def load(self):
        """on_load of /catalogue: re-verify the token, then load the current page. No
        arguments."""
        self.live_notice = ""
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_status(self, value: str):
        """Active / inactive / all: `value` must be a key of STATUS_OPTIONS."""
        if not isinstance(value, str) or value not in STATUS_OPTIONS or value == self.status:
            return
        self.status = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_category(self, value: str):
        """Category filter: `value` must be ALL_CATEGORIES or one of the loaded categories."""
        if not isinstance(value, str) or value == self.category:
            return
        if value != ALL_CATEGORIES and value not in self.categories:
            return
        self.category = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def clear_filters(self):
        """Drop the search and the filters (every row, active or not). No arguments."""
        self.search = ""
        self.status = "all"
        self.category = ALL_CATEGORIES
        self.page = 1
        self.filters_key = str(int(self.filters_key) + 1)
        async for update in self._reload_verified():
            yield update

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-query this tab's page after committed changes of this catalogue, if it has
        the page open, and name who changed which row (own changes are not announced)."""
        await self._take_language()
        await self._apply_list_changes(
            [c for c in changes if c.entity == self.KIND],
            path=CATALOGUE_PATH,
            entity=self.KIND,
            unnamed=await tr(self, f"catalogue.live.unnamed_{self.KIND}"),
            live_load=functools.partial(_live_load, kind=self.KIND, query=self._query()),
        )


class ServicesState(CatalogueListMixin, rx.State):
    """The services tab of /catalogue."""

    KIND: ClassVar[str] = "service"
    NOUN: ClassVar[str] = "service"
    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({"service"})  # for avrentals.ui.live
    SORT_OPTIONS: ClassVar[dict[str, tuple[str, bool, str]]] = SERVICE_SORTS

    def _display(self, row: dict[str, Any]) -> dict[str, str]:
        return service_display(row, self._language)


class FeesState(CatalogueListMixin, rx.State):
    """The fees tab of /catalogue."""

    KIND: ClassVar[str] = "fee"
    NOUN: ClassVar[str] = "fee"
    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({"fee"})  # for avrentals.ui.live
    SORT_OPTIONS: ClassVar[dict[str, tuple[str, bool, str]]] = FEE_SORTS

    def _display(self, row: dict[str, Any]) -> dict[str, str]:
        return fee_display(row, self._language)


LIST_STATES: dict[str, type[CatalogueListMixin]] = {"service": ServicesState, "fee": FeesState}


async def refresh_list(state: rx.State, actor: Actor, kind: str) -> None:
    """Re-query the `kind` list of this tab (after its own write), if it was loaded."""
    listing = await state.get_state(LIST_STATES[kind])
    if listing.loaded:
        await listing._reload(actor)


# --- deactivate / reactivate -------------------------------------------------------------------


class CatalogueToggleState(rx.State):
    """The deactivate / reactivate confirmation of one tab, for either catalogue.

    `ask_toggle(kind, id)` reads the row fresh: its version is what the change carries and
    its `is_active` decides the direction. Handlers re-verify the token and validate their
    arguments (`kind` "service" or "fee", a UUID string of at most 64 characters); the
    service checks `services:write` / `fees:write` (the check here only spares a role a
    dialog it could not use)."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset(CATALOGUES)  # for avrentals.ui.live

    toggle_open: bool = False
    toggle_kind: str = "service"
    toggle_id: str = ""
    toggle_name: str = ""
    toggle_activate: bool = False  # True: reactivate; False: deactivate
    toggle_required: bool = False  # a required fee: say it stops going on new quotes
    toggle_error: str = ""
    toggling: bool = False
    _toggle_version: int = 0

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    def _take(self, row: dict[str, Any]) -> None:
        self.toggle_name = text(row.get("name"))
        self.toggle_activate = not row.get("is_active")
        self.toggle_required = bool(row.get("is_required"))
        self._toggle_version = int(row.get("version") or 0)

    @rx.event
    async def ask_toggle(self, kind: str, row_id: str):
        """Open the confirmation to deactivate (or reactivate) a service or fee. `kind` must
        be "service" or "fee", `row_id` a UUID string; needs that catalogue's write
        permission."""
        parsed = parse_client_id(row_id)
        if kind not in CATALOGUES or parsed is None:
            return None
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can(CATALOGUES[kind].write_permission):
            return rx.toast.error(await tr(self, f"catalogue.{kind}.cannot_change"))
        try:
            row = await asyncio.to_thread(get_row, actor, kind, parsed)
        except NotFound:
            return rx.toast.error(await tr(self, f"catalogue.{kind}.gone"))
        self.toggle_kind = kind
        self.toggle_id = str(parsed)
        self._take(row)
        self.toggle_error = ""
        self.toggle_open = True
        return None

    @rx.event
    async def confirm_toggle(self):
        """Deactivate / reactivate what the confirmation names, with the version it showed.
        A change by someone else meanwhile is explained in the dialog. No arguments."""
        parsed = parse_client_id(self.toggle_id)
        kind = self.toggle_kind
        if self.toggling or not self.toggle_open or parsed is None or kind not in CATALOGUES:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.toggling = True
        self.toggle_error = ""
        yield
        activate = self.toggle_activate
        try:
            await asyncio.to_thread(
                _set_active, actor, kind, parsed, self._toggle_version, activate
            )
        except VersionConflict as exc:
            self._take(exc.current)
            self.toggle_error = await tr(self, f"catalogue.{kind}.changed_meanwhile")
        except NotFound:
            self.toggle_open = False
            yield rx.toast.error(await tr(self, f"catalogue.{kind}.gone"))
        except DomainError as exc:
            self.toggle_error = exc.message
        else:
            self.toggle_open = False
            done = "reactivated" if activate else "deactivated"
            yield rx.toast.success(
                await tr(self, f"catalogue.{kind}.{done}", name=self.toggle_name)
            )
            await refresh_list(self, actor, kind)
        finally:
            self.toggling = False

    @rx.event
    def set_toggle_open(self, value: bool):
        """Confirmation open/close from the browser: only closing is honoured."""
        if value is False and not self.toggling:
            self.toggle_open = False
            self.toggle_error = ""

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Warn a user with the confirmation open that someone just changed that row."""
        if not self.toggle_open:
            return
        _token, _ip, _ua, own = await live_context(self)
        for change in changes:
            mine = change.actor and change.actor == own
            if change.entity != self.toggle_kind or change.id != self.toggle_id or mine:
                continue
            who = change.actorName or change.actor or await tr(self, "catalogue.live.someone_else")
            self.toggle_error = await tr(
                self, f"catalogue.{self.toggle_kind}.changed_just_now", who=who
            )
