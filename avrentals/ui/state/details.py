"""Steps the client and equipment-item detail states share: re-reading the shown record
after live changes, and refreshing the list and detail pages after a write from this tab."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import reflex as rx

from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, NotFound
from avrentals.domain.permissions import Actor
from avrentals.ui.state.clients import live_context


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
    for change in reversed(relevant):
        mine = change.actor and change.actor == own
        if change.entity != entity or change.id != state.detail_id or mine:
            continue
        who = change.actorName or change.actor or "Someone"
        verb = "deleted" if change.action == "delete" else "updated"
        state.live_notice = f"{name} was {verb} by {who}."
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
