"""Delete a client behind a confirmation that names it (list and client page).

`clients.delete_client` runs with the version shown in the confirmation. While the client has
events or quotes it is refused (InUse) and the dialog says why ("… has 3 events and 2 quotes;
it can't be deleted"); a client changed since the dialog opened must be confirmed again.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.errors import DomainError, InUse, NotFound, VersionConflict
from avrentals.domain.permissions import Actor
from avrentals.domain.services import clients as clients_service
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.client_detail import ClientDetailState, refresh_client_pages
from avrentals.ui.state.clients import CLIENTS_PATH, live_context, parse_client_id, plural, text

LIVE_ENTITIES = frozenset({"client"})


def in_use_message(name: str, exc: InUse) -> str:
    """ "Acme has 3 events and 2 quotes; it can't be deleted." from the service's counts."""
    events, quotes = exc.details.get("events"), exc.details.get("quotes")
    if isinstance(events, int) and isinstance(quotes, int):
        return (
            f"{name} has {plural(events, 'event')} and {plural(quotes, 'quote')}; "
            "it can't be deleted."
        )
    return exc.message


def _get(actor: Actor, client_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return clients_service.client_row(clients_service.get_client(session, actor, client_id))


def _delete(actor: Actor, client_id: uuid.UUID, version: int) -> None:
    with transaction() as session:
        clients_service.delete_client(session, actor, client_id, version=version)


class ClientDeleteState(rx.State):
    """The delete confirmation of one tab. Handlers re-verify the token and validate their
    arguments (a UUID string of at most 64 characters); `clients.delete_client` checks
    `clients:delete` (the check here only spares a role a dialog it could not use)."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    delete_open: bool = False
    delete_id: str = ""
    delete_name: str = ""
    delete_version: int = 0
    delete_error: str = ""
    delete_blocked: bool = False  # refused as in use: only "Close" is offered
    deleting: bool = False

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
            return rx.toast.error("Your role cannot delete clients.")
        try:
            row = await asyncio.to_thread(_get, actor, cid)
        except NotFound:
            return rx.toast.error("This client no longer exists.")
        self.delete_id = str(cid)
        self.delete_name = text(row.get("name"))
        self.delete_version = int(row.get("version") or 0)
        self.delete_error = ""
        self.delete_blocked = False
        self.delete_open = True
        return None

    @rx.event
    def set_delete_open(self, value: bool):
        """Confirmation open/close from the browser: only closing is honoured."""
        if value is False and not self.deleting:
            self.delete_open = False
            self.delete_error = ""

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
        self.deleting = True
        self.delete_error = ""
        yield
        try:
            await asyncio.to_thread(_delete, actor, cid, self.delete_version)
        except InUse as exc:
            self.delete_error = in_use_message(self.delete_name, exc)
            self.delete_blocked = True
        except VersionConflict as exc:
            self.delete_version = int(exc.current.get("version") or self.delete_version)
            self.delete_name = text(exc.current.get("name")) or self.delete_name
            self.delete_error = (
                "Someone changed this client since you opened this; check it and confirm again."
            )
        except NotFound:
            self.delete_open = False
            yield rx.toast.info("This client was already deleted.")
        except DomainError as exc:
            self.delete_error = exc.message
        else:
            self.delete_open = False
            yield rx.toast.success(f"{self.delete_name} deleted.")
            detail = await self.get_state(ClientDetailState)
            if detail.detail_id == self.delete_id and self.router.url.path.startswith(
                CLIENTS_PATH + "/"
            ):
                yield rx.redirect(CLIENTS_PATH)
            else:
                await refresh_client_pages(self, actor, self.delete_id)
        finally:
            self.deleting = False

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Warn a user with the confirmation open that someone just changed that client."""
        if not self.delete_open or self.delete_blocked:
            return
        _token, _ip, _ua, own = await live_context(self)
        for change in changes:
            mine = change.actor and change.actor == own
            if change.entity != "client" or change.id != self.delete_id or mine:
                continue
            who = change.actorName or change.actor or "Someone else"
            if change.action == "delete":
                self.delete_error = f"{who} just deleted this client."
            else:
                self.delete_error = f"{who} just changed this client; check it before deleting."
