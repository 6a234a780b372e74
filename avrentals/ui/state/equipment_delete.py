"""Delete an equipment item behind a confirmation that names it (list and item page).

`equipment.delete_equipment` runs with the version shown in the confirmation. While the item
has rentals (current, future or past events) it is refused (InUse) and the dialog shows the
service's reason; an item changed since the dialog opened must be confirmed again.
"""

from __future__ import annotations

import asyncio
import functools
import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.changes import Change
from avrentals.domain.errors import NotFound
from avrentals.domain.permissions import Actor
from avrentals.domain.services import equipment as equipment_service
from avrentals.ui import routes
from avrentals.ui.i18n import tr
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.deleting import (
    DeleteConfirmMixin,
    open_confirmation,
    run_delete,
    warn_changed,
)
from avrentals.ui.state.equipment_detail import EquipmentDetailState, refresh_equipment_pages
from avrentals.ui.state.equipment_form_values import parse_item_id
from avrentals.ui.state.formatting import text

LIVE_ENTITIES = frozenset({"equipment"})


def _get(actor: Actor, item_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return equipment_service.get_equipment_row(session, actor, item_id)


def _delete(actor: Actor, item_id: uuid.UUID, version: int) -> None:
    with transaction() as session:
        equipment_service.delete_equipment(session, actor, item_id, version=version)


class EquipmentDeleteState(DeleteConfirmMixin, rx.State):
    """The delete confirmation of one tab. Handlers re-verify the token and validate their
    arguments (a UUID string of at most 64 characters); `equipment.delete_equipment` checks
    `equipment:delete` (the check here only spares a role a dialog it could not use)."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live

    delete_code: str = ""

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
            return rx.toast.error(await tr(self, "equipment.error.cannot_delete"))
        try:
            row = await asyncio.to_thread(_get, actor, iid)
        except NotFound:
            return rx.toast.error(await tr(self, "equipment.error.gone"))
        open_confirmation(self, str(iid), text(row.get("name")), int(row.get("version") or 0))
        self.delete_code = text(row.get("asset_code"))
        return None

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
        async for event in run_delete(
            self,
            functools.partial(_delete, actor, iid, self.delete_version),
            in_use=lambda exc: exc.message,
            stale=await tr(self, "equipment.delete.stale"),
            gone=await tr(self, "equipment.delete.gone"),
            on_deleted=lambda: self._after_delete(actor),
        ):
            yield event

    async def _after_delete(self, actor: Actor) -> Any:
        """Leave the page of the deleted item, or refresh the pages that show it."""
        detail = await self.get_state(EquipmentDetailState)
        if detail.detail_id == self.delete_id and self.router.url.path.startswith(
            routes.EQUIPMENT + "/"
        ):
            return rx.redirect(routes.EQUIPMENT)
        await refresh_equipment_pages(self, actor, self.delete_id)
        return None

    async def _apply_changes(self, changes: list[Change]) -> None:
        """Warn a user with the confirmation open that someone just changed that item."""
        await warn_changed(self, changes, "equipment", "item")
