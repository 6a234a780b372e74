"""Delete an equipment item behind a confirmation that names it (list and item page).

`equipment.delete_equipment` runs with the version shown in the confirmation. While the item
has rentals (current, future or past events) it is refused (InUse) and the dialog shows the
service's reason; an item changed since the dialog opened must be confirmed again.
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
from avrentals.domain.services import equipment as equipment_service
from avrentals.ui import routes
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.clients import live_context, text
from avrentals.ui.state.equipment_detail import EquipmentDetailState, refresh_equipment_pages
from avrentals.ui.state.equipment_form_values import parse_item_id

LIVE_ENTITIES = frozenset({"equipment"})


def _get(actor: Actor, item_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return equipment_service.get_equipment_row(session, actor, item_id)


def _delete(actor: Actor, item_id: uuid.UUID, version: int) -> None:
    with transaction() as session:
        equipment_service.delete_equipment(session, actor, item_id, version=version)


class EquipmentDeleteState(rx.State):
    """The delete confirmation of one tab. Handlers re-verify the token and validate their
    arguments (a UUID string of at most 64 characters); `equipment.delete_equipment` checks
    `equipment:delete` (the check here only spares a role a dialog it could not use)."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    delete_open: bool = False
    delete_id: str = ""
    delete_name: str = ""
    delete_code: str = ""
    delete_version: int = 0
    delete_error: str = ""
    delete_blocked: bool = False  # refused as in use: only "Close" is offered
    deleting: bool = False

    async def _actor(self) -> tuple[Actor | None, AuthState]:
        auth = await self.get_state(AuthState)
        return await auth._current_actor(), auth

    @rx.event
    async def ask_delete(self, item_id: str):
        """Open the confirmation naming the item. `item_id` must be a UUID string; needs
        `equipment:delete`. The item's current version (`equipment.get_equipment_row`) is
        what the delete carries."""
        iid = parse_item_id(item_id)
        if iid is None:
            return None
        actor, auth = await self._actor()
        if actor is None:
            return auth._login_redirect()
        if not actor.can("equipment:delete"):
            return rx.toast.error("Your role cannot delete equipment.")
        try:
            row = await asyncio.to_thread(_get, actor, iid)
        except NotFound:
            return rx.toast.error("This item no longer exists.")
        self.delete_id = str(iid)
        self.delete_name = text(row.get("name"))
        self.delete_code = text(row.get("asset_code"))
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
        """Delete the item named in the confirmation (`equipment.delete_equipment` with the
        version shown). InUse (the service's reason) and a stale version are explained in
        the dialog. No arguments."""
        iid = parse_item_id(self.delete_id)
        if self.deleting or not self.delete_open or iid is None:
            return
        actor, auth = await self._actor()
        if actor is None:
            yield auth._login_redirect()
            return
        self.deleting = True
        self.delete_error = ""
        yield
        try:
            await asyncio.to_thread(_delete, actor, iid, self.delete_version)
        except InUse as exc:
            self.delete_error = exc.message
            self.delete_blocked = True
        except VersionConflict as exc:
            self.delete_version = int(exc.current.get("version") or self.delete_version)
            self.delete_name = text(exc.current.get("name")) or self.delete_name
            self.delete_error = (
                "Someone changed this item since you opened this; check it and confirm again."
            )
        except NotFound:
            self.delete_open = False
            yield rx.toast.info("This item was already deleted.")
        except DomainError as exc:
            self.delete_error = exc.message
        else:
            self.delete_open = False
            yield rx.toast.success(f"{self.delete_name} deleted.")
            detail = await self.get_state(EquipmentDetailState)
            if detail.detail_id == self.delete_id and self.router.url.path.startswith(
                routes.EQUIPMENT + "/"
            ):
                yield rx.redirect(routes.EQUIPMENT)
            else:
                await refresh_equipment_pages(self, actor, self.delete_id)
        finally:
            self.deleting = False

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Warn a user with the confirmation open that someone just changed that item."""
        if not self.delete_open or self.delete_blocked:
            return
        _token, _ip, _ua, own = await live_context(self)
        for change in changes:
            mine = change.actor and change.actor == own
            if change.entity != "equipment" or change.id != self.delete_id or mine:
                continue
            who = change.actorName or change.actor or "Someone else"
            if change.action == "delete":
                self.delete_error = f"{who} just deleted this item."
            else:
                self.delete_error = f"{who} just changed this item; check it before deleting."
