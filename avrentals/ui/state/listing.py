"""What the paged list states (clients, equipment) share: the page / search / sort vars, the
re-query with a verified token, and the paging / search / sort handlers.

A state using `ListStateMixin` defines `SORT_OPTIONS` (key -> (column, descending, label)),
`_reload(actor)` (query the current page into the vars) and its own `load`, `clear_filters`,
`has_filters` and `page_label`. Every handler here validates its arguments and re-verifies
the token (`AuthState._current_actor()`) before the query. `_apply_list_changes` is the live
re-query of a list page (its state defines `_apply_page(page)`); `verified_actor` and
`live_page_load` are the blocking halves of such live refreshes (token re-verified first).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import reflex as rx
from sqlmodel import Session

from avrentals.db import read_session
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError
from avrentals.domain.pagination import PAGE_SIZES, Page
from avrentals.domain.permissions import Actor
from avrentals.domain.services import auth as auth_service
from avrentals.i18n import DEFAULT_LANGUAGE, catalogue, translate
from avrentals.settings import get_settings
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.formatting import tab_language
from avrentals.ui.state.identifiers import parse_client_id

MAX_SEARCH_LENGTH = 100

# Blocking: (token, ip, user agent, ids=changed ids) -> (the page, names of changed rows
# not on it); re-verifies the token.
LiveLoad = Callable[..., tuple[Page[dict[str, Any]], dict[str, str]]]


def verified_actor(session: Session, token: str, ip: str | None, user_agent: str | None) -> Actor:
    """Re-verify a tab's token inside a live refresh (raises Unauthorized)."""
    actor, _user = auth_service.actor_for_token(
        session, token, get_settings().jwt_secret, ip=ip, user_agent=user_agent
    )
    return actor


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


def page_or_last(fetch: Callable[[int], Page[Any]], page: int) -> Page[Any]:
    """Blocking: `fetch(page)`, or the last page when the list shrank below `page`."""
    result = fetch(page)
    if not result.items and result.total and page > result.total_pages:
        result = fetch(result.total_pages)
    return result


def names_off_page(
    page: Page[dict[str, Any]], ids: list[str], name_of: Callable[[str], str | None]
) -> dict[str, str]:
    """Blocking: names of the changed rows `ids` that are not on `page` (for the live notice);
    `name_of(raw id)` reads one (None for a malformed id); rows deleted meanwhile are skipped."""
    on_page = {str(r["id"]) for r in page.items}
    names: dict[str, str] = {}
    for raw in ids:
        if raw in on_page:
            continue
        try:
            name = name_of(raw)
        except DomainError:  # deleted in the meantime
            continue
        if name is not None:
            names[raw] = name
    return names


def text_in(text: str, language: str, **params: Any) -> str:
    """`text` in `language` when it is a catalogue key (a caller's own text otherwise, as
    given): the shared helpers accept both from the states that use them."""
    if text in catalogue(DEFAULT_LANGUAGE):
        return translate(text, language, **params)
    return text


async def say(state: rx.State, text: str, **params: Any) -> str:
    """`text_in` for the language of the tab `state` belongs to."""
    return text_in(text, await tab_language(state), **params)


def noun_phrase(noun: str, language: str, *, capital: bool = False) -> str:
    """ "this client" / "este cliente" for a form's NOUN (`ui.noun.<noun>.this`), "This
    client" with `capital`; a noun the catalogue does not know stays English."""
    key = f"ui.noun.{noun.strip().lower().replace(' ', '_')}.this"
    phrase = translate(key, language) if key in catalogue(DEFAULT_LANGUAGE) else f"this {noun}"
    return phrase[:1].upper() + phrase[1:] if capital else phrase


CHANGE_KEYS = {
    "delete": "ui.live.deleted_by",
    "create": "ui.live.added_by",
}


