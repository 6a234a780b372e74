"""Toolbar actions of the inventory list: export the current filter as CSV, print QR labels
for it as a PDF sheet (the import itself lives on /equipment/import).

The filter is read server-side from the tab's `EquipmentState` (never from event
arguments), the Actor from `AuthState`; the services check `equipment:read` and do the work
in a worker thread. The file goes to the browser with `rx.download`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import itertools
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

import reflex as rx

from avrentals.db import read_session
from avrentals.domain.errors import DomainError
from avrentals.domain.permissions import Actor
from avrentals.domain.services import equipment as equipment_service
from avrentals.domain.services import equipment_csv, labels
from avrentals.ui.state.auth import AuthState
from avrentals.ui.state.equipment import EquipmentState


def list_filters(query: Any) -> dict[str, Any]:
    """The filter keyword arguments of the list's query that `list_equipment` accepts (the
    list may grow filters; paging is dropped: an export takes every matching row)."""
    accepted = set(inspect.signature(equipment_service.list_equipment).parameters)
    accepted -= {"session", "actor", "paging"}
    values = dataclasses.asdict(query) if dataclasses.is_dataclass(query) else dict(query)
    return {k: val for k, val in values.items() if k in accepted and val not in (None, "")}


def _export(actor: Actor, filters: dict[str, Any]) -> bytes:
    with read_session() as session:
        return equipment_csv.export_equipment_csv(session, actor, **filters)


def _labels(actor: Actor, filters: dict[str, Any]) -> bytes:
    with read_session() as session:
        category_id = filters.get("category_id")
        only_category = set(filters) - {"sort", "descending"} == {"category_id"}
        if only_category and isinstance(category_id, uuid.UUID):
            return labels.label_sheet_pdf(session, actor, category_id=category_id)
        # One past the labels service's limit is enough for it to refuse with its message.
        limit = labels.MAX_LABELS + 1
        rows = equipment_csv.iter_equipment_rows(session, actor, **filters)
        ids = [uuid.UUID(str(row["id"])) for row in itertools.islice(rows, limit)]
        return labels.label_sheet_pdf(session, actor, item_ids=ids)


class InventoryActionsState(rx.State):
    """Export / labels of the current inventory filter. Handlers take no arguments."""

    busy: str = ""  # "csv" | "labels" while a file is being made

    async def _actor_and_filters(self) -> tuple[Actor | None, AuthState, dict[str, Any]]:
        auth = await self.get_state(AuthState)
        actor = await auth._current_actor()
        listing = await self.get_state(EquipmentState)
        return actor, auth, list_filters(listing._query())

    async def _download(
        self, kind: str, build: Callable[[Actor, dict[str, Any]], bytes], filename: str
    ):
        """Make one file of the list's current filter in a worker thread (one at a time per
        tab, `busy` = `kind` meanwhile) and send it to the browser as `filename`."""
        if self.busy:
            return
        actor, auth, filters = await self._actor_and_filters()
        if actor is None:
            yield auth._login_redirect()
            return
        self.busy = kind
        yield
        try:
            data = await asyncio.to_thread(build, actor, filters)
        except DomainError as exc:
            yield rx.toast.error(exc.message)
            return
        finally:
            self.busy = ""
        yield rx.download(data=data, filename=filename)

    @rx.event
    async def export_csv(self):
        """Download the rows of the list's current filter as CSV (`equipment:read`)."""
        filename = equipment_csv.export_filename(date.today())
        async for update in self._download("csv", _export, filename):
            yield update

    @rx.event
    async def print_labels(self):
        """Download an A4 PDF sheet of QR labels for the current filter (`equipment:read`):
        the whole category when only a category is chosen, else the matching items."""
        filename = f"labels-{date.today().isoformat()}.pdf"
        async for update in self._download("labels", _labels, filename):
            yield update
