"""Create / edit an equipment item, shared by the inventory list and the item page.

The edit form carries the version it loaded and saves only the fields the user changed
(`equipment.update_equipment`, versioned). When someone else saved first (VersionConflict)
the dialog shows who, and field by field "your value" vs "saved value"; "Apply my changes on
top" resubmits the changed fields with the saved version, "Discard mine" reloads the saved
item. Field messages come from the service's ValidationFailed (snake_case field names).

Category, subcategory, type and the four counts are tracked by this state (subcategory
options follow the category; a consumable forces the daily rate to 0; the counts' sum is
checked live). The asset code is shown only to roles the service lets set it by hand.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, ClassVar

import reflex as rx

from avrentals.db import read_session, transaction
from avrentals.domain.permissions import Actor
from avrentals.domain.services import categories as categories_service
from avrentals.domain.services import equipment as equipment_service
from avrentals.i18n import DEFAULT_LANGUAGE, translate
from avrentals.ui.components.forms import conflict_rows
from avrentals.ui.i18n import tr
from avrentals.ui.state.equipment_detail import refresh_equipment_pages
from avrentals.ui.state.equipment_form_values import (
    CONTROLLED,
    FIELD_NAMES,
    FIELDS,
    NO_SUBCATEGORY,
    TYPES,
    blank,
    count_status,
    form_values,
    parse_item_id,
    read_form,
    service_input,
)
from avrentals.ui.state.locale import LocaleState
from avrentals.ui.state.versioned_form import VersionedFormMixin

LIVE_ENTITIES = frozenset({"equipment"})


# --- blocking work, run with asyncio.to_thread ---------------------------------------------


def _choices(actor: Actor) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    with read_session() as session:
        tree = categories_service.list_category_tree(session, actor)
    cats = [{"id": c["id"], "name": c["name"]} for c in tree]
    subs = [
        {"id": s["id"], "category_id": s["category_id"], "name": s["name"]}
        for c in tree
        for s in c["subcategories"]
    ]
    return cats, subs


def _get(actor: Actor, item_id: uuid.UUID) -> dict[str, Any]:
    with read_session() as session:
        return equipment_service.get_equipment_row(session, actor, item_id)


def _create(actor: Actor, data: dict[str, Any]) -> dict[str, str]:
    with transaction() as session:
        item = equipment_service.create_equipment(session, actor, data)
        return {"id": str(item.id), "name": item.name}


def _update(actor: Actor, item_id: uuid.UUID, version: int, data: dict[str, Any]) -> dict:
    with transaction() as session:
        item = equipment_service.update_equipment(session, actor, item_id, version, data)
        return {"id": str(item.id), "name": item.name}


def _editor(actor: Actor, item_id: uuid.UUID) -> str | None:
    with read_session() as session:
        return equipment_service.last_editor_name(session, actor, item_id)


class EquipmentFormState(VersionedFormMixin, rx.State):
    """The equipment create/edit dialog of one tab, with conflict resolution.

    Every handler re-verifies the token (`AuthState._current_actor()`) and validates its
    arguments: ids are UUID strings (≤ 64 characters), `set_choice` takes an allow-listed
    field and a string, form payloads are dicts of strings (≤ 1000 characters; unknown keys
    ignored). The service checks `equipment:write`, the asset-code role rule and every field
    rule; the checks here only spare a role a dialog whose save would be refused.
    """

    LIVE_ENTITIES: ClassVar[frozenset[str]] = LIVE_ENTITIES  # for avrentals.ui.live
    NOUN: ClassVar[str] = "item"
    ENTITY: ClassVar[str] = "equipment"
    FIELD_NAMES: ClassVar[tuple[str, ...]] = FIELD_NAMES

    values: dict[str, str] = blank()
    errors: dict[str, str] = dict.fromkeys(FIELD_NAMES, "")
    code_editor: bool = False  # Manager/Admin: the asset code field is shown
    categories: list[dict[str, str]] = []
    subcategories: list[dict[str, str]] = []
    _language: str = DEFAULT_LANGUAGE  # the tab's language when the dialog opened / saved

    @rx.var
    def subcategory_options(self) -> list[dict[str, str]]:
        chosen = self.values.get("category_id", "")
        return [s for s in self.subcategories if s["category_id"] == chosen]

    @rx.var
    def subcategory_value(self) -> str:
        return self.values.get("subcategory_id") or NO_SUBCATEGORY

    @rx.var
    def counts_key(self) -> str:
        """Catalogue key of the live count check line (its parameters: `counts_params`)."""
        return count_status(self.values)[0]

    @rx.var
    def counts_params(self) -> dict[str, str]:
        return count_status(self.values)[1]

    @rx.var
    def counts_ok(self) -> bool:
        return count_status(self.values)[2]

    @rx.var
    def consumable(self) -> bool:
        return self.values.get("type") == "consumable"

    # --- helpers -----------------------------------------------------------------------------

    def _show(self, row: dict[str, Any]) -> None:
        self.values = form_values(row) if row else blank()
        self._original = dict(self.values)
        self.edit_version = int(row.get("version") or 0) if row else 0
        self.form_key = str(int(self.form_key) + 1)

    def _parse_id(self, value: Any) -> uuid.UUID | None:
        return parse_item_id(value)

    def _fetch(self, actor: Actor, record_id: uuid.UUID) -> dict[str, Any]:
        return _get(actor, record_id)

    def _write(
        self, actor: Actor, record_id: uuid.UUID | None, version: int, payload: dict[str, Any]
    ) -> dict[str, Any]:
        if record_id is None:
            return _create(actor, payload)
        return _update(actor, record_id, version, payload)

    def _changes_payload(self, changes: dict[str, str], *, create: bool) -> dict[str, Any]:
        return service_input(changes, create=create, code_editor=self.code_editor)

    def _conflict_rows_for(self, saved: dict[str, Any]) -> list[dict[str, str]]:
        fields = tuple((f, translate(key, self._language)) for f, key in FIELDS)
        return conflict_rows(
            fields,
            self._display(self._mine),
            self._display(self._original),
            self._display(form_values(saved)),
        )

    def _editor_name(self, actor: Actor, current: dict[str, Any]) -> str | None:
        item_id = parse_item_id(str(current.get("id") or self.edit_id))
        return _editor(actor, item_id) if item_id else None

    async def _refresh(self, actor: Actor, record_id: str) -> None:
        await refresh_equipment_pages(self, actor, record_id)

    def _display(self, values: dict[str, str]) -> dict[str, str]:
        """Form values as people read them (category names instead of ids)."""
        cats = {c["id"]: c["name"] for c in self.categories}
        subs = {s["id"]: s["name"] for s in self.subcategories}
        return values | {
            "category_id": cats.get(values.get("category_id", ""), ""),
            "subcategory_id": subs.get(values.get("subcategory_id", ""), ""),
            "type": translate(TYPES[values["type"]], self._language)
            if values.get("type") in TYPES
            else "",
        }

    async def _remember_language(self) -> None:
        self._language = (await self.get_state(LocaleState)).language

    async def _open(self, actor: Actor, row: dict[str, Any]) -> None:
        await self._remember_language()
        self.categories, self.subcategories = await asyncio.to_thread(_choices, actor)
        self.code_editor = actor.role in equipment_service.ASSET_CODE_EDITORS
        self._reset_form()
        self._show(row)
        self.form_open = True

    # --- create / edit -------------------------------------------------------------------

    @rx.event
    async def open_create(self):
        """Open an empty "New item" form (reads the category tree with
        `categories.list_category_tree`). No arguments; needs `equipment:write`."""
        refusal = await tr(self, "equipment.error.cannot_add")
        return await self._open_create("equipment:write", refusal)

    @rx.event
    async def open_edit(self, item_id: str):
        """Open the edit form of an item. `item_id` must be a UUID string; the item is read
        fresh (`equipment.get_equipment_row`) and its version is the one the save carries."""
        refusal = await tr(self, "equipment.error.cannot_change")
        return await self._open_edit("equipment:write", refusal, item_id)

    @rx.event
    def set_choice(self, field: str, value: str):
        """A select or count input changed. `field` must be one of the controlled fields,
        `value` a string of at most 20 characters (a category/subcategory must be one of
        the loaded ones; changing the category clears the subcategory)."""
        if field not in CONTROLLED or not isinstance(value, str) or len(value) > 64:
            return
        if not self.form_open or self.saving:
            return
        if field == "category_id" and value not in {c["id"] for c in self.categories}:
            return
        if field == "subcategory_id":
            value = "" if value == NO_SUBCATEGORY else value
            if value and value not in {s["id"] for s in self.subcategory_options}:
                return
        if field == "type" and value not in TYPES:
            return
        if field.startswith("quantity") and len(value) > 20:
            return
        updated = dict(self.values)
        updated[field] = value
        if field == "category_id" and value != self.values.get("category_id"):
            updated["subcategory_id"] = ""
        self.values = updated

    @rx.event
    async def save(self, form_data: dict):
        """Submit (Enter or Save). `form_data` must be a dict of strings (see the class
        docstring). Create calls `equipment.create_equipment` with the filled fields; edit
        calls `equipment.update_equipment` with the loaded version and the changed fields."""
        if self.saving or not self.form_open or self.conflict:
            return
        await self._remember_language()
        controlled = {f: self.values.get(f, "") for f in CONTROLLED}
        values, errors = read_form(form_data, controlled, self._language)
        if any(errors.values()):
            self.errors = errors
            return
        if not self.code_editor:  # the field is not shown: keep the saved (or no) code
            values["asset_code"] = self._original.get("asset_code", "")
        self._mine = values
        async for update in self._submit(values):
            yield update
