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
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from avrentals.db import read_session
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError
from avrentals.domain.pagination import PAGE_SIZES, Page, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import auth as auth_service
from avrentals.domain.services import clients as clients_service
from avrentals.domain.services import users as users_service
from avrentals.i18n import DEFAULT_LANGUAGE, format_money, format_number, translate
from avrentals.settings import get_settings
from avrentals.ui import routes
from avrentals.ui.i18n import tr
from avrentals.ui.state.listing import ListStateMixin, names_off_page, page_or_last
from avrentals.ui.state.listing import live_context as live_context  # re-exported
from avrentals.ui.state.locale import LocaleState

CLIENTS_PATH = routes.CLIENTS
MAX_ID_LENGTH = 64
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


# --- formatting and parsing (pure) ------------------------------------------------------------


def format_eur(value: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """An amount in euros the way `language` writes money ("€1,234.50" / "1 234,50 €"
    with no-break spaces); "—" when `value` is not a number."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    if not amount.is_finite():
        return "—"
    return format_money(amount, "EUR", language)


def format_count(n: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """A whole number with the language's grouping ("2,608" / "2 608" with a no-break
    space); anything that is not a whole number is shown as itself."""
    try:
        return format_number(int(n), language)
    except (TypeError, ValueError):
        return text(n)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def count_text(n: int, key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """`n` with its noun in `language`: catalogue keys `<key>_one` / `<key>_other` hold
    "{count} client" / "{count} clients" (the language-aware `plural`)."""
    return translate(f"{key}_one" if n == 1 else f"{key}_other", language, count=n)


async def tab_language(state: rx.State) -> str:
    """The language of the tab `state` belongs to (for texts built on the server)."""
    locale = await state.get_state(LocaleState)
    return locale.language


MONTH_KEYS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def month_name(day: date, language: str, form: str = "short") -> str:
    """`form`: "short" (Jun) or "long" (June)."""
    return translate(f"calendar.month_{form}.{MONTH_KEYS[day.month - 1]}", language)


def day_month(day: date, language: str) -> str:
    """ "3 Jun"."""
    return translate(
        "calendar.date.day_month", language, day=day.day, month=month_name(day, language)
    )


def day_month_year(day: date, language: str) -> str:
    """ "3 Jun 2026"."""
    return translate(
        "calendar.date.day_month_year",
        language,
        day=day.day,
        month=month_name(day, language),
        year=day.year,
    )


def format_period(start: str, end: str, language: str = DEFAULT_LANGUAGE) -> str:
    """ISO dates as "12-14 Mar 2026", "30 Mar - 2 Apr 2026" (en dashes) or with both years."""
    dash = "\u2013"
    try:
        a, b = date.fromisoformat(start), date.fromisoformat(end)
    except (TypeError, ValueError):
        return f"{start} {dash} {end}"
    if a == b:
        return day_month_year(a, language)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}{dash}{day_month_year(b, language)}"
    if a.year == b.year:
        return f"{day_month(a, language)} {dash} {day_month_year(b, language)}"
    return f"{day_month_year(a, language)} {dash} {day_month_year(b, language)}"


def format_day(iso: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """An ISO date as "3 Jun 2026" in `language`; anything else shown as itself."""
    try:
        day = date.fromisoformat(str(iso))
    except ValueError:
        return text(iso)
    return day_month_year(day, language)


def format_timestamp(value: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """A moment (ISO string or datetime; naive means UTC) as "2 Jan 2030, 23:59 UTC" in
    `language`; anything else shown as itself."""
    if isinstance(value, datetime):
        at = value
    else:
        try:
            at = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            return text(value)
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return f"{day_month_year(at.date(), language)}, {at:%H:%M} UTC"


def parse_client_id(value: Any) -> uuid.UUID | None:
    """A UUID from untrusted input (a string of at most 64 characters), else None."""
    if not isinstance(value, str) or not value or len(value) > MAX_ID_LENGTH:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def text(value: Any) -> str:
    return "" if value is None else str(value)


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


def verified_actor(session: Session, token: str, ip: str | None, user_agent: str | None) -> Actor:
    """Re-verify a tab's token inside a live refresh (raises Unauthorized)."""
    actor, _user = auth_service.actor_for_token(
        session, token, get_settings().jwt_secret, ip=ip, user_agent=user_agent
    )
    return actor


user_name = users_service.display_name


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


def live_page_load(
    token: str,
    ip: str | None,
    user_agent: str | None,
    ids: list[str],
    fetch: Callable[[Session, Actor], Page[dict[str, Any]]],
    get_name: Callable[[Session, Actor, uuid.UUID], str],
) -> tuple[Page[dict[str, Any]], dict[str, str]]:
    """Blocking, for a list's live refresh: re-verify the tab's token, re-query its page
    (`fetch`), and name the changed rows `ids` that are not on it (`get_name`)."""
    with read_session() as session:
        actor = verified_actor(session, token, ip, user_agent)
        page = fetch(session, actor)

        def name_of(raw: str) -> str | None:
            record_id = parse_client_id(raw)
            return None if record_id is None else get_name(session, actor, record_id)

        return page, names_off_page(page, ids, name_of)


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
