"""Steps the client, equipment-item and event detail states share: the id taken from the
URL and the (re)read of the shown record (`DetailStateMixin`), re-reading it after live
changes, and refreshing the list and detail pages after a write from this tab."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import reflex as rx
from sqlmodel import Session

from avrentals.db import read_session
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, NotFound
from avrentals.domain.permissions import Actor
from avrentals.i18n import translate
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.formatting import tab_language
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.listing import live_context, verified_actor

# Blocking: one record as its page shows it, read in `session` for `actor` (raises NotFound).
Read = Callable[[Session, Actor, str], dict[str, Any]]


def parse_or_not_found(raw: str, message: str) -> uuid.UUID:
    """The UUID of a detail page's id, or NotFound(`message`) for a malformed one."""
    record_id = parse_client_id(raw)
    if record_id is None:
        raise NotFound(message)
    return record_id


def read_detail(read: Read, actor: Actor, record_id: str) -> dict[str, Any]:
    """Blocking: `read` in a read-only session."""
    with read_session() as session:
        return read(session, actor, record_id)


def read_detail_live(
    read: Read, token: str, ip: str | None, user_agent: str | None, record_id: str
) -> dict[str, Any]:
    """Blocking: `read` for a live refresh, with the tab's token re-verified first."""
    with read_session() as session:
        return read(session, verified_actor(session, token, ip, user_agent), record_id)


def path_id(path: str, base: str) -> str:
    """The `<id>` of `<base>/<id>` (raw text; validated by `parse_client_id`)."""
    prefix = base + "/"
    if not isinstance(path, str) or not path.startswith(prefix):
        return ""
    return path[len(prefix) :].strip("/")


class DetailStateMixin(rx.State, mixin=True):
    """One record's page: the id comes from the URL (a UUID of at most 64 characters, else
    "not found"), the record is read in a worker thread with the re-verified Actor.

    A state using it implements `_id_from_path`, `_load_detail` (blocking), `_apply(shown)`,
    `_gone()` and `_forget()`, and calls `_open_from_url()` from its `load` handler."""

    detail_id: str = ""
    loaded: bool = False
    not_found: bool = False
    error: str = ""
    live_notice: str = ""

    def _id_from_path(self, path: str) -> str:
        raise NotImplementedError

    def _load_detail(self, actor: Actor, detail_id: str) -> dict[str, Any]:
        """Blocking: the record as the page shows it (raises NotFound)."""
        raise NotImplementedError

    def _apply(self, shown: dict[str, Any]) -> None:
        raise NotImplementedError

    def _gone(self) -> None:
        """Show "not found"."""
        raise NotImplementedError

    def _forget(self) -> None:
        """Another record is about to show: drop what the page holds of the last one."""

    async def _reload(self, actor: Actor) -> None:
        try:
            shown = await asyncio.to_thread(self._load_detail, actor, self.detail_id)
        except NotFound:
            self._gone()
            return
        except DomainError as exc:
            self.error = exc.message
            return
        self.error = ""
        self._apply(shown)

    async def _open_from_url(self):
        """Body of the `load` handlers: verify the token, take the id from the URL, read."""
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        if actor is None:
            yield auth._login_redirect()
            return
        raw = self._id_from_path(self.router.url.path)
        if raw != self.detail_id:
            self.loaded = False
            self._forget()
        self.detail_id = raw if parse_client_id(raw) is not None else ""
        self.live_notice = ""
        if not self.detail_id:
            self._gone()
            return
        yield
        await self._reload(actor)

    @rx.event
    def dismiss_notice(self):
        """Hide the live-update banner. No arguments."""
        self.live_notice = ""


async def apply_detail_changes(
    state: Any,
    changes: list[Change],
    *,
    live_entities: frozenset[str],
    entity: str,
    name: str,
    id_from_path: Callable[[str], str],
    live_detail: Callable[[str, str | None, str | None, str], dict[str, Any]],
) -> None:
    """Re-read the record `state` shows after committed changes to `live_entities`, if this
    tab shows it (`state._apply` / `state._gone`); name who changed or deleted it (`name` is
    the shown record's name as it was before)."""
    relevant = [c for c in changes if c.entity in live_entities]
    on_page = id_from_path(state.router.url.path) == state.detail_id
    if not relevant or not state.loaded or not state.detail_id or not on_page:
        return
    token, ip, user_agent, own = await live_context(state)
    if not token:
        return
    try:
        shown = await asyncio.to_thread(live_detail, token, ip, user_agent, state.detail_id)
    except NotFound:
        shown = None
    except DomainError:
        return
    if shown is None:
        state._gone()
    else:
        state._apply(shown)
    language = await tab_language(state)
    for change in reversed(relevant):
        mine = change.actor and change.actor == own
        if change.entity != entity or change.id != state.detail_id or mine:
            continue
        who = change.actorName or change.actor or translate("ui.live.someone", language)
        key = "ui.live.deleted_by" if change.action == "delete" else "ui.live.updated_by"
        state.live_notice = translate(key, language, name=name, who=who)
        break


async def refresh_pages(
    state: rx.State,
    actor: Actor,
    record_id: str,
    list_state: type[rx.State],
    detail_state: type[rx.State],
) -> None:
    """After a write from this tab: re-query the list (if loaded) and the detail page (if it
    shows `record_id`), so the user sees the result with the save's answer (the live push
    follows too)."""
    listing = await state.get_state(list_state)
    if listing.loaded:
        await listing._reload(actor)
    detail = await state.get_state(detail_state)
    if detail.loaded and detail.detail_id == record_id:
        await detail._reload(actor)