def describe_change(
    change: Change,
    name: str | None,
    unnamed: str = "ui.live.unnamed_client",
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """The live notice for a change: "Gala was updated by Mia." (`unnamed`, a text or a
    catalogue key, if no name), in `language`."""
    who = change.actorName or change.actor or translate("ui.live.someone", language)
    subject = name or text_in(unnamed, language)
    key = CHANGE_KEYS.get(change.action, "ui.live.updated_by")
    return translate(key, language, name=subject, who=who)


async def live_context(state: rx.State) -> tuple[str, str | None, str | None, str | None]:
    """(token, ip, user agent, own username) of the tab for a live refresh; token "" when
    the tab is not signed in (it is then left alone: its next event redirects it)."""
    auth = await state.get_state(AuthState)
    token = auth.token if isinstance(auth.token, str) else ""
    if not auth.signed_in:
        token = ""
    ip, user_agent = auth._request_context()
    own = auth._actor.username if auth._actor is not None else None
    return token, ip, user_agent, own


async def verified_reload(state: Any, reload: Callable[[Actor], Awaitable[Any]]):
    """Re-verify the tab's token (to /login when it no longer holds), then run
    `reload(actor)` with `state.loading` set (and sent) meanwhile. An async generator of
    state updates for an event handler to pass on."""
    auth = await state.get_state(AuthState)
    actor = await auth._current_actor()
    if actor is None:
        yield auth._login_redirect()
        return
    state.loading = True
    yield
    try:
        await reload(actor)
    finally:
        state.loading = False


class PagingMixin(rx.State, mixin=True):
    """Previous / next page of a server-paged view. The state defines `_reload_verified()`
    (an async generator: verify the token, re-query the current page, yield updates)."""

    page: int = 1
    total_pages: int = 1

    @rx.event
    async def next_page(self):
        """Go to the next page, if there is one. No arguments."""
        if self.page >= self.total_pages:
            return
        self.page += 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def prev_page(self):
        """Go to the previous page, if there is one. No arguments."""
        if self.page <= 1:
            return
        self.page -= 1
        async for update in self._reload_verified():
            yield update


class ListStateMixin(PagingMixin, mixin=True):
    """Page, search and sort of one tab's list, plus the live-update notice."""

    SORT_OPTIONS: ClassVar[dict[str, tuple[str, bool, str]]] = {}

    rows: list[dict[str, str]] = []
    total: int = 0
    page_size: int = 20
    search: str = ""
    sort: str = "name"
    filters_key: str = "0"  # bumped to reset the (uncontrolled) search box
    loading: bool = False
    loaded: bool = False
    error: str = ""

    live_notice: str = ""
    live_item_id: str = ""

    @rx.var
    def page_size_value(self) -> str:
        return str(self.page_size)

    async def _reload(self, actor: Actor) -> Any:
        raise NotImplementedError

    def _apply_page(self, page: Page[dict[str, Any]]) -> None:
        raise NotImplementedError

    async def _apply_list_changes(
        self,
        changes: list[Change],
        *,
        path: str,
        entity: str,
        unnamed: str,
        live_load: LiveLoad,
    ) -> None:
        """Re-query this tab's page after committed changes (already filtered to the list's
        live entities), if it has the list at `path` open, and name who changed which
        `entity` row (own changes are not announced)."""
        on_list = self.router.url.path.rstrip("/") == path
        if not changes or not self.loaded or not on_list:
            return
        token, ip, user_agent, own = await live_context(self)
        if not token:
            return
        before = {r["id"]: r["name"] for r in self.rows}
        ids = [c.id for c in changes if c.entity == entity and c.action != "delete"]
        try:
            page, names = await asyncio.to_thread(live_load, token, ip, user_agent, ids=ids)
        except DomainError:  # Unauthorized included: their next event redirects
            return
        self._apply_page(page)
        language = await tab_language(self)
        after = {r["id"]: r["name"] for r in self.rows} | names
        for change in reversed(changes):
            if change.entity != entity or (change.actor and change.actor == own):
                continue
            name = after.get(change.id) or before.get(change.id)
            self.live_notice = describe_change(change, name, unnamed, language)
            self.live_item_id = change.id
            break

    async def _reload_verified(self):
        """Shared body of the read handlers: verify the token, then re-query."""
        async for update in verified_reload(self, self._reload):
            yield update

    @rx.event
    async def refresh(self):
        """Re-query the current page. No arguments."""
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_search(self, value: str):
        """Search box (debounced in the browser). `value` must be a string; it is trimmed and
        cut to 100 characters; the list goes back to page 1."""
        if not isinstance(value, str):
            return
        value = value.strip()[:MAX_SEARCH_LENGTH]
        if value == self.search:
            return
        self.search = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_sort(self, value: str):
        """Sort order: `value` must be a key of SORT_OPTIONS (mapped to the service's
        allow-list)."""
        if not isinstance(value, str) or value not in type(self).SORT_OPTIONS:
            return
        self.sort = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_page_size(self, value: str):
        """Rows per page: `value` (string or int) must be one of 20, 50, 100."""
        try:
            size = int(value)
        except (TypeError, ValueError):
            return
        if size not in PAGE_SIZES:
            return
        self.page_size = size
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    def dismiss_notice(self):
        """Hide the live-update banner. No arguments."""
        self.live_notice = ""
        self.live_item_id = ""
