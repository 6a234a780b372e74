"""Delete a client behind a confirmation that names it (list and client page).

`clients.delete_client` runs with the version shown in the confirmation. While the client has
events or quotes it is refused (InUse) and the dialog says why ("… has 3 events and 2 quotes;
it can't be deleted"); a client changed since the dialog opened must be confirmed again.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.errors import InUse, NotFound
from avrentals.domain.permissions import Actor
from avrentals.domain.services import clients as clients_service
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.client_detail import ClientDetailState, refresh_client_pages
from avrentals.ui.state.clients import CLIENTS_PATH
from avrentals.ui.state.deleting import (
    DeleteConfirmMixin,
    open_confirmation,
    run_delete,
    warn_changed,
)
from avrentals.ui.state.formatting import count_text, tab_language, text
from avrentals.ui.state.identifiers import parse_client_id

LIVE_ENTITIES = frozenset({"client"})


def in_use_message(name: str, exc: InUse, language: str = DEFAULT_LANGUAGE) -> str:
    """ "Acme has 3 events and 2 quotes; it can't be deleted." from the service's counts."""
    events, quotes = exc.details.get("events"), exc.details.get("quotes")
    if isinstance(events, int) and isinstance(quotes, int):
        return translate(
            "clients.delete.in_use",
            language,
            name=name,
            events=count_text(events, "clients.count.event", language),
            quotes=count_text(quotes, "clients.count.quote", language),
        )
    return exc.message


def _get(actor: Actor, client_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return clients_service.client_row(clients_service.get_client(session, actor, client_id))


def _delete(actor: Actor, client_id: uuid.UUID, version: int) -> None:
    with transaction() as session:
        clients_service.delete_client(session, actor, client_id, version=version)


class ClientDeleteState(DeleteConfirmMixin, rx.State):
    """The delete confirmation of one tab. Handlers re-verify the token and validate their
    arguments (a UUID string of at most 64 characters); `clients.delete_client` checks
    `clients:delete` (the check here only spares a role a dialog it could not use)."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    @rx.event
    async def ask_delete(self, client_id: str):
        """Open the delete confirmation naming the client. `client_id` must be a UUID string;
        needs `clients:delete`. The client's current version is what the delete carries."""
        cid = parse_client_id(client_id)
        if cid is None:
            return None
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can("clients:delete"):
            return rx.toast.error(await tr(self, "clients.delete.cannot"))
        try:
            row = await asyncio.to_thread(_get, actor, cid)
        except NotFound:
            return rx.toast.error(await tr(self, "clients.delete.missing"))
        open_confirmation(self, str(cid), text(row.get("name")), int(row.get("version") or 0))
        return None

    @rx.event
    async def confirm_delete(self):
        """Delete the client named in the confirmation (`clients.delete_client` with the
        version shown). InUse and a stale version are explained in the dialog. No arguments."""
        cid = parse_client_id(self.delete_id)
        if self.deleting or not self.delete_open or cid is None:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        language = await tab_language(self)
        async for event in run_delete(
            self,
            functools.partial(_delete, actor, cid, self.delete_version),
            in_use=lambda exc: in_use_message(self.delete_name, exc, language),
            stale=translate("clients.delete.stale", language),
            gone=translate("clients.delete.gone", language),
            on_deleted=lambda: self._after_delete(actor),
        ):
            yield event

    async def _after_delete(self, actor: Actor) -> Any:
        """Leave the page of the deleted client, or refresh the pages that show it."""
        detail = await self.get_state(ClientDetailState)
        if detail.detail_id == self.delete_id and self.router.url.path.startswith(
            CLIENTS_PATH + "/"
        ):
            return rx.redirect(CLIENTS_PATH)
        await refresh_client_pages(self, actor, self.delete_id)
        return None

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Warn a user with the confirmation open that someone just changed that client."""
        await warn_changed(self, changes, "client", "client")
