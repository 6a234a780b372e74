"""Notifications in the UI: the header bell (unread badge, the latest few, mark read, mark
all read, toasts for high-priority arrivals) and the /notifications page (filters, paging,
muted types).

The signed-in user is re-verified (token) at the start of every handler and every live
refresh; the services only ever touch that user's own notifications, so a notification id
sent by a client for someone else's row is simply not found. Blocking service calls run in
worker threads. Live: `notification` changes carry the recipient's user id (see
`notifications.notify`), so a tab refreshes only for its own user's changes; a new unread
high-priority notification is also sent to that tab as a toast (an `rx.toast` event pushed
on the tab's socket, the way Reflex delivers the events of background handlers).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.enums import NotificationType
from avrentals.domain.errors import DomainError
from avrentals.domain.pagination import PageRequest
from avrentals.domain.permissions import Actor
from avrentals.domain.services import notification_feed as feed
from avrentals.domain.services.notifications import NOTIFICATION_ENTITY
from avrentals.ui import routes
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState, safe_next_path
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.listing import PagingMixin, live_context, verified_actor, verified_reload

logger = logging.getLogger(__name__)

BELL_SIZE = 8
PAGE_SIZE = 20
MAX_TOASTS = 3
PRIORITY_COLORS = {"high": "red", "medium": "amber", "low": "gray"}
TYPE_CHOICES: list[dict[str, str]] = [
    {"value": value, "label": label, "key": f"ui.notifications.type.{value}"}
    for value, label in feed.TYPE_LABELS.items()
]
SHOW_CHOICES = ("all", "unread")


def relative_parts(when: datetime | None, now: datetime | None = None) -> dict[str, str]:
    """How long ago (`when` before `now`) as catalogue parts the browser puts together in the
    tab's language ("just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", else
    "12 Mar 2026"):
    `when_key` (a `ui.notifications.when.*` key), its count `when_n`, and for older
    notifications the date's `when_day`, `when_month` (a month's key) and `when_year`."""
    parts = dict.fromkeys(("when_key", "when_n", "when_day", "when_month", "when_year"), "")
    if when is None:
        return parts
    seconds = int(((now or datetime.now(UTC)) - when).total_seconds())
    days = seconds // 86_400
    if seconds < 60:
        parts["when_key"] = "ui.notifications.when.just_now"
    elif seconds < 3600:
        parts |= {"when_key": "ui.notifications.when.minutes", "when_n": str(seconds // 60)}
    elif seconds < 86_400:
        parts |= {"when_key": "ui.notifications.when.hours", "when_n": str(seconds // 3600)}
    elif days == 1:
        parts["when_key"] = "ui.notifications.when.yesterday"
    elif days < 7:
        parts |= {"when_key": "ui.notifications.when.days", "when_n": str(days)}
    else:
        parts |= {
            "when_key": "ui.notifications.when.date",
            "when_day": str(when.day),
            "when_month": f"ui.notifications.month.m{when.month}",
            "when_year": str(when.year),
        }
    return parts


def display_row(row: dict[str, Any], now: datetime | None = None) -> dict[str, str]:
    """A feed row as the strings the bell and the page show (`type_key` and the `when_*`
    parts are catalogue keys and parameters, shown in the tab's language)."""
    priority = str(row["priority"])
    return {
        "id": str(row["id"]),
        "type": str(row["type"]),
        "type_label": feed.TYPE_LABELS.get(str(row["type"]), str(row["type"])),
        "type_key": f"ui.notifications.type.{row['type']!s}",
        "title": str(row["title"]),
        "message": str(row["message"]),
        "priority": priority,
        "color": PRIORITY_COLORS.get(priority, "gray"),
        "link": str(row.get("link") or ""),
        "read": "1" if row["is_read"] else "",
        "at": row["created_at"].isoformat() if row["created_at"] else "",
        **relative_parts(row["created_at"], now),
    }


def badge_label(count: int) -> str:
    return "99+" if count > 99 else str(count)


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def _bell(actor: Actor) -> tuple[int, list[dict[str, str]]]:
    with read_session() as session:
        page = feed.list_notifications(session, actor, PageRequest(1, BELL_SIZE))
    return int(page.extra["unread"]), [display_row(r) for r in page.items]


def _live_bell(
    token: str, ip: str | None, user_agent: str | None, since: str
) -> tuple[int, list[dict[str, str]], list[dict[str, str]]]:
    """(unread, latest rows, unread rows newer than `since`) for a verified token."""
    with read_session() as session:
        actor = verified_actor(session, token, ip, user_agent)
        page = feed.list_notifications(session, actor, PageRequest(1, BELL_SIZE))
        after = datetime.fromisoformat(since) if since else None
        fresh = feed.newest_unread(session, actor, since=after, limit=MAX_TOASTS)
    rows = [display_row(r) for r in page.items]
    return int(page.extra["unread"]), rows, [display_row(r) for r in fresh]


def _verify(token: str, ip: str | None, user_agent: str | None) -> Actor:
    with read_session() as session:
        return verified_actor(session, token, ip, user_agent)


def _mark_read(actor: Actor, notification_id: uuid.UUID) -> dict[str, Any]:
    with transaction() as session:
        return feed.mark_read(session, actor, notification_id)


def _mark_all_read(actor: Actor) -> int:
    with transaction() as session:
        return feed.mark_all_read(session, actor)


def _delete(actor: Actor, notification_id: uuid.UUID) -> None:
    with transaction() as session:
        feed.delete_notification(session, actor, notification_id)


def _page(
    actor: Actor, page: int, unread_only: bool, kind: str
) -> tuple[list[dict[str, str]], int, int, int]:
    """(rows, total, total pages, unread count) of one page (the last one if it shrank)."""
    types = [NotificationType(kind)] if kind else None
    with read_session() as session:
        result = feed.list_notifications(
            session, actor, PageRequest(page, PAGE_SIZE), unread_only=unread_only, types=types
        )
        if not result.items and page > result.total_pages:
            result = feed.list_notifications(
                session,
                actor,
                PageRequest(result.total_pages, PAGE_SIZE),
                unread_only=unread_only,
                types=types,
            )
    rows = [display_row(r) for r in result.items]
    return rows, result.total, result.total_pages, int(result.extra["unread"])


def _muted(actor: Actor) -> list[str]:
    with read_session() as session:
        return feed.muted_types(session, actor)


def _save_muted(actor: Actor, types: list[str]) -> list[str]:
    with transaction() as session:
        return feed.set_muted_types(session, actor, types)


def toast_events(rows: list[dict[str, str]]) -> list[Any]:
    """The `rx.toast` events of high-priority notifications (oldest first, at most 3)."""
    return [
        rx.toast.error(
            r["title"],
            description=r["message"][:200],
            duration=8000,
            id=f"notification-{r['id']}",
        )
        for r in list(reversed(rows))[:MAX_TOASTS]
    ]


async def push_toasts(token: str, rows: list[dict[str, str]]) -> None:
    """Send toasts for `rows` to the tab `token` (on whichever instance holds its socket).
    A failure is logged: the badge and the list are updated anyway."""
    from reflex.event import Event
    from reflex.state import StateUpdate
    from reflex.utils.prerequisites import get_and_validate_app

    try:
        app = get_and_validate_app().app
        if app.event_namespace is None or not token:
            return
        update = StateUpdate(events=Event.from_event_type(toast_events(rows)))
        await app.event_namespace.emit_update(update, token)
    except Exception:
        logger.warning("notifications: toast not sent to tab %s…", token[:8], exc_info=True)


def _own_changes(changes: list[Change], user_id: str) -> bool:
    return bool(user_id) and any(
        c.entity == NOTIFICATION_ENTITY and c.id == user_id for c in changes
    )


async def _actor(state: rx.State) -> tuple[AuthState, Actor | None]:
    auth = await state.get_state(AuthState)
    return auth, await auth._current_actor()


class NotificationBellState(rx.State):
    """The bell in the header of every signed-in page."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({NOTIFICATION_ENTITY})

    unread: int = 0
    items: list[dict[str, str]] = []
    open: bool = False
    loaded: bool = False

    _user_id: str = ""
    _since: str = ""  # ISO time of the newest notification this tab has seen

    @rx.var
    def badge(self) -> str:
        return badge_label(self.unread)

    def _show(self, unread: int, rows: list[dict[str, str]]) -> None:
        self.unread = unread
        self.items = rows
        newest = max((r["at"] for r in rows), default="")
        self._since = max(self._since, newest)
        self.loaded = True

    async def _refresh(self, actor: Actor) -> None:
        self._user_id = str(actor.user_id)
        unread, rows = await asyncio.to_thread(_bell, actor)
        if not self._since:
            self._since = datetime.now(UTC).isoformat()
        self._show(unread, rows)

    @rx.event
    async def load(self):
        """Mount of the bell: the unread count and the latest notifications. No arguments."""
        _auth, actor = await _actor(self)
        if actor is None:
            return
        try:
            await self._refresh(actor)
        except DomainError:
            return

    @rx.event
    async def set_open(self, value: bool):
        """Open / close the bell's list (`value` a bool); opening re-reads it."""
        self.open = value is True
        if not self.open:
            return
        _auth, actor = await _actor(self)
        if actor is not None:
            await self._refresh(actor)

    @rx.event
    async def open_item(self, notification_id: str):
        """Click on a notification (`notification_id`, one of the user's own): mark it read
        and go to what it is about."""
        target = parse_client_id(notification_id)
        auth, actor = await _actor(self)
        if actor is None:
            return auth._login_redirect()
        if target is None:
            return None
        try:
            row = await asyncio.to_thread(_mark_read, actor, target)
        except DomainError as exc:
            await self._refresh(actor)
            return rx.toast.error(exc.message)
        self.open = False
        await self._refresh(actor)
        link = str(row.get("link") or "")
        return rx.redirect(safe_next_path(link)) if link else None

    @rx.event
    async def mark_all_read(self):
        """Mark every unread notification of the user read. No arguments."""
        auth, actor = await _actor(self)
        if actor is None:
            return auth._login_redirect()
        await asyncio.to_thread(_mark_all_read, actor)
        await self._refresh(actor)
        return None

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Live: this tab's user has new / changed notifications -> refresh the badge and
        list, and toast each new unread high-priority one."""
        if not self.loaded or not _own_changes(changes, self._user_id):
            return
        token, ip, user_agent, _own = await live_context(self)
        if not token:
            return
        try:
            unread, rows, fresh = await asyncio.to_thread(
                _live_bell, token, ip, user_agent, self._since
            )
        except DomainError:
            return
        urgent = [r for r in fresh if r["priority"] == "high"]
        self._show(unread, rows)
        self._since = max([self._since, *(r["at"] for r in fresh)])
        if urgent:
            await push_toasts(self.router.session.client_token, urgent)


class NotificationsState(PagingMixin, rx.State):
    """The /notifications page: the user's notifications with filters, and the muted types."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({NOTIFICATION_ENTITY})

    rows: list[dict[str, str]] = []
    total: int = 0
    unread: int = 0
    show: str = "all"
    kind: str = ""
    muted: list[str] = []
    loading: bool = False
    loaded: bool = False
    saving_prefs: bool = False

    _user_id: str = ""

    @rx.var
    def type_value(self) -> str:
        return self.kind or "any"

    @rx.var
    def has_filters(self) -> bool:
        return self.show != "all" or bool(self.kind)

    async def _reload(self, actor: Actor) -> None:
        self._user_id = str(actor.user_id)
        rows, total, pages, unread = await asyncio.to_thread(
            _page, actor, self.page, self.show == "unread", self.kind
        )
        self.rows, self.total, self.total_pages, self.unread = rows, total, pages, unread
        self.page = min(self.page, pages)
        self.loaded = True

    async def _reload_verified(self):
        async for update in verified_reload(self, self._reload):
            yield update

    @rx.event
    async def load(self):
        """on_load of /notifications: sign-in check, first page, muted types. No arguments."""
        auth, actor = await _actor(self)
        if actor is None:
            yield auth._login_redirect()
            return
        self.page = 1
        self.loading = True
        yield
        try:
            self.muted = await asyncio.to_thread(_muted, actor)
            await self._reload(actor)
        finally:
            self.loading = False

    @rx.event
    async def set_show(self, value: str | list[str]):
        """ "all" or "unread"."""
        if value not in SHOW_CHOICES or value == self.show:
            return
        self.show = value
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def set_kind(self, value: str):
        """A notification type, or "any" for every type."""
        kind = "" if value == "any" else value
        if kind and kind not in feed.TYPE_LABELS:
            return
        self.kind = kind
        self.page = 1
        async for update in self._reload_verified():
            yield update

    @rx.event
    async def clear_filters(self):
        """Show every notification again. No arguments."""
        self.show, self.kind, self.page = "all", "", 1
        async for update in self._reload_verified():
            yield update

    async def _write(self, work: Any, *args: Any) -> Any:
        auth, actor = await _actor(self)
        if actor is None:
            return auth._login_redirect()
        try:
            await asyncio.to_thread(work, actor, *args)
        except DomainError as exc:
            await self._reload(actor)
            return rx.toast.error(exc.message)
        await self._reload(actor)
        return None

    @rx.event
    async def mark_read(self, notification_id: str):
        """Mark one of the user's notifications read (`notification_id`)."""
        target = parse_client_id(notification_id)
        if target is None:
            return None
        return await self._write(_mark_read, target)

    @rx.event
    async def delete_item(self, notification_id: str):
        """Remove one of the user's notifications (`notification_id`)."""
        target = parse_client_id(notification_id)
        if target is None:
            return None
        outcome = await self._write(_delete, target)
        return outcome or rx.toast.success(await tr(self, "ui.notifications.removed"))

    @rx.event
    async def mark_all_read(self):
        """Mark every unread notification of the user read. No arguments."""
        return await self._write(_mark_all_read)

    @rx.event
    async def open_item(self, notification_id: str):
        """Mark a notification read and go to what it is about (`notification_id`)."""
        target = parse_client_id(notification_id)
        auth, actor = await _actor(self)
        if actor is None:
            return auth._login_redirect()
        if target is None:
            return None
        try:
            row = await asyncio.to_thread(_mark_read, actor, target)
        except DomainError as exc:
            await self._reload(actor)
            return rx.toast.error(exc.message)
        link = str(row.get("link") or "")
        if link:
            return rx.redirect(safe_next_path(link))
        await self._reload(actor)
        return None

    @rx.event
    async def set_muted(self, kind: str, muted: bool):
        """Mute (`muted` true) or receive again one notification type `kind` for oneself."""
        if kind not in feed.TYPE_LABELS or not isinstance(muted, bool):
            return None
        auth, actor = await _actor(self)
        if actor is None:
            return auth._login_redirect()
        wanted = [t for t in self.muted if t != kind] + ([kind] if muted else [])
        self.saving_prefs = True
        try:
            self.muted = await asyncio.to_thread(_save_muted, actor, wanted)
        except DomainError as exc:
            self.muted = await asyncio.to_thread(_muted, actor)
            return rx.toast.error(exc.message)
        finally:
            self.saving_prefs = False
        label = await tr(self, f"ui.notifications.type.{kind}")
        key = "ui.notifications.muted" if muted else "ui.notifications.unmuted"
        return rx.toast.success(await tr(self, key, label=label))

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Live: re-read the page when this tab's user's notifications changed and the
        tab has /notifications open."""
        on_page = self.router.url.path.rstrip("/") == routes.NOTIFICATIONS
        if not self.loaded or not on_page or not _own_changes(changes, self._user_id):
            return
        token, ip, user_agent, _own = await live_context(self)
        if not token:
            return
        try:
            actor = await asyncio.to_thread(_verify, token, ip, user_agent)
            await self._reload(actor)
        except DomainError:
            return
