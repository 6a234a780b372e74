"""What the paged list states (clients, equipment) share: the page / search / sort vars, the
re-query with a verified token, and the paging / search / sort handlers.

A state using `ListStateMixin` defines `SORT_OPTIONS` (key -> (column, descending, label)),
`_reload(actor)` (query the current page into the vars) and its own `load`, `clear_filters`,
`has_filters` and `page_label`. Every handler here validates its arguments and re-verifies
the token (`AuthState._current_actor()`) before the query.
"""

from __future__ import annotations

from typing import Any, ClassVar

import reflex as rx

from avrentals.domain.pagination import PAGE_SIZES
from avrentals.domain.permissions import Actor
from avrentals.ui.state.auth import AuthState

MAX_SEARCH_LENGTH = 100


class ListStateMixin(rx.State, mixin=True):
    """Page, search and sort of one tab's list, plus the live-update notice."""

    SORT_OPTIONS: ClassVar[dict[str, tuple[str, bool, str]]] = {}

    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    page_size: int = 20
    total_pages: int = 1
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

    async def _reload_verified(self):
        """Shared body of the read handlers: verify the token, then re-query."""
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.loading = True
        yield
        try:
            await self._reload(actor)
        finally:
            self.loading = False

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

    @rx.event
    def dismiss_notice(self):
        """Hide the live-update banner. No arguments."""
        self.live_notice = ""
        self.live_item_id = ""
