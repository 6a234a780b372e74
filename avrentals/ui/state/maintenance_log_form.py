"""Correct a maintenance log's paperwork (date, description, cost) from /maintenance.

The dialog carries the version it loaded and saves only the changed fields
(`maintenance.update_log`, versioned); when someone else saved the log first, the shared
`VersionedFormMixin` shows field by field "your value" vs "saved value" and lets the user
apply theirs on top or discard them. The units a log moved are history and are not editable.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.errors import NotFound
from avrentals.domain.permissions import Actor
from avrentals.domain.services import maintenance as maintenance_service
from avrentals.domain.services import maintenance_queries as queries
from avrentals.domain.services.users import display_name
from avrentals.ui.components.forms import conflict_rows as shared_conflict_rows
from avrentals.ui.i18n import tr
from avrentals.ui.state.formatting import text
from avrentals.ui.state.identifiers import parse_client_id
from avrentals.ui.state.maintenance import MaintenanceState
from avrentals.ui.state.versioned_form import VersionedFormMixin, read_text_fields

# (field, label key); the labels are translated into the tab's language when the form saves.
FIELDS: tuple[tuple[str, str], ...] = (
    ("log_date", "common.field.date"),
    ("description", "common.field.description"),
    ("cost", "maintenance.field.cost"),
)
FIELD_NAMES = tuple(f for f, _label in FIELDS)
LABELS = dict(FIELDS)
MAX_INPUT = 2000


def form_values(row: dict[str, Any]) -> dict[str, str]:
    """The editable fields of a saved log as strings."""
    return {f: text(row.get(f)) for f in FIELD_NAMES}


def _get(actor: Actor, log_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return queries.get_log_row(session, actor, log_id)


def _update(actor: Actor, log_id: uuid.UUID, version: int, values: dict[str, Any]):
    with transaction() as session:
        maintenance_service.update_log(session, actor, log_id, version, values)
        row = queries.get_log_row(session, actor, log_id)
    return {**row, "name": f"{row['equipment_name']} log"}


def _editor(current: dict[str, Any]) -> str | None:
    with read_session() as session:
        return display_name(session, current.get("updated_by"))


class MaintenanceLogFormState(VersionedFormMixin, rx.State):
    """The edit dialog of one tab (`VersionedFormMixin`). Handlers validate their arguments
    (a UUID string of at most 64 characters; form payloads dicts of strings of at most 2000
    characters) and re-verify the token; the service checks `maintenance:write` and every
    rule."""

    LIVE_ENTITIES: ClassVar[frozenset[str]] = frozenset({"maintenance"})
    NOUN: ClassVar[str] = "maintenance log"
    ENTITY: ClassVar[str] = "maintenance"
    FIELD_NAMES: ClassVar[tuple[str, ...]] = FIELD_NAMES

    values: dict[str, str] = dict.fromkeys(FIELD_NAMES, "")
    errors: dict[str, str] = dict.fromkeys(FIELD_NAMES, "")
    _labels: dict[str, str] = {}  # field -> label in the tab's language (set on save)

    def _parse_id(self, value: Any) -> uuid.UUID | None:
        return parse_client_id(value)

    def _show(self, row: dict[str, Any]) -> None:
        self.values = form_values(row)
        self._original = dict(self.values)
        self.edit_version = int(row.get("version") or 0)
        self.form_key = str(int(self.form_key) + 1)

    def _fetch(self, actor: Actor, record_id: uuid.UUID) -> dict[str, Any]:
        return _get(actor, record_id)

    def _write(
        self, actor: Actor, record_id: uuid.UUID | None, version: int, payload: dict[str, Any]
    ) -> dict[str, Any]:
        if record_id is None:  # logs are created by the request / repair dialog
            raise NotFound("Maintenance log not found.")
        return _update(actor, record_id, version, payload)

    def _conflict_rows_for(self, saved: dict[str, Any]) -> list[dict[str, str]]:
        labels = tuple((f, self._labels.get(f) or LABELS[f]) for f in FIELD_NAMES)
        return shared_conflict_rows(labels, self._mine, self._original, form_values(saved))

    def _editor_name(self, actor: Actor, current: dict[str, Any]) -> str | None:
        return _editor(current)

    async def _refresh(self, actor: Actor, record_id: str) -> None:
        listing = await self.get_state(MaintenanceState)
        if listing.loaded:
            await listing._reload(actor)

    @rx.event
    async def open_edit(self, log_id: str):
        """Open the edit form of a log. `log_id`: a UUID string; the log is read fresh and
        its version is the one the save carries. Needs `maintenance:write`."""
        refusal = await tr(self, "maintenance.error.cannot_edit")
        return await self._open_edit("maintenance:write", refusal, log_id)

    @rx.event
    async def save(self, form_data: dict):
        """Submit (Enter or Save). `form_data`: a dict of strings (`log_date`,
        `description`, `cost`); only the changed fields go to `maintenance.update_log`."""
        if self.saving or not self.form_open or self.conflict:
            return
        self._labels = {f: await tr(self, key) for f, key in FIELDS}
        values, errors = read_text_fields(form_data, FIELD_NAMES, self._labels, MAX_INPUT)
        if any(errors.values()):
            self.errors = errors
            return
        self._mine = values
        async for update in self._submit(values):
            yield update
