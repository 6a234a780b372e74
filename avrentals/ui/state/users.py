"""The users list (/users, Admin): one server-side page of accounts with search, role and
active filters and paging.

Reads call `user_admin.list_users` in a worker thread with the re-verified Actor (the service
checks `users:read`). Rows are display strings only: never a password hash, and NIF / IBAN
are not shown in the list at all. Live refreshes arrive through `_apply_changes` (called by
`avrentals.ui.live`). Create / edit live in `user_form.py`, the account actions
(deactivate, reset password, sign out everywhere, delete) in `user_actions.py`.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from avrentals.db import read_session
from avrentals.domain.changes import Change
from avrentals.domain.enums import Role
from avrentals.domain.errors import DomainError
from avrentals.domain.pagination import PAGE_SIZES, Page, PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import user_admin
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui import routes
from avrentals.ui.state.auth import initials
from avrentals.ui.state.formatting import count_text, format_timestamp, tab_language, text
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.listing import ListStateMixin, live_page_load, page_or_last

USERS_PATH = routes.USERS
LIVE_ENTITIES = frozenset({"user"})
# UI sort choice -> (service sort key, descending, label key).
SORT_OPTIONS: dict[str, tuple[str, bool, str]] = {
    "name": ("name", False, "users.sort.name"),
    "username": ("username", False, "users.sort.username"),
    "role": ("role", False, "users.sort.role"),
    "last_login": ("lastLogin", True, "users.sort.last_login"),
    "newest": ("createdAt", True, "users.sort.newest"),
}
ALL = "all"


def role_key(role: str) -> str:
    """The catalogue key of a role's name ("admin" -> "users.role.admin")."""
    return f"users.role.{role}"


# Filter value -> label key.
ROLE_FILTERS: dict[str, str] = {ALL: "users.filter.all_roles"} | {
    r.value: role_key(r.value) for r in Role
}
ACTIVE_FILTERS: dict[str, str] = {
    ALL: "users.filter.everyone",
    "active": "common.state.active",
    "inactive": "users.status.deactivated",
}

parse_user_id = parse_client_id


def format_login(value: Any, language: str = DEFAULT_LANGUAGE) -> str:
    """The last sign-in as "2 Jan 2030, 23:59 UTC" in `language`, or "Never"."""
    if not value:
        return translate("users.list.never", language)
    return format_timestamp(value, language)


def display_row(row: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A `user_view` row as the strings the table shows (no private fields); `role_label`
    is the catalogue key of the role's name."""
    role = text(row.get("role"))
    return {
        "id": str(row["id"]),
        "name": text(row.get("name")),
        "initials": initials(text(row.get("name"))),
        "username": text(row.get("username")),
        "email": text(row.get("email")),
        "role": role,
        "role_label": role_key(role) if role in {r.value for r in Role} else role,
        "job_title": text(row.get("job_title")),
        "active": "yes" if row.get("is_active") else "",
        "team": "yes" if row.get("is_team_member") else "",
        "last_login": format_login(row.get("last_login_at"), language),
        "photo": text(row.get("photo_thumb_url")),
        "version": text(row.get("version")),
    }


@dataclass(frozen=True)
class UserQuery:
    page: int
    page_size: int
    search: str
    role: str
    active: str
    sort: str
    descending: bool


def fetch_page(session: Session, actor: Actor, query: UserQuery) -> Page[dict[str, Any]]:
    """`list_users` for the query (the last page when the list shrank)."""

    def fetch(page: int) -> Page[dict[str, Any]]:
        return user_admin.list_users(
            session,
            actor,
            PageRequest(page=page, page_size=query.page_size),
            search=query.search or None,
            role=None if query.role == ALL else query.role,
            active=None if query.active == ALL else query.active,
            sort=query.sort,
            descending=query.descending,
        )

    return page_or_last(fetch, query.page)


def _load_list(actor: Actor, query: UserQuery) -> Page[dict[str, Any]]:
    with read_session() as session:
        return fetch_page(session, actor, query)


def _live_load(
    token: str, ip: str | None, user_agent: str | None, query: UserQuery, ids: list[str]
) -> tuple[Page[dict[str, Any]], dict[str, str]]:
    def name_of(session: Session, actor: Actor, user_id: uuid.UUID) -> str:
        return str(user_admin.get_user(session, actor, user_id)["name"])

    return live_page_load(
        token,
        ip,
        user_agent,
        ids,
        lambda session, actor: fetch_page(session, actor, query),
        name_of,
    )


class UsersState(ListStateMixin, rx.State):
    """The users list of one tab. Handlers validate their arguments (allow-listed filters,
    sorts and sizes) and re-verify the token before `user_admin.list_users`."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live
    SORT_OPTIONS: ClassVar[dict[str, tuple[str, bool, str]]] = SORT_OPTIONS

    role_filter: str = ALL
    active_filter: str = ALL
    own_id: str = ""  # the signed-in user's id: their own row offers no self-destructive action

    _language: str = DEFAULT_LANGUAGE  # of the tab, taken at each reload (labels below)

    @rx.var
    def page_label(self) -> str:
        return translate(
            "clients.list.page_label",
            self._language,
            page=self.page,
            pages=self.total_pages,
            count=count_text(self.total, "users.count.user", self._language),
        )

    @rx.var
    def has_filters(self) -> bool:
        return bool(self.search) or self.role_filter != ALL or self.active_filter != ALL

    def _query(self) -> UserQuery:
        sort, descending, _label = SORT_OPTIONS.get(self.sort, SORT_OPTIONS["name"])
        return UserQuery(
            page=max(1, self.page),
            page_size=self.page_size if self.page_size in PAGE_SIZES else PAGE_SIZES[0],
            search=self.search,
            role=self.role_filter if self.role_filter in ROLE_FILTERS else ALL,
            active=self.active_filter if self.active_filter in ACTIVE_FILTERS else ALL,
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
        self.own_id = str(actor.user_id)
        try:
            page = await asyncio.to_thread(_load_list, actor, self._query())
        except DomainError as exc:
            self.error = exc.message
            self.loaded = True
            return
        self.error = ""
        self._apply_page(page)

    @rx.event
    async def load(self):
        """on_load of /users: re-verify the token and load the current page (the service
        checks `users:read`). No arguments."""
        self.live_notice = ""
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_role_filter(self, value: str):
        """Role filter: `value` must be a key of ROLE_FILTERS."""
        if not isinstance(value, str) or value not in ROLE_FILTERS:
            return
        self.role_filter = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_active_filter(self, value: str):
        """Active filter: `value` must be a key of ACTIVE_FILTERS."""
        if not isinstance(value, str) or value not in ACTIVE_FILTERS:
            return
        self.active_filter = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def clear_filters(self):
        """Drop the search and the filters. No arguments."""
        self.search = ""
        self.role_filter = ALL
        self.active_filter = ALL
        self.page = 1
        self.filters_key = str(int(self.filters_key) + 1)
        async for update in self._reload_verified():
            yield update

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-query this tab's page after committed user changes, if it has /users open."""
        await self._apply_list_changes(
            [c for c in changes if c.entity in LIVE_ENTITIES],
            path=USERS_PATH,
            entity="user",
            unnamed=translate("users.live.unnamed", await tab_language(self)),
            live_load=functools.partial(_live_load, query=self._query()),
        )


async def refresh_user_pages(state: rx.State, actor: Actor) -> None:
    """After a write from this tab: re-query its users list (if loaded)."""
    users = await state.get_state(UsersState)
    if users.loaded:
        await users._reload(actor)
