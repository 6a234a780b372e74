"""The audit log page (/audit, Admin: `audit:read`): filters (user, entity type, action,
dates), one page of entries newest first with the old -> new diff of each, and the CSV export
of everything the filters match.

Reads run in a worker thread with the re-verified Actor; `audit_viewer` refuses every role
but Admin, so another role's tab receives nothing. Filter handlers accept only values the
pickers offer ("all" or one of the choices read from the log) and ISO dates. Live refreshes
(`_apply_changes`, called by `avrentals.ui.live`) re-read the page when anything is changed
while the log is open.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, ValidationFailed
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import audit_viewer
from avrentals.domain.services.audit_viewer import AuditFilters
from avrentals.i18n import DEFAULT_LANGUAGE
from avrentals.ui import routes
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.formatting import format_count, format_timestamp, tab_language
from avrentals.ui.state.listing import PagingMixin, live_context, verified_actor, verified_reload
from avrentals.ui.state.reports import on_path
from avrentals.ui.state.timeline import field_messages, parse_day

ALL = "all"
PAGE_SIZE = 25
# Every mutation writes an audit row; these are the change-bus entities that come with one.
LIVE_ENTITIES = frozenset(
    {
        "equipment",
        "category",
        "subcategory",
        "client",
        "event",
        "rental",
        "quote",
        "service",
        "fee",
        "maintenance",
        "user",
        "settings",
        "availability",
    }
)
ACTION_COLORS = {"create": "green", "update": "blue", "delete": "red"}


def display_entries(
    entries: list[dict[str, Any]], language: str = DEFAULT_LANGUAGE
) -> tuple[list[dict[str, str]], list]:
    """Entries as (rows, changes per row) of display strings (pure; times in `language`,
    "2 Jan 2030, 23:59 UTC")."""
    rows = [
        {
            "id": e["id"],
            "at": format_timestamp(e["at"], language),
            "user": e["username"] or "",  # "" = the system (the page names it)
            "action": e["action"],
            "color": ACTION_COLORS.get(e["action"].split("_")[0], "gray"),
            "entity": e["entityType"],
            "entity_id": e["entityId"] or "",
            "ip": e["ip"] or "",
            "changes": plural_changes(len(e["changes"])),
            "change_count": str(len(e["changes"])),
        }
        for e in entries
    ]
    changes = [
        [
            {
                "field": c["field"],
                "old": c["old"] or "\u2014",
                "new": c["new"] or "\u2014",
            }
            for c in e["changes"]
        ]
        for e in entries
    ]
    return rows, changes


def plural_changes(n: int) -> str:
    """The catalogue key of "no field changes" / "1 field" / "{count} fields"."""
    return (
        "audit.entry.no_changes"
        if n == 0
        else ("audit.entry.one_field" if n == 1 else "audit.entry.fields")
    )


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def _read(session: Any, actor: Actor, filters: AuditFilters, page: int, options: bool):
    def fetch(n: int):
        return audit_viewer.list_entries(session, actor, filters, PageRequest(n, PAGE_SIZE))

    result = fetch(page)
    if not result.items and result.total and page > result.total_pages:
        result = fetch(result.total_pages)
    return result, (audit_viewer.filter_options(session, actor) if options else None)


def _fetch(actor: Actor, filters: AuditFilters, page: int, options: bool):
    with read_session() as session:
        return _read(session, actor, filters, page, options)


def _live_fetch(token: str, ip: str | None, user_agent: str | None, filters, page: int):
    with read_session() as session:
        return _read(session, verified_actor(session, token, ip, user_agent), filters, page, True)


def _export(actor: Actor, filters: AuditFilters) -> bytes:
    with read_session() as session:
        return audit_viewer.export_csv(session, actor, filters)


class AuditState(PagingMixin, rx.State):
    """The audit log of one tab: filters, the choices, one page of entries and the diffs."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    user: str = ALL
    entity: str = ALL
    action: str = ALL
    start: str = ""
    end: str = ""

    users: list[dict[str, str]] = []
    entity_types: list[str] = []
    actions: list[str] = []

    rows: list[dict[str, str]] = []
    changes: list[list[dict[str, str]]] = []
    total: int = 0

    loading: bool = False
    loaded: bool = False
    exporting: bool = False
    error: str = ""
    filter_error: str = ""

    @rx.var
    def has_filters(self) -> bool:
        return (self.user, self.entity, self.action, self.start, self.end) != (
            ALL,
            ALL,
            ALL,
            "",
            "",
        )

    @rx.var
    def first_entry(self) -> int:
        """Number of the first entry shown (the page shows "Entries 1-25 of 1,234")."""
        return (self.page - 1) * PAGE_SIZE + 1 if self.total else 0

    @rx.var
    def last_entry(self) -> int:
        return min(self.page * PAGE_SIZE, self.total)

    @rx.var
    async def total_text(self) -> str:
        return format_count(self.total, await tab_language(self))

    def _filters(self) -> AuditFilters:
        """The current filters (already validated by the handlers that set them)."""
        return AuditFilters.parse(
            None if self.user == ALL else self.user,
            None if self.entity == ALL else self.entity,
            None if self.action == ALL else self.action,
            self.start or None,
            self.end or None,
        )

    def _apply(
        self, result: Any, options: dict[str, Any] | None, language: str = DEFAULT_LANGUAGE
    ) -> None:
        self.rows, self.changes = display_entries(result.items, language)
        self.page, self.total, self.total_pages = result.page, result.total, result.total_pages
        if options is not None:
            self.users = options["users"]
            self.entity_types = options["entityTypes"]
            self.actions = options["actions"]
        self.loaded = True

    async def _reload(self, actor: Actor, *, options: bool = False) -> None:
        try:
            result, opts = await asyncio.to_thread(
                _fetch, actor, self._filters(), max(1, self.page), options
            )
        except ValidationFailed as exc:
            self.filter_error = field_messages(exc)
            return
        except DomainError as exc:
            self.error = exc.message
            return
        self.error = self.filter_error = ""
        self._apply(result, opts, await tab_language(self))

    async def _reload_verified(self):
        async for update in verified_reload(self, self._reload):
            yield update

    async def _refilter(self):
        self.page = 1
        async for update in self._reload_verified():
            yield update

    # --- event handlers ----------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load of /audit: re-verify the token, read the filter choices and the first page
        (Admins only). No arguments."""

        async def reload(actor: Actor) -> None:
            await self._reload(actor, options=True)

        async for update in verified_reload(self, reload):
            yield update

    @rx.event
    async def set_user(self, value: str):
        """Only the entries of one user (an id offered by the picker) or "all"."""
        if value != ALL and value not in {u["id"] for u in self.users}:
            return
        self.user = value
        async for update in self._refilter():
            yield update

    @rx.event
    async def set_entity(self, value: str):
        """Only one entity type (as offered by the picker) or "all"."""
        if value != ALL and value not in self.entity_types:
            return
        self.entity = value
        async for update in self._refilter():
            yield update

    @rx.event
    async def set_action(self, value: str):
        """Only one action (as offered by the picker) or "all"."""
        if value != ALL and value not in self.actions:
            return
        self.action = value
        async for update in self._refilter():
            yield update

    def _set_day(self, name: str, value: Any) -> bool:
        if value in ("", None):
            setattr(self, name, "")
            return True
        day = parse_day(value)
        if day is None:
            self.filter_error = "audit.filter.bad_date"  # a key, shown through t()
            return False
        setattr(self, name, day.isoformat())
        return True

    @rx.event
    async def set_start(self, value: str):
        """Entries from this day (ISO date, UTC; "" for no limit)."""
        if self._set_day("start", value):
            async for update in self._refilter():
                yield update

    @rx.event
    async def set_end(self, value: str):
        """Entries up to this day (ISO date, UTC, inclusive; "" for no limit)."""
        if self._set_day("end", value):
            async for update in self._refilter():
                yield update

    @rx.event
    async def clear_filters(self):
        """Every entry again. No arguments."""
        self.user = self.entity = self.action = ALL
        self.start = self.end = ""
        self.filter_error = ""
        async for update in self._refilter():
            yield update

    @rx.event
    async def export_csv(self):
        """Download every entry matching the filters as CSV (formula-safe; `audit:read`)."""
        if self.exporting:
            return
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.exporting = True
        yield
        try:
            data = await asyncio.to_thread(_export, actor, self._filters())
        except DomainError as exc:
            yield rx.toast.error(exc.message)
            return
        finally:
            self.exporting = False
        yield rx.download(data=data, filename=audit_viewer.export_filename(date.today()))

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Re-read the open log after committed changes (each wrote an audit row)."""
        relevant = [c for c in changes if c.entity in LIVE_ENTITIES]
        if not relevant or not self.loaded or not on_path(self, routes.AUDIT):
            return
        token, ip, user_agent, _own = await live_context(self)
        if not token:
            return
        try:
            result, options = await asyncio.to_thread(
                _live_fetch, token, ip, user_agent, self._filters(), max(1, self.page)
            )
        except DomainError:  # Unauthorized / Forbidden included
            return
        self._apply(result, options, await tab_language(self))
